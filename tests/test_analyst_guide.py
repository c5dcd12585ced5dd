"""Every ```sql block of docs/analyst_guide.md runs, returns rows, and the ratio-of-sums
examples give hand-worked values.

The blocks run against the published copy of a small warehouse built in this session from
tests/fixtures/landing_small (real loader, `dbt build`, analyses, control charts, publish:
tests/test_report_helpers.py), as analysts would run them. Hand-worked values: the fixture's
(tests/test_indicator_fixture.py works them out; the FCR case is 4 / 5 = 80 %), and a tiny
warehouse built here row by row for the wrong-vs-right example.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

try:
    from test_report_helpers import FIXTURE_SMALL, ROOT, built_warehouse
except ImportError:  # tests/ imported as a package
    from tests.test_report_helpers import FIXTURE_SMALL, ROOT, built_warehouse

GUIDE = ROOT / "docs" / "analyst_guide.md"


def sql_blocks() -> dict[str, str]:
    """name (the '-- name:' first line of each block) -> SQL."""
    blocks = re.findall(r"```sql\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    out = {}
    for b in blocks:
        m = re.match(r"--\s*([a-z_]+):", b)
        assert m, f"every sql block starts with '-- name: description': {b[:80]!r}"
        assert m.group(1) not in out, f"duplicate example name {m.group(1)}"
        out[m.group(1)] = b
    return out


BLOCKS = sql_blocks()


def test_the_guide_has_the_worked_examples():
    assert len(BLOCKS) >= 5
    for name in ("monthly_contacts_per_hour", "custom_period", "fcr_by_team", "training_impact_flags", "quarantine_summary"):
        assert name in BLOCKS


# The fixture's data horizon (see tests/test_indicator_fixture.py).
# The fixture trains advisors in programme cr_method (the measured one here).
FIXTURE_VARS = {"data_end_at": "2024-04-03T00:00:00+02:00", "measured_programmes": "cr_method"}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    _, pub = built_warehouse(FIXTURE_SMALL, tmp_path_factory.mktemp("guide_fixture"), dbt_vars=FIXTURE_VARS)
    return pub


def run(published: Path, name: str):
    with duckdb.connect(str(published), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(BLOCKS[name]).df()


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_example_runs_on_the_published_copy(published, name):
    assert len(run(published, name)) > 0, f"{name} returned no rows"


def test_fixture_values_by_hand(published):
    """Hand-worked in tests/test_indicator_fixture.py."""
    cph = {(r.campaign_id, str(r.month)[:10]): r.contacts_per_hour for r in run(published, "monthly_contacts_per_hour").itertuples()}
    assert cph[("OUT1", "2023-12-01")] == pytest.approx(6 / 5)        # B01: 6 handled / 5 h
    assert cph[("OUT1", "2024-03-01")] == pytest.approx(4 / 3)        # 007: 4 handled / 3 h
    assert cph[("RET1", "2023-12-01")] == pytest.approx(1.0)          # 007: 4 / 4 h
    assert cph[("CS01", "2024-03-01")] == pytest.approx(7 / 6)        # A01 3/3 h, A02 3/2 h, A03 1/1 h
    fcr = {(r.team_id, str(r.month)[:10]): (r.eligible_contacts, r.fcr_d2_rate) for r in run(published, "fcr_by_team").itertuples()}
    # T1 = A01, A02, A03 on CS01 in March 2024: the FCR case, (1 + 2 + 1) / (2 + 2 + 1) = 80 %
    # (the mean of the advisors' rates, (0.5 + 1 + 1) / 3 = 83 %, would be wrong)
    assert fcr[("T1", "2024-03-01")] == (5, pytest.approx(0.8))
    # T2 = 007 on RET1 in December 2023: 3 / 4
    assert fcr[("T2", "2023-12-01")] == (4, pytest.approx(0.75))
    q = run(published, "quarantine_summary")
    assert q["rows"].sum() > 0 and "campaigns" in set(q["table_name"])  # BAD1 and its unknown time zone


# ------------------------------------------------------------------------------------------
# Hand-worked values on a tiny warehouse
# ------------------------------------------------------------------------------------------
@pytest.fixture()
def tiny():
    """Campaign C1, January 2024.
    A1 (team T1): 01-02 5 h, 10 handled contacts (2.0/h), 600 s handled;
                  01-03 10 h, 30 handled (3.0/h), 2400 s; 2 sales or appointments.
    A2 (team T1): 01-02 1 h, 1 handled (1.0/h), 300 s.
    A3 (team T2): 01-03 0 h (NULL value), 2 handled.
    Monthly FCR: A1 8 resolved / 10 eligible, A2 15 / 30, A3 0 eligible.
    """
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        """create table marts.fct_advisor_campaign_daily as
           select * from (values
             ('A1', 'C1', date '2024-01-02', date '2024-01-01', 5.0, 10, 600, 1, 2.0),
             ('A1', 'C1', date '2024-01-03', date '2024-01-01', 10.0, 30, 2400, 1, 3.0),
             ('A2', 'C1', date '2024-01-02', date '2024-01-01', 1.0, 1, 300, 0, 1.0),
             ('A3', 'C1', date '2024-01-03', date '2024-01-01', 0.0, 2, 100, 0, null)
           ) t(advisor_id, campaign_id, activity_date, month, hours, handled_contacts, handle_seconds,
               sales_or_appointments, contacts_per_hour)"""
    )
    con.execute(
        """create table marts.fct_advisor_campaign_monthly as
           select advisor_id, campaign_id, month, sum(hours) as hours, sum(handled_contacts) as handled_contacts,
                  case advisor_id when 'A1' then 10 when 'A2' then 30 else 0 end as fcr_eligible_contacts,
                  case advisor_id when 'A1' then 8 when 'A2' then 15 else 0 end as fcr_resolved_contacts
           from marts.fct_advisor_campaign_daily group by all"""
    )
    con.execute("create table marts.dim_campaigns as select 'C1' as campaign_id, 'Campaign one' as campaign_name")
    con.execute(
        "create table marts.dim_advisors as select * from (values ('A1', 'T1'), ('A2', 'T1'), ('A3', 'T2')) t(advisor_id, team_id)"
    )
    yield con
    con.close()


def test_wrong_vs_right_by_hand(tiny):
    (cid, wrong, right), = tiny.execute(BLOCKS["wrong_vs_right"]).fetchall()
    # mean of the 3 non-NULL daily values (2 + 3 + 1) / 3 = 2.0 (the 0-hour day drops out);
    # ratio of sums: (10 + 30 + 1 + 2) handled / (5 + 10 + 1 + 0) h = 43 / 16 = 2.6875
    assert cid == "C1"
    assert wrong == pytest.approx(2.0)
    assert right == pytest.approx(43 / 16)


def test_monthly_contacts_per_hour_by_hand(tiny):
    rows = tiny.execute(BLOCKS["monthly_contacts_per_hour"]).fetchall()
    assert len(rows) == 1
    cid, name, month, handled, hours, cph = rows[0]
    assert (cid, name, str(month), handled, hours) == ("C1", "Campaign one", "2024-01-01", 43, 16.0)
    assert cph == pytest.approx(43 / 16)


def test_fcr_by_team_by_hand(tiny):
    rows = tiny.execute(BLOCKS["fcr_by_team"]).fetchall()
    # T1: (8 + 15) / (10 + 30) = 0.575 (not the mean of 0.8 and 0.5 = 0.65); T2 has no
    # eligible contact: left out by the HAVING clause
    assert [(r[0], str(r[1]), r[2]) for r in rows] == [("T1", "2024-01-01", 40)]
    assert rows[0][3] == pytest.approx(0.575)


def test_custom_period_by_hand(tiny):
    (cid, first, last, sa, aht), = tiny.execute(BLOCKS["custom_period"]).fetchall()
    # last 28 days up to 01-03: every row; 2 sales or appointments / 16 h = 0.125;
    # AHT (600 + 2400 + 300 + 100) s / 43 handled = 3400 / 43
    assert (cid, str(first), str(last)) == ("C1", "2024-01-02", "2024-01-03")
    assert sa == pytest.approx(2 / 16)
    assert aht == pytest.approx(3400 / 43)


# ------------------------------------------------------------------------------------------
# The SQL shell (python -m dagster_project.sql_shell)
# ------------------------------------------------------------------------------------------
def test_sql_shell_one_shot_on_the_published_copy(published, monkeypatch, capsys):
    from dagster_project import sql_shell

    monkeypatch.setenv("PUBLISHED_PATH", str(published))
    assert sql_shell.main(["-c", "select campaign_id from marts.dim_campaigns order by 1; select 41 + 1 as answer"]) == 0
    out = capsys.readouterr().out
    assert "CS01" in out and "42" in out


def test_sql_shell_refuses_the_pipeline_warehouse_and_never_writes(published, monkeypatch, capsys):
    from dagster_project import sql_shell

    warehouse = published.with_name("warehouse.duckdb")
    monkeypatch.setenv("WAREHOUSE_PATH", str(warehouse))
    monkeypatch.delenv("PUBLISHED_PATH", raising=False)
    assert sql_shell.main(["--db", str(warehouse), "-c", "select 1"]) == 2
    assert "pipeline's warehouse" in capsys.readouterr().err
    # the default is the published copy beside it; writes fail (read-only connection)
    before = published.stat().st_mtime_ns
    assert sql_shell.main(["-c", "create table marts.x as select 1"]) == 1
    assert "read-only" in capsys.readouterr().err
    assert published.stat().st_mtime_ns == before
    # --allow-warehouse opens it, still read-only
    assert sql_shell.main(["--db", str(warehouse), "--allow-warehouse", "-c", "select count(*) as n from marts.dim_campaigns"]) == 0


def test_sql_shell_repl_reads_until_semicolon(published, monkeypatch, capsys):
    from dagster_project import sql_shell

    lines = iter([".tables", "select campaign_id,", "  'a;b' as text -- a comment; not the end", "from marts.dim_campaigns",
                  "where campaign_id = 'CS01';", "select nonsense;", ".describe marts.dim_campaigns", ".quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    monkeypatch.setenv("PUBLISHED_PATH", str(published))
    assert sql_shell.main([]) == 0
    out = capsys.readouterr().out
    assert "fct_advisor_campaign_monthly" in out  # .tables
    assert "a;b" in out and "CS01" in out          # one statement over four lines
    assert "Error:" in out                         # a bad statement does not end the session
    assert "timezone" in out                       # .describe


def test_split_statements():
    from dagster_project.sql_shell import split_statements

    assert split_statements("select 1; select ';' as x;\nselect 2") == (["select 1", "select ';' as x"], "\nselect 2")
    assert split_statements("select 1 -- no; end\n") == ([], "select 1 -- no; end\n")
