"""Write offline_rules/vectors.json: the shared offline-rule vectors, reproducibly.

Ed25519 signatures are deterministic and the keys and token ids below are fixed, so running
this again writes the same file; run it after changing a case, and commit both.

    .venv/bin/python scripts/make_offline_vectors.py
"""

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from paytoken import FLAG_OFFLINE, KeyEntry, Keyset, PaymentClaims, SigningKey, issue_token

OUT = Path(__file__).resolve().parent.parent / "offline_rules" / "vectors.json"
T0 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
WALLET = "P-7KX2-M9QD"
LIMITS = {
    "max_amount_cents": 5_000,
    "max_count": 3,
    "max_total_cents": 8_000,
    "max_hours_since_sync": 48,
    "clock_skew_seconds": 300,
}


def key(name: str) -> SigningKey:
    seed = hashlib.sha256(f"caisse-commune offline vectors: {name}".encode()).digest()
    return SigningKey(Ed25519PrivateKey.from_private_bytes(seed))


SIGNER, STRANGER = key("current"), key("not in the keyset")


def token(
    number: int,
    *,
    issued: datetime = T0 - timedelta(hours=1),
    lifetime: timedelta = timedelta(hours=24),
    cap: int = 10_000,
    offline: bool = True,
    signer: SigningKey = SIGNER,
) -> str:
    claims = PaymentClaims(
        token_id=number.to_bytes(16, "big"),
        wallet=WALLET,
        cap_cents=cap,
        issued_at=int(issued.timestamp()),
        expires_at=int((issued + lifetime).timestamp()),
        flags=FLAG_OFFLINE if offline else 0,
    )
    return issue_token(claims, signer)


def tampered(text: str) -> str:
    # change one Base45 character in the signature's part, near the end
    last = text[-5]
    return text[:-5] + ("A" if last != "A" else "B") + text[-4:]


def case(
    name: str,
    expected: str,
    *,
    code: str | None = None,
    amount: int = 1_200,
    captured: datetime = T0,
    received: datetime | None = None,
    since: datetime = T0 - timedelta(hours=2),
    count: int = 0,
    total: int = 0,
    blocked_tokens: tuple[int, ...] = (),
    blocked_wallets: tuple[str, ...] = (),
    taken_here: bool = False,
    limits: dict[str, int] | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "token": code or token(1),
        "amount_cents": amount,
        "captured_at": captured.isoformat(),
        "received_at": (received or captured).isoformat(),
        "limits": limits or LIMITS,
        "window": {"since": since.isoformat(), "count": count, "total_cents": total},
        "blocklist": {
            "token_ids": [n.to_bytes(16, "big").hex() for n in blocked_tokens],
            "wallets": list(blocked_wallets),
        },
        "taken_here": taken_here,
        "expected": expected,
    }


def vectors() -> list[dict[str, Any]]:
    expires = T0 - timedelta(hours=1) + timedelta(hours=24)
    return [
        case("a valid offline code within every limit", "accept"),
        case(
            "synced two days later: judged when it was taken",
            "accept",
            received=T0 + timedelta(days=2),
        ),
        case(
            "the server's clock behind the till's by less than the allowance",
            "accept",
            received=T0 - timedelta(seconds=299),
        ),
        case(
            "dated after the server's now beyond the allowance",
            "captured_in_future",
            received=T0 - timedelta(seconds=301),
        ),
        case(
            "dated before the till's last contact beyond the allowance",
            "captured_before_contact",
            since=T0 + timedelta(seconds=301),
        ),
        case(
            "dated before the last contact within the allowance",
            "accept",
            since=T0 + timedelta(seconds=299),
        ),
        case(
            "the till offline longer than its limit",
            "offline_too_long",
            since=T0 - timedelta(hours=48, seconds=1),
        ),
        case("offline exactly as long as its limit", "accept", since=T0 - timedelta(hours=48)),
        case("a signature that does not verify", "bad_signature", code=tampered(token(1))),
        case("a key the till does not know", "unknown_key", code=token(2, signer=STRANGER)),
        case("not a pay code", "bad_prefix", code="HELLO"),
        case("a code too long to be one", "too_large", code="CC1:" + "A" * 500),
        case(
            "expired beyond the allowance",
            "token_expired",
            captured=expires + timedelta(seconds=300),
            since=expires - timedelta(hours=1),
        ),
        case(
            "expired within the allowance",
            "accept",
            captured=expires + timedelta(seconds=299),
            since=expires - timedelta(hours=1),
        ),
        case(
            "issued in the till's future beyond the allowance",
            "token_not_yet_valid",
            code=token(3, issued=T0 + timedelta(seconds=301)),
        ),
        case("a revoked code the till knew of", "token_revoked", blocked_tokens=(1,)),
        case("a blocked wallet the till knew of", "wallet_blocked", blocked_wallets=(WALLET,)),
        case("another code revoked: not this one", "accept", blocked_tokens=(9,)),
        case("an online-only code", "token_online_only", code=token(4, offline=False)),
        case("the same code taken here before", "token_already_used", taken_here=True),
        case(
            "more than the code's cap", "amount_exceeds_cap", code=token(5, cap=1_000), amount=1_001
        ),
        case("a zero amount", "amount_exceeds_cap", amount=0),
        case("a negative amount", "amount_exceeds_cap", amount=-100),
        case("above the per-payment limit", "offline_limit", amount=5_001),
        case("exactly the per-payment limit", "accept", amount=5_000),
        case("one payment too many in the window", "offline_limit", count=3, total=3_000),
        case("the last payment the window allows", "accept", count=2, total=1_000),
        case("over the window's total", "offline_limit", count=1, total=7_000, amount=1_001),
        case("exactly the window's total", "accept", count=1, total=7_000, amount=1_000),
        case(
            "a blocked code past its limits: the code is judged first",
            "token_revoked",
            blocked_tokens=(1,),
            amount=9_000,
        ),
    ]


def main() -> None:
    document = {
        "about": "Shared offline-rule vectors (offline_rules/vectors.py documents the format);"
        " written by scripts/make_offline_vectors.py",
        "keyset": Keyset([KeyEntry(SIGNER.public_key, T0 - timedelta(days=60))]).as_json(),
        "vectors": vectors(),
    }
    OUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(document['vectors'])} vectors")


if __name__ == "__main__":
    main()
