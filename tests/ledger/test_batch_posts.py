"""post_holds: many holds settled in one batch, by the same rules as post_hold."""

from sqlalchemy.orm import Session

from tests.factories import NOW, later
from tests.ledger.test_operations import (  # noqa: F401 (the world fixture)
    World,
    assert_books_ok,
    counters,
    hold,
    open_hold_ids,
    pending,
    world,
)
from wallet_server.ledger import HoldPost, OpenHold, post_hold, post_holds


def _post(hold_id: str, amount: int, transfer_id: str | None = None) -> HoldPost:
    return HoldPost(hold_id, transfer_id or f"{hold_id}:post", amount, actor="shop")


def test_a_batch_posts_each_hold_as_post_hold_would(session: Session, world: World) -> None:
    hold(session, pending(world.wallet, world.shop, 200, "h2"), now=NOW)
    results = post_holds(session, [_post("h1", 120), _post("h2", 200)], now=later(5))
    session.commit()
    assert results == [None, None]
    assert counters(session, world.wallet) == (320, 1000, 0, 0)
    assert counters(session, world.shop) == (0, 320, 0, 0)
    assert open_hold_ids(session) == set()
    assert session.get(OpenHold, "h1") is None  # the session forgot the deleted rows too
    assert_books_ok(session)


def test_each_refusal_leaves_its_hold_and_the_others_post(session: Session, world: World) -> None:
    hold(session, pending(world.wallet, world.shop, 200, "h2"), now=NOW)
    hold(session, pending(world.wallet, world.shop, 100, "h3", minutes=3), now=NOW)
    hold(session, pending(world.wallet, world.shop, 100, "h4"), now=NOW)
    post_hold(session, "h4", transfer_id="h4:post", actor="shop", now=later(1))
    results = post_holds(
        session,
        [
            _post("h1", 301),  # more than held
            _post("nope", 10),  # no such hold
            _post("h2", 50),
            _post("h2", 50, "h2:again"),  # the same hold twice in one batch
            _post("h3", 10),  # expired at later(3)
            _post("h4", 10, "h4:second"),  # posted already
            _post("h1", 10, "h4:post"),  # a transfer id in use
            _post("h1", 0, "h1:zero"),
        ],
        now=later(5),
    )
    session.commit()
    assert [r.code if r else None for r in results] == [
        "post_exceeds_hold",
        "hold_not_found",
        None,
        "hold_already_resolved",
        "hold_expired",
        "hold_already_resolved",
        "idempotency_conflict",
        "invalid_amount",
    ]
    assert open_hold_ids(session) == {"h1", "h3"}
    assert counters(session, world.wallet) == (150, 1000, 400, 0)
    assert_books_ok(session)
