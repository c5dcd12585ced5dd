"""Retention: purging old raw landing rows does not change the published aggregates.

landing_small is built; every delivery but contacts_2024-10.csv is then made 25 months old.
- `dbt run-operation purge_raw_older_than --args '{months: 24, dry_run: true}'` only counts;
- a `dbt build` with RETENTION_MONTHS=24 purges them after the build (on-run-end): raw rows
  and load rejects of those deliveries, and their quarantine rows, are gone;
  raw._purged_deliveries says what went;
- the next incremental build leaves every mart as it was (EXCEPT both ways);
- a correction of a purged December contact still lands (hand-worked), and a delivery
  loaded but not yet built is never purged, however old;
- a full refresh, which would lose the purged history, is refused with a clear message.
"""

from __future__ import annotations

import shutil

import pytest

from test_incremental import (CONTACT_HEADER, LANDING_SMALL, SMALL_VARS, connect, dbt, load, mart_differences,
                              write_csv)

KEPT_FILE = "contacts/contacts_2024-10.csv"


def backdate(wh, where: str) -> None:
    import duckdb

    con = duckdb.connect(str(wh))
    con.execute(f"update raw._deliveries set loaded_at = current_timestamp - interval 25 months where {where}")
    con.close()


def test_purge_keeps_the_marts_and_refuses_a_full_refresh(tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(LANDING_SMALL, landing)
    wh = tmp_path / "warehouse.duckdb"
    load(landing, wh)
    dbt(wh, "build", vars=SMALL_VARS)
    before = tmp_path / "before.duckdb"
    shutil.copy(wh, before)
    backdate(wh, f"file_name <> '{KEPT_FILE}'")

    proc = dbt(wh, "run-operation", "purge_raw_older_than", "--args", "{months: 24, dry_run: true}")
    assert "would purge 13 deliveries" in proc.stdout, proc.stdout[-2000:]
    con = connect(wh)
    assert con.execute("select count(*) from raw.contacts").fetchone()[0] == 37  # untouched
    con.close()

    # the setting applies after a successful build
    dbt(wh, "build", vars=SMALL_VARS, env={"RETENTION_MONTHS": "24"})
    con = connect(wh)
    try:
        kept = con.execute("select delivery_id from raw._deliveries where file_name = ?", [KEPT_FILE]).fetchone()[0]
        assert con.execute("select count(*) from raw._purged_deliveries").fetchone()[0] == 13
        assert con.execute("select distinct _delivery_id from raw.contacts").fetchall() == [(kept,)]
        for table in ("advisors", "campaigns", "sales", "surveys", "production_hours", "customers"):
            assert con.execute(f"select count(*) from raw.{table}").fetchone()[0] == 0, table
        assert con.execute("select distinct delivery_id from marts.fct_quarantine").fetchall() == [(kept,)]
        assert con.execute("select count(*) from raw._deliveries").fetchone()[0] == 14  # bookkeeping stays
    finally:
        con.close()

    dbt(wh, "build", vars=SMALL_VARS)
    assert mart_differences(before, wh, tables=(
        "fct_advisor_campaign_daily", "fct_advisor_campaign_monthly", "fct_adoption_scores", "dim_advisors",
        "dim_campaigns", "dim_events", "dim_indicators", "dim_trainings")) == {}

    # A correction of K7 (December, its raw rows purged): back to not_argued. B01 on OUT1 in
    # December: blocked 1 -> 0 of 6 outbound handled (test_indicator_fixture.py).
    write_csv(landing / "contacts" / "contacts_2024-11.csv", CONTACT_HEADER, [
        {"contact_id": "K7", "campaign_id": "OUT1", "advisor_id": "B01", "customer_id": "c14",
         "started_at": "2023-12-04T11:10:00+01:00", "direction": "outbound", "talk_seconds": "20",
         "hold_seconds": "0", "wrap_seconds": "0", "outcome": "not_argued"}])
    load(landing, wh)
    backdate(wh, "file_name = 'contacts/contacts_2024-11.csv'")
    dbt(wh, "run-operation", "purge_raw_older_than", "--args", "{months: 24}")
    con = connect(wh)
    assert con.execute("select count(*) from raw.contacts where contact_id = 'K7'").fetchone()[0] == 1  # not built yet: kept
    con.close()
    dbt(wh, "build", vars=SMALL_VARS)
    con = connect(wh)
    try:
        rate, argued = con.execute(
            """select gatekeeper_block_rate, argued_contacts from marts.fct_advisor_campaign_monthly
               where advisor_id = 'B01' and campaign_id = 'OUT1' and month = '2023-12-01'""").fetchone()
        assert (rate, argued) == (0.0, 5)
    finally:
        con.close()

    proc = dbt(wh, "run", "--full-refresh", vars=SMALL_VARS, check=False)
    assert proc.returncode != 0
    assert "allow_full_refresh_after_purge" in proc.stdout, proc.stdout[-3000:]
