"""Nightly increments give exactly the marts of a full rebuild.

THE test (test_day_by_day_increments_equal_a_full_rebuild): generated sample data, split
into one file per day, is delivered a few days at a time with incremental `dbt run`s, with
the awkward deliveries of real nights in between (corrections, a late contact, a survey
before its contact, contacts before their advisor, a churn date corrected, a campaign's time
zone changed, a survey question's scale changed, the same rows delivered again). The marts
of that warehouse must equal, row for row (EXCEPT both ways), those of
  - the same warehouse rebuilt with `dbt build --full-refresh`, and
  - a fresh warehouse that loads every file at once and builds once.

The helpers here (dbt runner, loader, mart comparison) are shared with test_dst.py,
test_privacy.py and test_incremental_retention.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from dagster_project.landing import load_landing

ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = ROOT / "dbt"
FIXTURES = ROOT / "tests" / "fixtures" / "incremental"
TEST_KEY = "test-pseudonymisation-key-0123456789"

MART_TABLES = (
    "fct_advisor_campaign_daily",
    "fct_advisor_campaign_monthly",
    "fct_quarantine",
    "fct_adoption_scores",
    "dim_advisors",
    "dim_campaigns",
    "dim_events",
    "dim_indicators",
    "dim_trainings",
)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def dbt(warehouse: Path, *args: str, vars: dict | None = None, env: dict | None = None, check: bool = True):
    """Run the dbt CLI of this venv on `warehouse` (target and logs beside it)."""
    run_env = dict(os.environ, WAREHOUSE_PATH=str(warehouse), PSEUDONYMISATION_KEY=TEST_KEY)
    run_env.pop("DBT_TARGET", None)
    run_env.pop("CR_DEMO", None)
    run_env.pop("RETENTION_MONTHS", None)
    run_env.update(env or {})
    run_env = {k: v for k, v in run_env.items() if v is not None}
    tmp = warehouse.parent
    cmd = [
        str(Path(sys.executable).parent / "dbt"), *args,
        "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
        "--target-path", str(tmp / "dbt_target"), "--log-path", str(tmp / "dbt_logs"),
    ]
    if vars:
        cmd += ["--vars", json.dumps(vars)]
    proc = subprocess.run(cmd, cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=900)
    if check:
        assert proc.returncode == 0, f"dbt {' '.join(args)} failed:\n" + proc.stdout[-8000:] + proc.stderr[-3000:]
    return proc


def load(landing: Path, warehouse: Path):
    return load_landing(landing, warehouse)


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    return con


def mart_differences(a: Path, b: Path, tables=MART_TABLES, exclude: dict | None = None) -> dict:
    """{table: (rows only in a, rows only in b)} for every table that differs (EXCEPT ALL both
    ways, on every column but the excluded ones)."""
    exclude = exclude or {}
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    diffs = {}
    for table in tables:
        columns = [
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() where database_name = 'a' and schema_name = 'marts'"
                " and table_name = ? order by column_index",
                [table],
            ).fetchall()
            if r[0] not in exclude.get(table, ())
        ]
        assert columns, table
        cols = ", ".join(f'"{c}"' for c in columns)
        only_a = con.execute(f"select count(*) from (select {cols} from a.marts.{table} except all select {cols} from b.marts.{table})").fetchone()[0]
        only_b = con.execute(f"select count(*) from (select {cols} from b.marts.{table} except all select {cols} from a.marts.{table})").fetchone()[0]
        if only_a or only_b:
            diffs[table] = (only_a, only_b)
    con.close()
    return diffs


def write_csv(path: Path, header: list[str], rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})
    return path


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


# ---------------------------------------------------------------------------------------------
# generated data, one file per day
# ---------------------------------------------------------------------------------------------
DATE_COLUMNS = {
    "contacts": "started_at", "sales": "sold_at", "surveys": "answered_at",
    "production_hours": "work_date", "customers": "churned_on",
}


def split_by_day(src: Path, dst: Path) -> list[str]:
    """Copy the generated landing `src` into `dst` with the monthly files of the dated tables
    split into one file per day (<table>_YYYY-MM-DD.csv). A row of the file of month M goes to
    its own day when that day is in M, else to the first day of M (a re-delivery: it must sort
    after the original). Returns the sorted days."""
    days = set()
    for table_dir in sorted(p for p in src.iterdir() if p.is_dir() and not p.name.startswith("_")):
        table = table_dir.name
        for path in sorted(table_dir.glob("*.csv")):
            if table not in DATE_COLUMNS:
                (dst / table).mkdir(parents=True, exist_ok=True)
                shutil.copy(path, dst / table / path.name)
                continue
            month = path.stem.rsplit("_", 1)[1]  # YYYY-MM
            header, rows = read_csv(path)
            by_day = defaultdict(list)
            for row in rows:
                value = (row.get(DATE_COLUMNS[table]) or "")[:10]
                by_day[value if value[:7] == month else f"{month}-01"].append(row)
            for day, day_rows in by_day.items():
                write_csv(dst / table / f"{table}_{day}.csv", header, day_rows)
                days.add(day)
    return sorted(days)


def stage_days(split: Path, landing: Path, days: list[str]) -> None:
    """Move the day files of `days` (and every undated file) from `split` into `landing`."""
    for table_dir in split.iterdir():
        for path in list(table_dir.glob("*.csv")):
            day = path.stem.rsplit("_", 1)[-1]
            if len(day) != 10 or day[4] != "-" or day in days:
                (landing / table_dir.name).mkdir(parents=True, exist_ok=True)
                shutil.move(str(path), landing / table_dir.name / path.name)


def rows_of(landing: Path, table: str) -> list[dict]:
    out = []
    for path in sorted((landing / table).glob("*.csv")):
        out.extend(read_csv(path)[1])
    return out


CONTACT_HEADER = ["contact_id", "campaign_id", "advisor_id", "customer_id", "started_at", "direction",
                  "talk_seconds", "hold_seconds", "wrap_seconds", "outcome"]


@pytest.fixture(scope="module")
def day_by_day(tmp_path_factory):
    """The incrementally built warehouse, the landing folder it was built from and the log of
    the awkward deliveries."""
    tmp = tmp_path_factory.mktemp("day_by_day")
    generated = tmp / "generated"
    subprocess.run(
        [sys.executable, "-m", "dagster_project.sample_data", "--out", str(generated), "--size", "0.05",
         "--months", "2", "--seed", "3"],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )
    split = tmp / "split"
    days = split_by_day(generated, split)
    assert len(days) >= 55, days
    landing = tmp / "landing"
    wh = tmp / "incremental" / "warehouse.duckdb"
    wh.parent.mkdir()

    def night(step_days: list[str], build: str = "run") -> None:
        stage_days(split, landing, step_days)
        load(landing, wh)
        dbt(wh, build)

    # Night 1 (first build, full): three weeks.
    night(days[:21], build="build")

    # Night 2: two days, plus corrections of earlier contacts and other awkward rows.
    contacts = {r["contact_id"]: r for r in rows_of(landing, "contacts")}
    identified = [r for r in contacts.values() if r["customer_id"] and r["advisor_id"]]
    moved, recoded, rehomed = identified[100], identified[200], identified[300]
    other_advisor = next(r["advisor_id"] for r in identified if r["campaign_id"] == moved["campaign_id"] and r["advisor_id"] != moved["advisor_id"])
    corrections = [
        # moved to another advisor and three days earlier
        {**moved, "advisor_id": other_advisor,
         "started_at": (dt.datetime.fromisoformat(moved["started_at"]) - dt.timedelta(days=3)).isoformat()},
        {**recoded, "outcome": "no_answer" if recoded["outcome"] != "no_answer" else "argued"},
        # another customer: the follow-ups of both customers change
        {**rehomed, "customer_id": identified[301]["customer_id"], "campaign_id": identified[301]["campaign_id"]},
        # a late contact of last week, of the customer of a contact of that day
        {**identified[400], "contact_id": "LATE0000001",
         "started_at": (dt.datetime.fromisoformat(identified[400]["started_at"]) + dt.timedelta(hours=30)).isoformat()},
        # a contact of an advisor delivered only next night (unknown for now)
        {**identified[500], "contact_id": "EARLY000001", "advisor_id": "A9999"},
        # the same key twice with different content: both rejected
        {**identified[600], "contact_id": "DUP00000001", "outcome": "argued"},
        {**identified[600], "contact_id": "DUP00000001", "outcome": "sale"},
    ]
    write_csv(landing / "contacts" / f"contacts_{days[22]}_zz_corrections.csv", CONTACT_HEADER, corrections)
    # a survey of a contact delivered only next night
    write_csv(landing / "surveys" / f"surveys_{days[22]}_zz_early.csv",
              ["survey_id", "contact_id", "answered_at", "question", "score"],
              [{"survey_id": "SVEARLY0001", "contact_id": "NEXTNIGHT01", "answered_at": f"{days[22]}T12:00:00+01:00",
                "question": "csat", "score": "4"}])
    night(days[21:23])

    # Night 3: the advisor and the surveyed contact arrive; the same rows again (another file).
    advisors_header, advisor_rows = read_csv(landing / "advisors" / "advisors.csv")
    write_csv(landing / "advisors" / "advisors_zz_night3.csv", advisors_header,
              [{**advisor_rows[0], "advisor_id": "A9999", "team_id": advisor_rows[0]["team_id"]}])
    write_csv(landing / "contacts" / f"contacts_{days[24]}_zz_late.csv", CONTACT_HEADER,
              [{**identified[700], "contact_id": "NEXTNIGHT01"}])
    again_header, again_rows = read_csv(landing / "contacts" / f"contacts_{days[20]}.csv")
    write_csv(landing / "contacts" / f"contacts_{days[24]}_zz_again.csv", again_header, list(reversed(again_rows[:50])))
    night(days[23:25])

    # Night 4: a churn date corrected, a campaign moved to another time zone, a survey
    # question's scale changed, a week of data.
    customers_with_contacts = {(r["customer_id"], r["campaign_id"]) for r in identified}
    customer_rows = [r for r in rows_of(landing, "customers") if (r["customer_id"], r["campaign_id"]) in customers_with_contacts]
    churned = next(r for r in customer_rows if r["churned_on"])
    never = next(r for r in customer_rows if not r["churned_on"])
    first_contact = min(
        (r for r in identified if (r["customer_id"], r["campaign_id"]) == (never["customer_id"], never["campaign_id"])),
        key=lambda r: r["started_at"])
    write_csv(landing / "customers" / f"customers_{days[31]}_zz_corrections.csv",
              ["customer_id", "campaign_id", "customer_since", "churned_on"],
              [{**churned, "churned_on": (dt.date.fromisoformat(churned["churned_on"]) + dt.timedelta(days=20)).isoformat()},
               {**never, "churned_on": (dt.date.fromisoformat(first_contact["started_at"][:10]) + dt.timedelta(days=10)).isoformat()}])
    campaigns_header, campaign_rows = read_csv(landing / "campaigns" / "campaigns.csv")
    moved_zone = [r for r in campaign_rows if r["campaign_id"] == moved["campaign_id"]]
    write_csv(landing / "campaigns" / "campaigns_zz_night4.csv", campaigns_header,
              [{**moved_zone[0], "timezone": "America/Martinique"}])
    # csat moves to a 1-4 scale: the answers 5 leave for the quarantine
    write_csv(landing / "survey_questions" / "survey_questions_zz_night4.csv",
              ["question", "scale_min", "scale_max", "is_cr_related"],
              [{"question": "csat", "scale_min": "1", "scale_max": "4", "is_cr_related": "false"}])
    night(days[25:32])

    # Night 5: the rest (four weeks), with the data tests.
    night(days[32:], build="build")
    assert not any(split.rglob("*.csv"))
    return {"warehouse": wh, "landing": landing, "tmp": tmp}


def test_day_by_day_increments_equal_a_full_rebuild(day_by_day):
    wh = day_by_day["warehouse"]
    rebuilt = day_by_day["tmp"] / "rebuilt" / "warehouse.duckdb"
    rebuilt.parent.mkdir()
    shutil.copy(wh, rebuilt)
    dbt(rebuilt, "run", "--full-refresh")
    assert mart_differences(wh, rebuilt) == {}


def test_day_by_day_increments_equal_loading_everything_at_once(day_by_day):
    at_once = day_by_day["tmp"] / "at_once" / "warehouse.duckdb"
    at_once.parent.mkdir()
    load(day_by_day["landing"], at_once)
    dbt(at_once, "build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
    # delivery ids and load times differ between the two warehouses
    exclude = {"fct_quarantine": ("delivery_id", "loaded_at")}
    assert mart_differences(day_by_day["warehouse"], at_once, exclude=exclude) == {}


def test_a_window_var_changed_between_nights_equals_a_full_rebuild(day_by_day):
    changed = day_by_day["tmp"] / "window_var" / "incremental.duckdb"
    changed.parent.mkdir()
    shutil.copy(day_by_day["warehouse"], changed)
    shorter = {"repeat_window_days": 3, "fcr_window_hours": 24}
    dbt(changed, "run", vars=shorter)
    rebuilt = changed.with_name("rebuilt.duckdb")
    shutil.copy(changed, rebuilt)
    dbt(rebuilt, "run", "--full-refresh", vars=shorter)
    assert mart_differences(changed, rebuilt) == {}
    assert mart_differences(changed, day_by_day["warehouse"], tables=("fct_advisor_campaign_monthly",)) != {}


def test_the_awkward_deliveries_did_what_they_should(day_by_day):
    con = connect(day_by_day["warehouse"])
    try:
        current = {r[0] for r in con.execute(
            "select contact_id from intermediate.int_contacts where contact_id in ('LATE0000001', 'EARLY000001', 'NEXTNIGHT01', 'DUP00000001')").fetchall()}
        assert current == {"LATE0000001", "EARLY000001", "NEXTNIGHT01"}
        assert con.execute("select count(*) from intermediate.int_surveys where survey_id = 'SVEARLY0001'").fetchone()[0] == 1
        quarantine = con.execute(
            "select line, reason from marts.fct_quarantine where file_name like 'contacts/%_zz_corrections.csv' order by line").fetchall()
        assert quarantine == [(7, "duplicate key with different content"), (8, "duplicate key with different content")]
        # csat 5 answers left for the 1-4 scale: quarantined, none in the answers
        assert con.execute("select count(*) from intermediate.int_survey_answers where question = 'csat' and score > 4").fetchone()[0] == 0
        assert con.execute(
            "select count(*) from marts.fct_quarantine where reason = 'score outside the scale of its question'").fetchone()[0] > 0
        # one state row per incremental model, all from the last batch or before
        states = dict(con.execute("select model_name, batch_id from intermediate.incremental_state").fetchall())
        assert {"int_contacts", "int_contact_flags", "fct_advisor_campaign_daily", "fct_quarantine"} <= set(states)
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# Late rows and corrections, hand-worked on tests/fixtures/landing_small (values of
# test_indicator_fixture.py: horizon var data_end_at = 2024-04-03T00:00:00+02:00).
# 007 on OUT1, 2024-03-15 (Paris): O5 c04 10:00 argued 450 s, O6 c04 11:00 not_argued 120 s,
# O1 c01 23:50 sale 1260 s; hours 7200 s. March: also O2 (03-31 00:30, blocked, 30 s, not
# mature for repeat), O3 (no answer); hours 03-15 2 h + 03-31 1 h = 3 h; sales S1 100.00
# primary, S2 20.50 additional (both 03-15).
# ---------------------------------------------------------------------------------------------
LANDING_SMALL = ROOT / "tests" / "fixtures" / "landing_small"
SMALL_VARS = {"data_end_at": "2024-04-03T00:00:00+02:00"}


def one(con, sql, params=None) -> dict:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(names, rows[0]))


def test_late_contact_and_correction_rebuild_their_days_and_month_only(tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(LANDING_SMALL, landing)
    wh = tmp_path / "warehouse.duckdb"
    load(landing, wh)
    dbt(wh, "build", vars=SMALL_VARS)

    # Tamper with a day and a month that no delivery below touches: if they stay tampered,
    # the increments did not rebuild them (the cost follows the new data, not history).
    con = duckdb.connect(str(wh))
    con.execute("update marts.fct_advisor_campaign_daily set contacts = 999 where advisor_id = 'B01' and activity_date = '2023-12-01'")
    con.execute("update marts.fct_advisor_campaign_monthly set contacts = 999 where advisor_id = 'B01' and month = '2023-12-01'")
    con.close()

    # Night A: a contact of 2024-03-15 delivered late (after the day and month were built).
    write_csv(landing / "contacts" / "contacts_2024-04-late.csv", CONTACT_HEADER, [
        {"contact_id": "L1", "campaign_id": "OUT1", "advisor_id": "007", "customer_id": "c04",
         "started_at": "2024-03-15T12:00:00+01:00", "direction": "outbound", "talk_seconds": "300",
         "hold_seconds": "0", "wrap_seconds": "60", "outcome": "argued"}])
    assert load(landing, wh).files_loaded == 1
    dbt(wh, "run", vars=SMALL_VARS)
    con = connect(wh)
    day = one(con, "select * from marts.fct_advisor_campaign_daily where advisor_id = '007' and campaign_id = 'OUT1' and activity_date = '2024-03-15'")
    assert (day["contacts"], day["handled_contacts"], day["argued_contacts"], day["handle_seconds"]) == (4, 4, 3, 2190)  # + L1 360 s
    assert day["contacts_per_hour"] == pytest.approx(2.0)                   # 4 / 2 h
    # c04: O5 10:00 -> O6 11:00 -> L1 12:00: O5 and now O6 followed; O1, O5, O6, L1 mature
    assert (day["repeat_eligible_contacts"], day["repeat_followed_contacts"]) == (4, 2)
    month = one(con, "select * from marts.fct_advisor_campaign_monthly where advisor_id = '007' and campaign_id = 'OUT1' and month = '2024-03-01'")
    assert month["contacts_per_hour"] == pytest.approx(5 / 3)               # O1 O2 O5 O6 L1 / 3 h
    assert month["argued_contacts_per_hour"] == pytest.approx(1.0)          # O1 O5 L1 / 3 h
    assert month["average_handle_seconds"] == pytest.approx(444.0)          # (1260+30+450+120+360) / 5
    assert month["gatekeeper_block_rate"] == pytest.approx(0.2)             # O2 / 5 outbound handled
    assert month["repeat_contact_rate"] == pytest.approx(0.5)               # O5, O6 / O1 O5 O6 L1
    assert one(con, "select contacts from marts.fct_advisor_campaign_daily where advisor_id = 'B01' and activity_date = '2023-12-01'")["contacts"] == 999
    assert one(con, "select contacts from marts.fct_advisor_campaign_monthly where advisor_id = 'B01' and month = '2023-12-01'")["contacts"] == 999
    con.close()

    # Night B: O6 corrected to the next day, and that day's hours delivered late; the file of
    # night A delivered again (same bytes: skipped) and its rows again in another file (same
    # content: nothing changes).
    write_csv(landing / "contacts" / "contacts_2024-04-late2.csv", CONTACT_HEADER, [
        {"contact_id": "O6", "campaign_id": "OUT1", "advisor_id": "007", "customer_id": "c04",
         "started_at": "2024-03-16T11:00:00+01:00", "direction": "outbound", "talk_seconds": "100",
         "hold_seconds": "0", "wrap_seconds": "20", "outcome": "not_argued"}])
    write_csv(landing / "production_hours" / "production_hours_late.csv",
              ["advisor_id", "campaign_id", "work_date", "logged_seconds"],
              [{"advisor_id": "007", "campaign_id": "OUT1", "work_date": "2024-03-16", "logged_seconds": "3600"}])
    shutil.copy(landing / "contacts" / "contacts_2024-04-late.csv", landing / "contacts" / "contacts_2024-04-late1-copy.csv")
    header, rows = read_csv(landing / "contacts" / "contacts_2024-04-late.csv")
    write_csv(landing / "contacts" / "contacts_2024-04-late1-again.csv", list(reversed(header)), rows)
    report = load(landing, wh)
    # loaded: late1-again (other bytes, same row) and late2; skipped: the 3 original files,
    # late and its byte-identical copy
    assert (report.tables["contacts"].files_loaded, report.tables["contacts"].files_skipped) == (2, 5)
    dbt(wh, "run", vars=SMALL_VARS)
    con = connect(wh)
    days = {r["activity_date"]: r for r in (
        dict(zip([d[0] for d in cur.description], row))
        for cur in [con.execute("select * from marts.fct_advisor_campaign_daily where advisor_id = '007' and campaign_id = 'OUT1' and month = '2024-03-01'")]
        for row in cur.fetchall())}
    assert set(days) == {dt.date(2024, 3, 15), dt.date(2024, 3, 16), dt.date(2024, 3, 31)}
    d15, d16 = days[dt.date(2024, 3, 15)], days[dt.date(2024, 3, 16)]
    assert (d15["contacts"], d15["handle_seconds"]) == (3, 2070)             # O5 O1 L1
    # c04: O5 15th 10:00 -> L1 15th 12:00 -> O6 16th 11:00 (23 h later, within 7 d)
    assert (d15["repeat_eligible_contacts"], d15["repeat_followed_contacts"]) == (3, 2)
    assert (d16["contacts"], d16["hours"], d16["contacts_per_hour"], d16["average_handle_seconds"]) == (1, 1.0, 1.0, 120.0)
    assert (d16["repeat_eligible_contacts"], d16["repeat_followed_contacts"]) == (1, 0)
    month = one(con, "select * from marts.fct_advisor_campaign_monthly where advisor_id = '007' and campaign_id = 'OUT1' and month = '2024-03-01'")
    assert (month["hours"], month["active_days"]) == (4.0, 3)
    assert month["contacts_per_hour"] == pytest.approx(1.25)                # 5 handled / 4 h
    assert month["revenue_per_hour"] == pytest.approx(120.5 / 4)
    assert month["repeat_contact_rate"] == pytest.approx(0.5)               # O5, L1 / O1 O5 L1 O6
    assert one(con, "select contacts from marts.fct_advisor_campaign_daily where advisor_id = 'B01' and activity_date = '2023-12-01'")["contacts"] == 999
    con.close()

    # Night C: the horizon moves back a week (var data_end_at): the follow-ups whose window
    # ends in (2024-03-27, 2024-04-03] are no longer mature. CS01 (the FCR case): F6 (03-30)
    # leaves FCR; F1, F2 (03-01 + 7 d) stay mature for repeat, so do F3 (03-05) and F7 (03-12).
    earlier = {"data_end_at": "2024-03-27T00:00:00+01:00"}
    dbt(wh, "run", vars=earlier)
    con = connect(wh)
    fcr, eligible = con.execute(
        "select sum(fcr_resolved_contacts), sum(fcr_eligible_contacts) from marts.fct_advisor_campaign_monthly where campaign_id = 'CS01'").fetchone()
    assert (fcr, eligible) == (3, 4)                                        # F1 fails; F2 F3 F7 resolved
    assert one(con, "select contacts from marts.fct_advisor_campaign_daily where advisor_id = 'B01' and activity_date = '2023-12-01'")["contacts"] == 999
    con.close()

    # A full rebuild gives the same marts, except the two tampered rows it repairs.
    incremental = tmp_path / "incremental.duckdb"
    shutil.copy(wh, incremental)
    dbt(wh, "run", "--full-refresh", vars=earlier)
    con = connect(wh)
    assert one(con, "select contacts from marts.fct_advisor_campaign_daily where advisor_id = 'B01' and activity_date = '2023-12-01'")["contacts"] == 1  # K1
    con.close()
    assert mart_differences(incremental, wh) == {
        "fct_advisor_campaign_daily": (1, 1), "fct_advisor_campaign_monthly": (1, 1)}
