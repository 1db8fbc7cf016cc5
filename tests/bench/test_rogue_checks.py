"""The rogue checks of the simulation, fed crafted records: they must be able to fail."""

from datetime import UTC, datetime, timedelta

from bench.simulation.checks import Verdict, _payments_agree
from bench.simulation.fund import rogue_shop_sizes
from bench.simulation.rogue_checks import Paid, beyond_limits, exposure_cents, fund_loss_cents
from bench.simulation.rogue_till import ContactWindow, RogueCapture
from bench.simulation.simulate import rogue_count
from pos_client.journal import JournalEntry, JournalState

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
ROGUE, SHOP = 7, 3


def window(index, opened=T0, amount=1_200, count=3, total=10_000):
    return ContactWindow(ROGUE, index, opened, amount, count, total, clock_skew_seconds=300)


class Run:
    """A rogue's sends and what the server paid of them, built payment by payment."""

    def __init__(self, *windows):
        self.windows = {(ROGUE, w.index): w for w in windows or [window(1)]}
        self.sent: dict[str, RogueCapture] = {}
        self.paid: list[Paid] = []

    def pay(
        self, amount=500, *, window=1, token=None, captured=T0, received=T0, cursor=0, shop=SHOP
    ):
        number = len(self.paid) + 1
        redemption_id, token_id = f"rogue-{ROGUE}-{number:06d}", token or f"{number:032x}"
        self.sent[redemption_id] = RogueCapture(
            redemption_id, ROGUE, "trick", token_id, amount, captured, window, cursor, "", None
        )
        self.paid.append(
            Paid(
                number, redemption_id, ROGUE, shop, token_id, amount, "offline", captured, received
            )
        )
        return self

    def beyond(self, blocklisted=None):
        return beyond_limits(self.paid, self.sent, self.windows, blocklisted or {})


def test_payments_within_every_limit_are_not_beyond():
    assert Run().pay().pay().pay().beyond() == []


def test_a_till_over_its_count_in_one_window_is_paid_beyond_limits_once():
    reasons = Run().pay().pay().pay().pay().beyond()
    assert len(reasons) == 1
    assert "payment 4 > 3 in window 1" in reasons[0]


def test_the_same_payments_over_two_windows_are_within_limits():
    run = Run(window(1), window(2, opened=T0 + timedelta(minutes=1)))
    later = T0 + timedelta(minutes=2)
    run.pay().pay().pay(window=1).pay(window=2, captured=later, received=later)
    assert run.beyond() == []


def test_a_total_over_the_window_total_is_counted():
    run = Run(window(1, total=1_000))
    assert len(run.pay(600).pay(600).beyond()) == 1


def test_an_amount_over_the_per_payment_limit_is_counted():
    assert len(Run().pay(1_201).beyond()) == 1


def test_one_code_paid_twice_at_one_shop_is_counted():
    reasons = Run().pay(token="ab" * 16).pay(token="ab" * 16).beyond()
    assert len(reasons) == 1
    assert "already paid at shop" in reasons[0]


def test_one_code_paid_at_two_shops_is_a_conflict_not_beyond():
    run = Run().pay(token="ab" * 16).pay(token="ab" * 16, shop=SHOP + 1)
    assert run.beyond() == []


def test_an_honest_till_paid_first_at_the_shop_makes_the_rogues_payment_beyond():
    run = Run().pay(token="ab" * 16)
    honest = run.paid[0]
    run.paid[0] = Paid(0, "honest-1", 1, SHOP, "ab" * 16, 500, "offline", T0, T0)
    run.sent.pop(honest.redemption_id)
    run.pay(token="ab" * 16)
    assert len(run.beyond()) == 1


def test_a_capture_dated_before_its_window_beyond_the_skew_is_counted():
    early = T0 - timedelta(seconds=301)
    assert len(Run().pay(captured=early).beyond()) == 1
    assert Run().pay(captured=T0 - timedelta(seconds=299)).beyond() == []


def test_a_capture_dated_after_it_was_received_beyond_the_skew_is_counted():
    assert len(Run().pay(captured=T0 + timedelta(seconds=301), received=T0).beyond()) == 1


def test_a_code_revoked_on_the_blocklist_the_till_had_is_counted():
    token = "cd" * 16
    assert len(Run().pay(token=token, cursor=5).beyond({token: 5})) == 1
    assert Run().pay(token=token, cursor=4).beyond({token: 5}) == []


def test_naive_database_times_are_read_as_utc():
    naive = T0.replace(tzinfo=None)
    run = Run().pay(captured=naive, received=naive)
    assert run.beyond() == []


def test_exposure_is_each_tills_worst_window():
    assert exposure_cents([(1_200, 5, 4_000), (5_000, 20, 50_000), (100, 3, 1_000)]) == (
        4_000 + 50_000 + 300
    )


def test_fund_loss_is_net_of_what_payouts_hold_back_at_most_each_balance():
    assert fund_loss_cents(1_000, {1: 600}, {1: 5_000}) == 400
    assert fund_loss_cents(1_000, {1: 600, 2: 900}, {1: 5_000, 2: 100}) == 300
    assert fund_loss_cents(1_000, {1: 2_000}, {1: 5_000}) == 0


def test_rogues_default_to_a_tenth_of_the_tills_and_collude_in_twos_and_threes():
    assert rogue_count(-1, 50) == 5 and rogue_count(-1, 6) == 1 and rogue_count(-1, 2) == 0
    assert rogue_count(0, 50) == 0 and rogue_count(3, 6) == 3
    assert rogue_shop_sizes(1) == [1]
    assert rogue_shop_sizes(2) == [2]
    assert rogue_shop_sizes(4) == [2, 2]
    assert rogue_shop_sizes(5) == [3, 2]
    assert rogue_shop_sizes(7) == [3, 2, 2]


def _rejected_at_till(redemption_id):
    entry = JournalEntry(
        redemption_id, "redemption", "CC1:x", "ab" * 16, None, 500, T0, "offline",
        JournalState.REJECTED, {"code": "token_already_used"}, True,
    )  # fmt: skip
    return {redemption_id: (1, entry)}


def test_a_same_shop_second_use_refused_by_the_server_is_not_lost():
    verdict = Verdict()
    journal = _rejected_at_till("1-rd-a")
    _payments_agree(verdict, {}, journal, {"1-rd-a": 500}, paid_at_shop_before={"1-rd-a"})
    assert (verdict.lost, verdict.already_paid_at_shop) == (0, 1)


def test_a_payment_shown_accepted_then_refused_for_another_reason_is_lost():
    verdict = Verdict()
    journal = _rejected_at_till("1-rd-a")
    _payments_agree(verdict, {}, journal, {"1-rd-a": 500}, paid_at_shop_before=set())
    assert (verdict.lost, verdict.already_paid_at_shop) == (1, 0)
