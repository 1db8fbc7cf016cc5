"""The fund's clock: calendar decisions in the fund's time zone, timestamps in UTC."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wallet_server import clock, config

PARIS = ZoneInfo("Europe/Paris")


def test_half_past_midnight_on_the_first_in_paris_is_the_new_month_though_utc_says_the_old():
    moment = datetime(2027, 1, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 February in Paris
    assert clock.this_month(moment, PARIS) == "2027-02"
    assert clock.today(moment, PARIS) == date(2027, 2, 1)
    assert clock.this_month(moment, ZoneInfo("UTC")) == "2027-01"


def test_new_years_eve_local_midnight_is_a_new_year_an_hour_before_utc():
    assert clock.this_month(datetime(2028, 12, 31, 22, 59, 59, tzinfo=UTC), PARIS) == "2028-12"
    assert clock.this_month(datetime(2028, 12, 31, 23, 0, 0, tzinfo=UTC), PARIS) == "2029-01"


def test_days_are_23_and_25_hours_long_on_the_dst_switches():
    spring, autumn, plain = date(2027, 3, 28), date(2027, 10, 31), date(2028, 2, 29)
    assert clock.end_of_day(spring, PARIS) - clock.start_of_day(spring, PARIS) == timedelta(
        hours=23
    )
    assert clock.end_of_day(autumn, PARIS) - clock.start_of_day(autumn, PARIS) == timedelta(
        hours=25
    )
    assert clock.end_of_day(plain, PARIS) - clock.start_of_day(plain, PARIS) == timedelta(hours=24)
    assert clock.start_of_day(spring, PARIS) == datetime(2027, 3, 27, 23, tzinfo=UTC)
    assert clock.start_of_month("2027-11", PARIS) == datetime(2027, 10, 31, 23, tzinfo=UTC)


def test_the_zone_comes_from_caisse_timezone_and_a_bad_one_is_refused_in_both_languages(
    monkeypatch,
):
    monkeypatch.setenv("CAISSE_TIMEZONE", "America/Cayenne")
    assert clock.fund_zone().key == "America/Cayenne"
    monkeypatch.setenv("CAISSE_TIMEZONE", "")
    assert clock.fund_zone().key == config.DEFAULT_TIMEZONE == "Europe/Paris"
    monkeypatch.setenv("CAISSE_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="fuseau horaire inconnu / unknown time zone"):
        clock.fund_zone()


def test_now_is_utc_and_a_naive_time_is_refused():
    assert clock.now().tzinfo is UTC
    with pytest.raises(ValueError, match="naive"):
        clock.today(datetime(2027, 1, 1, 12))  # noqa: DTZ001 (the point of the test)
