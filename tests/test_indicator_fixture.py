"""End-to-end check of the 18 indicators on a tiny hand-built landing.

tests/fixtures/landing_small/ is loaded with the real loader (load_landing) into a temporary
warehouse, `dbt build` runs on it (models, data tests, unit tests), and every indicator value
is compared with a value worked out BY HAND from the definitions (arithmetic in the comments).

The data horizon is var data_end_at = 2024-04-03T00:00:00+02:00 (= 2024-04-02 22:00 UTC): the
FCR case of ../shared/cases/01_fcr_and_repeat_windows.md states that the data covers up to
and including 2024-04-02. The fixture also holds October 2024 rows (the autumn DST day), which
are after that horizon: they are credited to their dates, but no follow-up window of theirs is
mature. (Without the var, the horizon derives from the latest contact; dbt unit tests
int_data_horizon_* cover that rule.)

Campaigns: CS01 customer_service, zone empty -> Europe/Paris, the FCR case verbatim
(F1-F8, every contact 300 s talk + 60 s wrap = 360 s handled);
OUT1 outbound_sales Europe/Paris, default windows (withdrawal 14 d, survival 90 d);
RET1 retention America/New_York, withdrawal 30 d, survival 60 d;
BAD1 has an unknown zone and is quarantined.
Survey questions: landing overrides csat to a 1-4 scale (top-2 = 3 or 4) and adds
cr_listening (1-5, cr) and cr_reformulation (0-10, cr); nps keeps the default 0-10.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from dagster_project.landing import load_landing

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "landing_small"
DBT_DIR = ROOT / "dbt"
DATA_END_AT = "2024-04-03T00:00:00+02:00"

REGISTRY = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]["indicators"]
CODES = [i["code"] for i in REGISTRY]

D = dt.date


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("indicator_fixture")
    wh = tmp / "warehouse.duckdb"
    report = load_landing(FIXTURE, wh)
    assert report.files_loaded == 14, report.summary()

    env = dict(os.environ, WAREHOUSE_PATH=str(wh), MEASURED_PROGRAMMES="cr_method")  # cr_refresher is not measured
    env.pop("DBT_TARGET", None)
    dbt = Path(sys.executable).parent / "dbt"
    proc = subprocess.run(
        [
            str(dbt), "build",
            "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
            "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"),
            "--vars", json.dumps({"data_end_at": DATA_END_AT}),
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert "WARN=0 ERROR=0" in proc.stdout, proc.stdout[-6000:]
    return wh


@pytest.fixture(scope="module")
def con(warehouse):
    c = duckdb.connect(str(warehouse), read_only=True)
    c.execute("set TimeZone = 'UTC'")
    yield c
    c.close()


def rows(con, sql, params=None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


# ---------------------------------------------------------------------------------------------
# Expected monthly values, advisor x campaign x month. Only non-NULL indicators are listed:
# every other indicator of the row must be NULL (its denominator is 0).
# ---------------------------------------------------------------------------------------------
EXPECTED_MONTHLY = {
    # B01 on OUT1, December 2023. Hours: 12-01 14400 s + 12-02 3600 s = 5 h (the 90000 s row of
    # 12-02 is above the 86400 maximum: quarantined). Contacts K1..K7 (7); K6 no_answer ->
    # handled K1,K2,K3,K4,K5,K7 = 6, all outbound. K7 is re-delivered in contacts_2024-03.csv as
    # gatekeeper_blocked (the later delivery wins over not_argued) -> blocked 1.
    # Argued: K1-K4 sale + K5 appointment = 5. Sales S4, S5, S6 (delivered twice, identical:
    # one), S7: 4 sales, revenue 200 + 150 + 120 + 30 = 500; primary S4,S5,S6 = 3, additional
    # S7 = 1, with services S4 = 1. All December contacts/sales are mature for every window.
    ("B01", "OUT1", D(2023, 12, 1)): {
        "gatekeeper_block_rate": 1 / 6,            # 1 blocked / 6 outbound handled
        "argued_contacts_per_hour": 1.0,           # 5 argued / 5 h
        "sales_or_appointments_per_hour": 0.8,     # (3 primary + 1 appointment K5) / 5 h
        "revenue_per_hour": 100.0,                 # 500 / 5
        "retentions_per_hour": 0.0,                # 0 / 5
        "revenue_per_sale": 125.0,                 # 500 / 4
        "additional_sales_per_hour": 0.2,          # 1 / 5
        "service_attach_rate": 1 / 3,              # S4 / (S4, S5, S6)
        "repeat_contact_rate": 1 / 6,              # 6 identified (K6 is not); K3 (c12) followed by K4 next day
        "withdrawal_rate": 0.25,                   # S5 withdrawn after 3 days / 4 sales mature at 14 d
        "attrition_rate": 2 / 6,                   # K1: c10 churned 2024-01-10 (<= 12-01 + 90 d);
                                                   # K3: c12 churned 12-04, after its 12-03 -> yes;
                                                   # K4: c12 churned 12-04 = its own date -> no;
                                                   # K2: c11 churned 2024-06-01 on OUT1 (> 90 d; the
                                                   # 2023-12-20 churn of c11 is on RET1) -> no;
                                                   # K5 c13 no customers row, K7 c14 never -> no
        "survival_rate": 1 / 3,                    # primary S4 cancelled 01-15, S5 withdrawn,
                                                   # S6 survives -> 1 / 3 (mature at 90 d)
        "csat_top2_rate": 2 / 3,                   # csat on 1-4: V1 4, V3 3 top-2, V5 2 not (V14 = 5
                                                   # is outside the scale: quarantined)
        "cr_satisfaction_rate": 2 / 3,             # V7 4 (>= 5-1), V8 3 no, V9 9 (>= 10-1)
        "nps": 25.0,                               # V2 10 P, V4 8 passive, V6 5 D, V10 9 P (answered
                                                   # in January, credited to K5's 12-04):
                                                   # 100 x (2 - 1) / 4
        "contacts_per_hour": 1.2,                  # 6 handled / 5 h
        "average_handle_seconds": 320.0,           # (600+500+300+200+300+20) / 6 = 1920 / 6
    },
    # 007 on RET1 (America/New_York, withdrawal 30 d, survival 60 d), December 2023.
    # Hours 12-04 7200 + 12-05 3600 + 12-06 3600 = 4 h. Contacts, all inbound and identified:
    # R1 r1 2023-12-05 03:00Z = 12-04 22:00 EST; R2 r2 12-05 15:00Z; R3 r1 12-06 15:00Z;
    # R4 r3 12-10 15:00Z (a day without hours). Sale S8 (R3) 80.00, withdrawn after 19 d 23 h 55 m.
    ("007", "RET1", D(2023, 12, 1)): {
        "argued_contacts_per_hour": 0.75,          # R1, R3 retention_saved + R2 retention_lost = 3 / 4 h
        "sales_or_appointments_per_hour": 0.25,    # 1 primary sale / 4 h
        "revenue_per_hour": 20.0,                  # 80 / 4
        "retentions_per_hour": 0.5,                # 2 retention_saved / 4 h
        "revenue_per_sale": 80.0,                  # 80 / 1
        "additional_sales_per_hour": 0.0,          # 0 / 4
        "service_attach_rate": 0.0,                # S8 has no service / 1 primary
        "fcr_d2_rate": 0.75,                       # R1 fails (R3, same customer, 36 h later);
                                                   # R2, R3, R4 resolved -> 3 / 4
        "repeat_contact_rate": 0.25,               # R1 followed by R3 within 7 d -> 1 / 4
        "withdrawal_rate": 1.0,                    # S8 withdrawn within 30 d (not within 14) -> 1 / 1
        "attrition_rate": 0.75,                    # R1 (12-04) and R3 (12-06): r1 churned 2024-02-01;
                                                   # R2 (12-05): r2 churned 2024-03-04 = 12-05 + 90 d
                                                   # exactly -> counts; R4 r3 never -> 3 / 4
        "survival_rate": 0.0,                      # S8 withdrawn within 60 d -> 0 / 1
        "contacts_per_hour": 1.0,                  # 4 handled / 4 h
        "average_handle_seconds": 212.5,           # (360 + 240 + 100 + 150) / 4 = 850 / 4
    },
    # 007 on OUT1, March 2024 (Europe/Paris). Hours 03-15 7200 + 03-31 3600 = 3 h.
    # O1 c01 2024-03-15 23:50+01 (ends after midnight: credited once, 03-15) sale 1260 s;
    # O5 c04 03-15 10:00 argued 450 s; O6 c04 03-15 11:00 not_argued 120 s;
    # O2 c02 2024-03-30 23:30Z = 03-31 00:30 CET, gatekeeper_blocked 30 s;
    # O3 (no customer) 2024-03-31 01:30Z = 03:30 CEST, no_answer.
    # (O4, 2024-03-31 22:30Z = 04-01 00:30 CEST, is in April.) Sales S1 100.00 primary with 2
    # services, S2 20.50 additional withdrawn 03-20, both 03-15 local.
    ("007", "OUT1", D(2024, 3, 1)): {
        "gatekeeper_block_rate": 0.25,             # O2 / (O1, O2, O5, O6)
        "argued_contacts_per_hour": 2 / 3,         # O1 (sale) + O5 = 2 / 3 h
        "sales_or_appointments_per_hour": 1 / 3,   # 1 primary + 0 appointments / 3 h
        "revenue_per_hour": 120.5 / 3,             # (100.00 + 20.50) / 3
        "retentions_per_hour": 0.0,
        "revenue_per_sale": 60.25,                 # 120.50 / 2
        "additional_sales_per_hour": 1 / 3,        # S2 / 3 h
        "service_attach_rate": 1.0,                # S1 / S1
        "repeat_contact_rate": 1 / 3,              # mature (start + 7 d <= 04-02 22:00Z): O1, O5, O6;
                                                   # O5 followed by O6 (1 h) -> 1 / 3; O2 not mature
        "withdrawal_rate": 0.5,                    # S1, S2 mature at 14 d; S2 withdrawn -> 1 / 2
        "csat_top2_rate": 0.0,                     # V11 on O1: 1 on 1-4 -> 0 / 1
        "contacts_per_hour": 4 / 3,                # 4 handled / 3 h
        "average_handle_seconds": 465.0,           # (1260 + 30 + 450 + 120) / 4 = 1860 / 4
    },
    # 007 on OUT1, April 2024: O4 c03 2024-03-31 22:30Z = 04-01 00:30 CEST, appointment,
    # 600 + 60 + 120 = 780 s; hours 04-01 1800 s = 0.5 h. Its windows are not mature.
    ("007", "OUT1", D(2024, 4, 1)): {
        "gatekeeper_block_rate": 0.0,              # 0 / 1
        "argued_contacts_per_hour": 2.0,           # 1 / 0.5
        "sales_or_appointments_per_hour": 2.0,     # (0 + 1 appointment) / 0.5
        "revenue_per_hour": 0.0,
        "retentions_per_hour": 0.0,
        "additional_sales_per_hour": 0.0,
        "contacts_per_hour": 2.0,                  # 1 / 0.5
        "average_handle_seconds": 780.0,
    },
    # 007 on OUT1, October 2024 (after the horizon: nothing mature). Local date 2024-10-27 for
    # O7 2024-10-26 22:30Z (00:30 CEST), O8 10-27 01:30Z (02:30 CET, the 25-hour day) and O9
    # 10-27 22:30Z (23:30 CET). Hours 10-27 3600 s. S3 50.00 primary (10-26 22:35Z = 10-27).
    # The bad rows of the same file (X1..X6) are quarantined; O8 delivered twice identically
    # counts once.
    ("007", "OUT1", D(2024, 10, 1)): {
        "gatekeeper_block_rate": 1 / 3,            # O8 / (O7, O8, O9)
        "argued_contacts_per_hour": 2.0,           # O7 sale + O9 argued / 1 h
        "sales_or_appointments_per_hour": 1.0,     # 1 primary / 1 h
        "revenue_per_hour": 50.0,
        "retentions_per_hour": 0.0,
        "revenue_per_sale": 50.0,
        "additional_sales_per_hour": 0.0,
        "service_attach_rate": 0.0,                # S3 has none
        "contacts_per_hour": 3.0,
        "average_handle_seconds": 170.0,           # (300 + 10 + 200) / 3
    },
    # CS01, the FCR case. Horizon 2024-04-02 22:00Z. FCR (48 h): F1 fails (F2 8 min later),
    # F2 ok (F3 4 days later), F3 ok, F6 ok (03-30 15:00Z + 48 h = 04-01 15:00Z <= horizon),
    # F7 ok, F8 not mature (04-02 07:00Z + 48 h > horizon), F4 F5 unidentified.
    # Repeat (7 d): F1 and F2 followed, F3 and F7 not, F6 (+7 d = 04-06) and F8 not mature.
    # A01: F1, F4, F6; hours 03-01 7200 + 03-30 3600 = 3 h. V12 nps 7 on F1 (a passive).
    ("A01", "CS01", D(2024, 3, 1)): {
        "argued_contacts_per_hour": 0.0,
        "sales_or_appointments_per_hour": 0.0,
        "revenue_per_hour": 0.0,
        "retentions_per_hour": 0.0,
        "additional_sales_per_hour": 0.0,
        "fcr_d2_rate": 0.5,                        # F6 / (F1, F6)
        "repeat_contact_rate": 1.0,                # F1 / F1
        "nps": 0.0,                                # 100 x (0 - 0) / 1 passive
        "contacts_per_hour": 1.0,                  # 3 / 3 h
        "average_handle_seconds": 360.0,
    },
    # A02: F2, F5, F7; hours 03-01 3600 + 03-12 3600 = 2 h.
    ("A02", "CS01", D(2024, 3, 1)): {
        "argued_contacts_per_hour": 0.0,
        "sales_or_appointments_per_hour": 0.0,
        "revenue_per_hour": 0.0,
        "retentions_per_hour": 0.0,
        "additional_sales_per_hour": 0.0,
        "fcr_d2_rate": 1.0,                        # (F2, F7) / (F2, F7)
        "repeat_contact_rate": 0.5,                # F2 / (F2, F7)
        "contacts_per_hour": 1.5,                  # 3 / 2 h
        "average_handle_seconds": 360.0,
    },
    # A03: F3; hours 03-05 3600 = 1 h.
    ("A03", "CS01", D(2024, 3, 1)): {
        "argued_contacts_per_hour": 0.0,
        "sales_or_appointments_per_hour": 0.0,
        "revenue_per_hour": 0.0,
        "retentions_per_hour": 0.0,
        "additional_sales_per_hour": 0.0,
        "fcr_d2_rate": 1.0,                        # F3 / F3
        "repeat_contact_rate": 0.0,                # 0 / F3
        "contacts_per_hour": 1.0,
        "average_handle_seconds": 360.0,
    },
    # A03 in April: F8 (not mature for anything); hours 04-02 1800 s = 0.5 h.
    ("A03", "CS01", D(2024, 4, 1)): {
        "argued_contacts_per_hour": 0.0,
        "sales_or_appointments_per_hour": 0.0,
        "revenue_per_hour": 0.0,
        "retentions_per_hour": 0.0,
        "additional_sales_per_hour": 0.0,
        "contacts_per_hour": 2.0,                  # 1 / 0.5
        "average_handle_seconds": 360.0,
    },
}


def test_registry_has_18_indicators_and_all_are_covered():
    assert len(CODES) == 18
    covered = {code for values in EXPECTED_MONTHLY.values() for code in values}
    assert covered == set(CODES), set(CODES) - covered


def test_monthly_indicators_match_hand_computed_values(con):
    actual = {
        (r["advisor_id"], r["campaign_id"], r["month"]): r
        for r in rows(con, "select * from marts.fct_advisor_campaign_monthly")
    }
    assert set(actual) == set(EXPECTED_MONTHLY)
    for key, expected in EXPECTED_MONTHLY.items():
        row = actual[key]
        for code in CODES:
            if code in expected:
                assert row[code] == pytest.approx(expected[code], rel=1e-9, abs=1e-12), (key, code, row[code])
            else:
                assert row[code] is None, (key, code, row[code])


def test_fcr_case_campaign_level_is_a_ratio_of_sums(con):
    # 01_fcr_and_repeat_windows.md: FCR 4/5 = 80 %, repeat 2/4 = 50 % on the campaign.
    (fcr, repeat, fcr_eligible, repeat_eligible), = con.execute(
        """select sum(fcr_resolved_contacts) * 1.0 / sum(fcr_eligible_contacts),
                  sum(repeat_followed_contacts) * 1.0 / sum(repeat_eligible_contacts),
                  sum(fcr_eligible_contacts), sum(repeat_eligible_contacts)
           from marts.fct_advisor_campaign_monthly where campaign_id = 'CS01'"""
    ).fetchall()
    assert (fcr_eligible, repeat_eligible) == (5, 4)
    assert fcr == pytest.approx(0.8)
    assert repeat == pytest.approx(0.5)
    # The same from the daily table.
    (fcr_daily,), = con.execute(
        """select sum(fcr_resolved_contacts) * 1.0 / sum(fcr_eligible_contacts)
           from marts.fct_advisor_campaign_daily where campaign_id = 'CS01'"""
    ).fetchall()
    assert fcr_daily == pytest.approx(0.8)


def test_daily_crediting_local_dates_midnight_and_dst(con):
    daily = {
        r["activity_date"]: r
        for r in rows(
            con,
            "select * from marts.fct_advisor_campaign_daily where advisor_id = '007' and campaign_id = 'OUT1'",
        )
    }
    # No row on the UTC dates that a wrong conversion would produce.
    assert set(daily) == {D(2024, 3, 15), D(2024, 3, 31), D(2024, 4, 1), D(2024, 10, 27)}

    # 03-15: O5, O6 and O1 (23:50, crosses midnight: counted once, on its start date).
    d = daily[D(2024, 3, 15)]
    assert (d["contacts"], d["sales"], d["hours"]) == (3, 2, 2.0)
    assert d["contacts_per_hour"] == pytest.approx(1.5)           # 3 handled / 2 h
    assert d["revenue_per_hour"] == pytest.approx(60.25)          # 120.50 / 2 h
    assert d["month"] == D(2024, 3, 1)

    # 2024-03-31 (spring DST, 23 h): O2 at 23:30Z the evening before (00:30 CET) and O3 at
    # 01:30Z (03:30 CEST). O2 is the only handled contact, and it is blocked.
    d = daily[D(2024, 3, 31)]
    assert (d["contacts"], d["handled_contacts"], d["hours"]) == (2, 1, 1.0)
    assert d["gatekeeper_block_rate"] == pytest.approx(1.0)       # 1 / 1
    assert d["contacts_per_hour"] == pytest.approx(1.0)           # 1 / 1 h
    assert d["repeat_contact_rate"] is None                       # O2 not mature, O3 unidentified

    # 2024-10-27 (autumn DST, 25 h): O7 22:30Z the evening before (00:30 CEST), O8 01:30Z
    # (02:30 CET), O9 22:30Z (23:30 CET, still the 27th).
    d = daily[D(2024, 10, 27)]
    assert (d["contacts"], d["outbound_blocked_contacts"], d["sales"]) == (3, 1, 1)
    assert d["gatekeeper_block_rate"] == pytest.approx(1 / 3)
    assert d["revenue_per_hour"] == pytest.approx(50.0)

    # New York campaign: R1 at 2023-12-05 03:00Z is 12-04 22:00 EST. 12-10 (R4) has no hours:
    # the row exists, per-hour values are NULL, handle time is not.
    ret = {
        r["activity_date"]: r
        for r in rows(con, "select * from marts.fct_advisor_campaign_daily where campaign_id = 'RET1'")
    }
    assert set(ret) == {D(2023, 12, 4), D(2023, 12, 5), D(2023, 12, 6), D(2023, 12, 10)}
    assert (ret[D(2023, 12, 4)]["contacts"], ret[D(2023, 12, 4)]["retention_saved_contacts"]) == (1, 1)
    assert ret[D(2023, 12, 10)]["hours"] == 0
    assert ret[D(2023, 12, 10)]["contacts_per_hour"] is None
    assert ret[D(2023, 12, 10)]["average_handle_seconds"] == pytest.approx(150.0)


def test_monthly_components_are_sums_of_daily(con):
    diff = con.execute(
        """select count(*) from (
             select advisor_id, campaign_id, month, sum(hours) h, sum(contacts) c, sum(revenue) r,
                    sum(fcr_eligible_contacts) f
             from marts.fct_advisor_campaign_daily group by all
             except
             select advisor_id, campaign_id, month, hours, contacts, revenue, fcr_eligible_contacts
             from marts.fct_advisor_campaign_monthly)"""
    ).fetchone()[0]
    assert diff == 0


def test_ids_are_text_and_leading_zeros_are_kept(con):
    advisors = {r[0] for r in con.execute("select advisor_id from marts.dim_advisors").fetchall()}
    assert "007" in advisors and "7" not in advisors
    assert con.execute(
        "select count(*) from marts.fct_advisor_campaign_monthly where advisor_id = '007'"
    ).fetchone()[0] == 4


def test_redelivery_latest_delivery_wins(con):
    # advisors_2024-04.csv (loaded after advisors_2024-01.csv) gives A02 a left_on date.
    assert con.execute("select left_on from marts.dim_advisors where advisor_id = 'A02'").fetchone()[0] == D(2024, 6, 30)
    # K7 re-delivered as gatekeeper_blocked in contacts_2024-03.csv.
    assert con.execute("select outcome from intermediate.int_contacts where contact_id = 'K7'").fetchone()[0] == "gatekeeper_blocked"


def test_bad_rows_are_quarantined_with_file_line_column_reason(con):
    q = {
        (r["table_name"], r["file_name"], r["line"]): r
        for r in rows(con, "select * from marts.fct_quarantine")
    }
    contacts = "contacts/contacts_2024-10.csv"
    expected = {
        # (table, file, line): (column, reason, stage)
        ("contacts", contacts, 4): ("outcome", "value not in accepted values", "validation"),     # X1 callback
        ("contacts", contacts, 5): ("talk_seconds", "negative duration", "validation"),           # X2 -5
        ("contacts", contacts, 6): ("started_at", "unparseable timestamptz value", "validation"), # X3 27/10/2024 10:00
        ("contacts", contacts, 7): ("started_at", "timestamp without UTC offset", "validation"),  # X4
        ("contacts", contacts, 8): ("contact_id", "duplicate key with different content", "duplicate_key"),  # X5
        ("contacts", contacts, 9): ("contact_id", "duplicate key with different content", "duplicate_key"),  # X5
        ("contacts", contacts, 10): ("advisor_id", "unknown advisor_id", "reference"),            # X6 ZZZ
        ("production_hours", "production_hours/production_hours.csv", 17): ("advisor_id", "unknown advisor_id", "reference"),
        ("production_hours", "production_hours/production_hours.csv", 18): ("logged_seconds", "above maximum 86400", "validation"),
        ("advisors", "advisors/advisors_2024-04.csv", 3): ("left_on", "left_on before hired_on", "validation"),
        ("campaigns", "campaigns/campaigns.csv", 5): ("timezone", "unknown time zone", "validation"),
        ("surveys", "surveys/surveys.csv", 14): ("contact_id", "unknown contact_id", "reference"),
        ("surveys", "surveys/surveys.csv", 15): ("score", "score outside the scale of its question", "reference"),
    }
    assert set(q) == set(expected)
    for key, (column, reason, stage) in expected.items():
        assert (q[key]["column_name"], q[key]["reason"], q[key]["check_stage"]) == (column, reason, stage), key

    bad = json.loads(q[("contacts", contacts, 4)]["row_json"])
    assert bad["contact_id"] == "X1" and bad["outcome"] == "callback" and bad["advisor_id"] == "007"
    assert json.loads(q[("contacts", contacts, 6)]["row_json"])["started_at"] == "27/10/2024 10:00"

    # The rest of the file loads: O7, O8 (its identical duplicate collapses), O9.
    loaded = {
        r[0]: r[1]
        for r in con.execute(
            """select contact_id, _line from intermediate.int_contacts
               where _delivery_id = (select delivery_id from raw._deliveries where file_name = ?)""",
            [contacts],
        ).fetchall()
    }
    assert set(loaded) == {"O7", "O8", "O9"}
    assert loaded["O8"] == 12  # identical duplicate lines 3 and 12: one row, the later line


def test_dim_indicators_mirror_the_registry(con):
    dim = rows(con, 'select * from marts.dim_indicators order by indicator_position')
    assert [r["code"] for r in dim] == CODES
    by_code = {r["code"]: r for r in dim}
    assert (by_code["fcr_d2_rate"]["window_value"], by_code["fcr_d2_rate"]["window_unit"]) == (48, "hours")
    assert by_code["repeat_contact_rate"]["window_value"] == 7
    assert by_code["withdrawal_rate"]["window_value"] == 14
    assert by_code["survival_rate"]["window_value"] == 90
    assert by_code["nps"]["scale"] == 100
    campaigns = {r["campaign_id"]: r for r in rows(con, "select * from marts.dim_campaigns")}
    assert set(campaigns) == {"CS01", "OUT1", "RET1"}
    assert campaigns["CS01"]["timezone"] == "Europe/Paris"
    assert (campaigns["RET1"]["withdrawal_window_days"], campaigns["RET1"]["survival_window_days"]) == (30, 60)
    assert (campaigns["OUT1"]["withdrawal_window_days"], campaigns["OUT1"]["survival_window_days"]) == (14, 90)
    advisor = rows(con, "select * from marts.dim_advisors where advisor_id = 'A01'")[0]
    assert (advisor["trained_on"], advisor["training_month"]) == (D(2024, 2, 15), D(2024, 2, 1))
    assert advisor["programmes"] == "cr_method, cr_refresher"


def test_every_mart_column_is_documented(con):
    documented: dict[str, set[str]] = {}
    for path in (DBT_DIR / "models" / "marts").glob("*.yml"):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            documented[model["name"]] = {c["name"] for c in model.get("columns", [])}
    tables = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]
    assert tables and set(tables) <= set(documented), set(tables) - set(documented)
    for table in tables:
        actual = {r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ?",
            [table]).fetchall()}
        assert actual == documented[table], (table, actual ^ documented[table])
