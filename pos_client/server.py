"""The wallet server's till API, over HTTP(S) with short timeouts.

Two kinds of failure, because the till acts on them differently: `ServerUnreachable` (no
answer: connection refused, timeout, a proxy's 5xx) sends it to its offline rules, while
`ServerRefused` is the server's considered answer, worded in French and English.
"""

import http.client
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

API_PREFIX = "/api/v1/"


class ServerUnreachable(Exception):
    """No answer from the server; the request may or may not have been received."""


class ServerRefused(Exception):
    def __init__(self, status: int, code: str, messages: dict[str, str]) -> None:
        self.status = status
        self.code = code
        self.messages = messages
        super().__init__(f"{status} {code}")


class ServerClient:
    def __init__(self, base_url: str, credential: str | None = None, timeout: float = 3.0) -> None:
        if urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"the server address must start with https:// : {base_url!r}")
        self.base_url = base_url.rstrip("/") + "/"
        self.credential = credential
        self.timeout = timeout

    def pair(self, code: str, name: str) -> dict[str, Any]:
        return self._call("POST", "pos/pair", {"code": code, "name": name})

    def heartbeat(self, unsynced_count: int, unsynced_cents: int, synced: bool) -> dict[str, Any]:
        return self._call(
            "POST",
            "pos/heartbeat",
            {"unsynced_count": unsynced_count, "unsynced_cents": unsynced_cents, "synced": synced},
        )

    def keyset(self) -> dict[str, Any]:
        return self._call("GET", "keyset")

    def blocklist(self, since: int) -> dict[str, Any]:
        return self._call("GET", f"blocklist?since={since}")

    def redeem(self, body: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        return self._call("POST", "pos/redemptions", body, timeout=timeout)

    def redeem_batch(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = self._call("POST", "pos/redemptions/batch", {"redemptions": bodies}, timeout=30)
        results: list[dict[str, Any]] = answer["results"]
        return results

    def redemption(self, redemption_id: str) -> dict[str, Any]:
        return self._call("GET", f"pos/redemptions/{quote(redemption_id, safe='')}")

    def refund(self, refund_id: str, redemption_id: str, amount_cents: int) -> dict[str, Any]:
        body = {
            "refund_id": refund_id,
            "redemption_id": redemption_id,
            "amount_cents": amount_cents,
        }
        return self._call("POST", "pos/refunds", body)

    def pay_by_pin(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "pos/pin-payments", body)

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        request = urllib.request.Request(
            urljoin(self.base_url, API_PREFIX.lstrip("/") + path),
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        if self.credential:
            request.add_header("Authorization", f"Bearer {self.credential}")
        try:
            # the base URL's scheme is checked (http or https) when the client is made
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:  # nosec B310
                answer: dict[str, Any] = json.load(response)
                return answer
        except urllib.error.HTTPError as error:
            # 429 is an answer, not an outage: the server refuses to be asked again so soon
            # (too many wrong PINs from this till), in words the cashier must see
            if error.code >= 500 or error.code == 408:
                raise ServerUnreachable(f"HTTP {error.code}") from None
            raise _refusal(error) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            raise ServerUnreachable(str(error)) from None
        except json.JSONDecodeError:
            raise ServerUnreachable("the answer is not JSON") from None


def _refusal(error: urllib.error.HTTPError) -> ServerRefused:
    try:
        document = json.load(error)
    except (json.JSONDecodeError, OSError):
        document = {}
    messages = document.get("messages") or {}
    return ServerRefused(
        error.code,
        str(document.get("code") or f"http_{error.code}"),
        {"fr": str(messages.get("fr", "")), "en": str(messages.get("en", ""))},
    )
