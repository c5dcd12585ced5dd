"""The Anonymous Bank call logs (Jan + Feb 1999) through importer, loader, dbt and analyses.

Expected values are computed here with plain pandas on the raw files (or come from the
hand computation documented in tests/test_importer_anonymous_bank.py), never from the marts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project import analysis
from dagster_project.analysis.settings import AnalysisSettings
from dagster_project.importers import import_source
from dagster_project.indicators import load_registry
from dagster_project.landing import load_landing

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data" / "anonymous_bank"
MAPPING = ROOT / "mappings" / "anonymous_bank.yml"
# From the hand computation on the raw February file (tests/test_importer_anonymous_bank.py):
FEB_FCR = {"ab-dbdab0d1": (892, 445), "ab-64aecf2f": (456, 333), "ab-2f93d9fe": (201, 39)}
REAL_SETTINGS = AnalysisSettings(window_months_before=1, window_months_after=1, exclude_training_month=False)


def raw_calls() -> pd.DataFrame:
    frames = [pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False) for p in sorted(SHARED.glob("*.txt"))]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("real")
    landing, wh = work / "landing", work / "warehouse.duckdb"
    import_source(MAPPING, SHARED, landing)
    load_landing(landing, wh)
    env = {**os.environ, "WAREHOUSE_PATH": str(wh), "CR_DEMO": "1", "MEASURED_PROGRAMMES": "placebo"}
    dbt = Path(sys.executable).parent / "dbt"
    proc = subprocess.run(
        [str(dbt), "build", "--project-dir", str(ROOT / "dbt"), "--profiles-dir", str(ROOT / "dbt"),
         "--target-path", str(work / "target")],
        env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
    shutil.rmtree(work / "target", ignore_errors=True)
    return wh


def query(wh: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(sql).df()


def test_contacts_by_service_line_and_month_match_the_raw_files(warehouse):
    raw = raw_calls()
    served = raw[(raw["outcome"] == "AGENT") & (raw["server"] != "NO_SERVER")]
    expected = (
        served.assign(campaign_id="ab-" + served["type"].str.lower(), month="1999-" + served["date"].str[2:4])
        .groupby(["campaign_id", "month"]).size().rename("n").sort_index()
    )
    got = query(
        warehouse,
        "select campaign_id, strftime(month, '%Y-%m') as month, sum(contacts)::bigint as n"
        " from marts.fct_advisor_campaign_monthly group by all",
    ).set_index(["campaign_id", "month"])["n"].sort_index()
    # Services running past midnight stay on their start date, so months match the raw date column.
    pd.testing.assert_series_equal(got, expected, check_names=False, check_dtype=False)
    assert int(got.sum()) == 53_241


def test_fcr_at_d2_per_agent_in_february(warehouse):
    got = query(
        warehouse,
        """select advisor_id, sum(fcr_eligible_contacts)::bigint as eligible, sum(fcr_resolved_contacts)::bigint as resolved
           from marts.fct_advisor_campaign_monthly where month = date '1999-02-01' group by 1""",
    ).set_index("advisor_id")
    for advisor_id, (eligible, resolved) in FEB_FCR.items():
        assert (got.loc[advisor_id, "eligible"], got.loc[advisor_id, "resolved"]) == (eligible, resolved)


def test_placebo_training_claims_no_effect_and_counts_one_month_agents(warehouse):
    panel = query(warehouse, "select * from marts.fct_advisor_campaign_monthly")
    advisors = query(warehouse, "select * from marts.dim_advisors")
    result = analysis.training_impact(panel, advisors, None, load_registry(), REAL_SETTINGS)
    rows = result[result["level"] == "campaign"]
    assert len(rows) > 0
    # No finding: every row either has q >= 0.05 or says the data cannot support a conclusion.
    claims = rows[(rows["adjusted_q_value"] < 0.05) & ~rows["insufficient_data"].astype(bool)]
    assert claims.empty, claims[["campaign_id", "indicator", "adjusted_q_value"]]

    # Agents present in only one month are never in a compared group, and are counted.
    raw = raw_calls()
    served = raw[(raw["outcome"] == "AGENT") & (raw["server"] != "NO_SERVER")]
    months_per_agent = served.groupby("server")["date"].agg(lambda d: d.str[2:4].nunique())
    one_month_names = set(months_per_agent[months_per_agent == 1].index)
    assert one_month_names, "Jan and Feb rosters differ (28 vs 24 named agents)"
    members = analysis.training_impact_membership(panel, advisors, load_registry(), REAL_SETTINGS)
    ids_in_groups = set(members.loc[members["role"].isin(["treated", "comparison"]), "advisor_id"])
    # The mapping's documented id rule: "ab-" + first 8 hex digits of sha256("anonymous_bank:NAME").
    one_month_ids = {"ab-" + hashlib.sha256(f"anonymous_bank:{n}".encode()).hexdigest()[:8] for n in one_month_names}
    assert not (one_month_ids & ids_in_groups)
    trained_rows = rows[rows["indicator"] == "contacts_per_hour"]
    excluded = trained_rows[[c for c in rows.columns if c.startswith("n_excluded_")]].sum(axis=1)
    assert (trained_rows["n_stable"] + excluded == trained_rows["n_trained"]).all()
