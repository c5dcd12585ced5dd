"""The reference SQL (dagster_project/reference) equals the warehouse on generated data.

A small sample (8 months, ~60 advisors, re-delivered sales and customers, DST changes, a
campaign with an empty time zone, late calls crossing midnight) is loaded with the real
loader and built with `dbt build`; marts.fct_advisor_campaign_monthly must equal the reference
panel computed straight from the landing files on every component column: exactly for counts,
within 1e-9 for hours and revenue. The same sample written as Parquet gives the same panel.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from dagster_project.landing import load_landing
from dagster_project.reference import COMPONENT_COLUMNS, analysis_inputs, monthly_panel, render_sql
from dagster_project.sample_data import generate

ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = ROOT / "dbt"
KEYS = ["advisor_id", "campaign_id", "month"]
FLOAT_COLUMNS = {"hours", "revenue"}
SAMPLE = dict(seed=5, scenario="default", size=0.3, months=8)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("reference_landing")
    generate(d, fmt="csv", **SAMPLE)
    return d


@pytest.fixture(scope="module")
def warehouse(sample, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("reference_warehouse")
    wh = tmp / "warehouse.duckdb"
    load_landing(sample, wh)
    # CR_DEMO=1: the fixed demo pseudonymisation key (customer ids are hashed at staging; the
    # follow-up components only need them to be equal or not)
    env = dict(os.environ, WAREHOUSE_PATH=str(wh), CR_DEMO="1")
    for name in ("DBT_TARGET", "MEASURED_PROGRAMMES"):
        env.pop(name, None)
    dbt = Path(sys.executable).parent / "dbt"
    proc = subprocess.run(
        [
            str(dbt), "build",
            "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
            "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"),
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    return wh


def _mart(wh: Path) -> pd.DataFrame:
    cols = ", ".join(KEYS + list(COMPONENT_COLUMNS) + ["active_days"])
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(f"select {cols} from marts.fct_advisor_campaign_monthly").df()


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["month"] = pd.to_datetime(df["month"])
    for k in ("advisor_id", "campaign_id"):
        df[k] = df[k].astype(str)
    return df.sort_values(KEYS).reset_index(drop=True)


def assert_same_panel(expected: pd.DataFrame, actual: pd.DataFrame, what: str) -> None:
    e, a = _sorted(expected), _sorted(actual)
    keys_e = set(map(tuple, e[KEYS].astype(str).to_numpy()))
    keys_a = set(map(tuple, a[KEYS].astype(str).to_numpy()))
    assert keys_e == keys_a, (
        f"{what}: rows differ; only expected: {sorted(keys_e - keys_a)[:5]}, only actual: {sorted(keys_a - keys_e)[:5]}"
    )
    problems = []
    for col in [*COMPONENT_COLUMNS, "active_days"]:
        x = pd.to_numeric(e[col]).astype(float).to_numpy()
        y = pd.to_numeric(a[col]).astype(float).to_numpy()
        bad = ~np.isclose(x, y, rtol=0, atol=1e-9) if col in FLOAT_COLUMNS else x != y
        if bad.any():
            i = np.flatnonzero(bad)[0]
            problems.append(
                f"{col}: {int(bad.sum())} row(s), e.g. {tuple(e.loc[i, KEYS])}: expected {x[i]}, got {y[i]}"
                f" (totals {x.sum()} vs {y.sum()})"
            )
    assert not problems, f"{what}:\n" + "\n".join(problems)


def test_reference_panel_equals_the_warehouse(sample, warehouse):
    mart = _mart(warehouse)
    ref = monthly_panel(sample)
    assert len(mart) > 300
    # the sample exercises the follow-up components (mature and immature months)
    for col in ("fcr_eligible_contacts", "repeat_followed_contacts", "churned_contacts", "withdrawn_sales",
                "surviving_sales", "cr_top2_answers", "nps_net_promoters"):
        assert mart[col].abs().sum() > 0, col
    assert_same_panel(mart, ref, "reference vs marts.fct_advisor_campaign_monthly")


def test_parquet_landing_gives_the_same_panel(sample, tmp_path):
    generate(tmp_path, fmt="parquet", **SAMPLE)
    assert_same_panel(monthly_panel(sample), monthly_panel(tmp_path), "reference on CSV vs Parquet")


def test_later_file_wins_and_empty_zone_is_paris(tmp_path):
    """Two deliveries of one contact: the later file (name order) wins; a campaign with an
    empty time zone uses Europe/Paris (23:30 UTC on 2024-06-30 = 1 July in Paris)."""
    def write(table: str, name: str, text: str) -> None:
        (tmp_path / table).mkdir(exist_ok=True)
        (tmp_path / table / name).write_text(text, encoding="utf-8")

    write("campaigns", "campaigns.csv",
          "campaign_id,campaign_name,client,kind,timezone,started_on,ended_on,primary_indicators,"
          "withdrawal_window_days,survival_window_days\nX1,x,x,customer_service,,2024-01-01,,,,\n")
    write("contacts", "contacts_2024-06.csv",
          "contact_id,campaign_id,advisor_id,customer_id,started_at,direction,talk_seconds,hold_seconds,"
          "wrap_seconds,outcome\nK1,X1,A1,,2024-06-30T23:30:00+00:00,inbound,100,0,0,service\n")
    write("contacts", "contacts_2024-07.csv",
          "contact_id,campaign_id,advisor_id,customer_id,started_at,direction,talk_seconds,hold_seconds,"
          "wrap_seconds,outcome\nK1,X1,A1,,2024-06-30T23:30:00+00:00,inbound,100,0,0,no_answer\n")
    p = monthly_panel(tmp_path)
    assert len(p) == 1
    row = p.iloc[0]
    assert pd.Timestamp(row["month"]) == pd.Timestamp("2024-07-01")
    assert (row["contacts"], row["handled_contacts"], row["handle_seconds"]) == (1, 0, 0)
    assert not re.search(r"\{\{\s*(table|var):\w+", render_sql(tmp_path))


def test_analysis_inputs_use_the_treatment_programme_only(sample):
    adv = analysis_inputs(sample)["advisors"]
    with duckdb.connect() as con:
        tr = con.execute(
            f"select advisor_id, programme, trained_on from read_csv('{sample.as_posix()}/trainings/*.csv', all_varchar=true)"
        ).df()
    cr = tr[tr["programme"] == "connivence_relationnelle"].set_index("advisor_id")["trained_on"]
    got = adv.set_index("advisor_id")["trained_on"].dropna()
    assert set(got.index) == set(cr.index)
    assert all(str(got[a].date()) == cr[a] for a in cr.index)
