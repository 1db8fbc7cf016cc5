"""Pairing: a one-time code from the coordinators becomes this till's credential, and the
till fetches everything it needs to accept payments offline before it takes the first one."""

from pathlib import Path

from pos_client.server import ServerClient
from pos_client.sync import fetch_blocklist
from pos_client.till import utc_now
from pos_client.tillfiles import Pairing, TillFiles


class AlreadyPaired(Exception):
    pass


def pair(server_url: str, code: str, *, name: str, folder: Path, replace: bool = False) -> Pairing:
    files = TillFiles(folder)
    if files.is_paired() and not replace:
        raise AlreadyPaired(str(folder))
    client = ServerClient(server_url, timeout=15)
    till = client.pair(code, name)
    pairing = Pairing(
        server_url=client.base_url,
        credential=till["credential"],
        device_id=int(till["device_id"]),
        device_name=till["device_name"],
        shop_public_id=till["shop_public_id"],
        shop_name=till["shop_name"],
    )
    files.create()
    authorised = ServerClient(server_url, pairing.credential, timeout=15)
    files.save_keyset(authorised.keyset())
    fetch_blocklist(files, authorised)
    files.save_policy(till["offline_limits"])
    files.save_last_sync(utc_now())
    # last: a folder with till.json is a till ready to work
    files.save_pairing(pairing)
    return pairing
