"""Local days of 23 and 25 hours, midnight, delivered over two nights (incremental).

tests/fixtures/incremental/dst/: one contact every hour, on the hour (UTC), through both
daylight-saving nights of 2024 in Paris (campaign P1, advisor H01) and the spring night in
New York (N1, N01); contacts just before, exactly at and across local midnight (M01);
production hours on the short and long days. The spring night is delivered in two files on
two nights: the first night builds 2024-03-31 with 3 contacts, the second rebuilds it.

tests/test_indicator_fixture.py::test_daily_crediting_local_dates_midnight_and_dst already
checks single contacts around both Paris changes and a contact crossing midnight in the
landing_small fixture; the dbt unit test int_contact_flags_local_dates checks the
conversion itself. This file checks whole days: every hour credited once, to the right date.

Hand count (Paris: CET = UTC+1 until 2024-03-31 01:00Z, CEST = UTC+2 until 2024-10-27 01:00Z):
- hourly 2024-03-30 20:00Z .. 2024-04-01 01:00Z (30 contacts):
  03-30 local = [03-29 23:00Z, 03-30 23:00Z): 20Z 21Z 22Z                  -> 3
  03-31 local = [03-30 23:00Z, 03-31 22:00Z), 23 hours: 23Z (00:00 CET) .. 21Z -> 23
  04-01 local from 03-31 22:00Z (00:00 CEST): 22Z 23Z 00Z 01Z               -> 4
- hourly 2024-10-26 20:00Z .. 2024-10-28 01:00Z (30 contacts):
  10-26 local = [.., 10-26 22:00Z): 20Z 21Z                                -> 2
  10-27 local = [10-26 22:00Z, 10-27 23:00Z), 25 hours: 22Z (00:00 CEST) .. 22Z -> 25
  10-28 local from 10-27 23:00Z (00:00 CET): 23Z 00Z 01Z                    -> 3
- New York (EST = UTC-5 until 2024-03-10 07:00Z, then EDT = UTC-4), hourly
  2024-03-10 03:00Z .. 2024-03-11 06:00Z (28): 03-09: 03Z 04Z -> 2; 03-10 = [05:00Z,
  03-11 04:00Z), 23 hours -> 23; 03-11: 04Z 05Z 06Z -> 3.
- M01: MS1 23:59:59 CET on 03-30 -> 03-30; MS2 exactly 00:00 CET on 03-31 -> 03-31; MS3
  23:59:59 CEST on 03-31 -> 03-31; MS4 exactly 00:00 CEST on 04-01 -> 04-01; MA1 23:50 CET on
  10-27 lasting 20 min (crosses midnight) -> once, on 10-27; MA2 23:59:59 CET -> 10-27; MA3
  exactly 00:00 CET on 10-28 -> 10-28.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from test_incremental import FIXTURES, connect, dbt, load

D = dt.date
DST = FIXTURES / "dst"

EXPECTED_DAILY_CONTACTS = {
    ("H01", "P1"): {D(2024, 3, 30): 3, D(2024, 3, 31): 23, D(2024, 4, 1): 4,
                    D(2024, 10, 26): 2, D(2024, 10, 27): 25, D(2024, 10, 28): 3},
    ("M01", "P1"): {D(2024, 3, 30): 1, D(2024, 3, 31): 2, D(2024, 4, 1): 1,
                    D(2024, 10, 27): 2, D(2024, 10, 28): 1},
    ("N01", "N1"): {D(2024, 3, 9): 2, D(2024, 3, 10): 23, D(2024, 3, 11): 3},
}


def daily(con) -> dict:
    out: dict = {}
    for advisor, campaign, day, contacts, hours, per_hour, handle in con.execute(
        """select advisor_id, campaign_id, activity_date, contacts, hours, contacts_per_hour, handle_seconds
           from marts.fct_advisor_campaign_daily"""
    ).fetchall():
        out.setdefault((advisor, campaign), {})[day] = (contacts, hours, per_hour, handle)
    return out


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dst")
    landing = tmp / "landing"
    shutil.copytree(DST, landing)
    held_back = tmp / "held_back"
    held_back.mkdir()
    for name in ("contacts_2024-03-31b.csv", "contacts_2024-10-28.csv"):
        shutil.move(landing / "contacts" / name, held_back / name)
    wh = tmp / "warehouse.duckdb"
    load(landing, wh)
    dbt(wh, "build")
    con = connect(wh)
    first = daily(con)
    con.close()
    for name in ("contacts_2024-03-31b.csv", "contacts_2024-10-28.csv"):
        shutil.move(held_back / name, landing / "contacts" / name)
    assert load(landing, wh).files_loaded == 2
    dbt(wh, "build")
    return first, wh


def test_first_night_builds_the_short_day_with_what_it_has(two_nights):
    first, _ = two_nights
    # file a: 2024-03-30 20Z..2024-03-31 01Z -> 3 on 03-30, 3 on 03-31 (23Z 00Z 01Z); 10-27 has
    # its hours, no contact yet
    assert {d: v[0] for d, v in first[("H01", "P1")].items()} == {D(2024, 3, 30): 3, D(2024, 3, 31): 3, D(2024, 10, 27): 0}
    assert first[("H01", "P1")][D(2024, 3, 31)][2] == pytest.approx(3 / 7)


def test_every_hour_counts_once_on_its_local_date(two_nights):
    _, wh = two_nights
    con = connect(wh)
    try:
        actual = daily(con)
        assert {key: {d: v[0] for d, v in days.items()} for key, days in actual.items()} == EXPECTED_DAILY_CONTACTS
        # 23-hour and 25-hour days with their production hours (work_date is already local)
        contacts, hours, per_hour, _ = actual[("H01", "P1")][D(2024, 3, 31)]
        assert (contacts, hours) == (23, 7.0) and per_hour == pytest.approx(23 / 7)
        contacts, hours, per_hour, _ = actual[("H01", "P1")][D(2024, 10, 27)]
        assert (contacts, hours) == (25, 8.0) and per_hour == pytest.approx(3.125)
        contacts, hours, per_hour, _ = actual[("N01", "N1")][D(2024, 3, 10)]
        assert (contacts, hours) == (23, 10.0) and per_hour == pytest.approx(2.3)
        # the contact crossing midnight counts once, with its whole handle time, on 10-27
        assert actual[("M01", "P1")][D(2024, 10, 27)][3] == 1200 + 60
        assert actual[("M01", "P1")][D(2024, 10, 28)][3] == 60
        # months: March 3 + 23, April 4, October 2 + 25 + 3
        months = dict(
            ((a, m), c) for a, m, c in con.execute(
                "select advisor_id, month, contacts from marts.fct_advisor_campaign_monthly where campaign_id = 'P1'").fetchall())
        assert months == {("H01", D(2024, 3, 1)): 26, ("H01", D(2024, 4, 1)): 4, ("H01", D(2024, 10, 1)): 30,
                          ("M01", D(2024, 3, 1)): 3, ("M01", D(2024, 4, 1)): 1, ("M01", D(2024, 10, 1)): 3}
    finally:
        con.close()
