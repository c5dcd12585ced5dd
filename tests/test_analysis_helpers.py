"""Builders shared by the tests/test_analysis_*.py files (no tests here).

Imported as a plain module (`from test_analysis_helpers import ...`): pytest puts tests/ on
sys.path because tests/ is not a package.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]


def load_registry_rows() -> list[dict]:
    """The registry as dicts, read from dbt/dbt_project.yml (the one definition)."""
    with open(ROOT / "dbt" / "dbt_project.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)["vars"]["indicators"]


def registry(*codes: str) -> list[dict]:
    rows = {r["code"]: r for r in load_registry_rows()}
    return [rows[c] for c in codes] if codes else list(rows.values())


def months(start: str, end: str) -> list[dt.date]:
    """Inclusive list of month starts, 'YYYY-MM'."""
    y, m = map(int, start.split("-"))
    y1, m1 = map(int, end.split("-"))
    out = []
    while (y, m) <= (y1, m1):
        out.append(dt.date(y, m, 1))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def mdate(s: str) -> dt.date:
    y, m = map(int, s.split("-")[:2])
    return dt.date(y, m, 1)


def date(s: str | None):
    return None if s is None else dt.date.fromisoformat(s)


def advisors_frame(rows: list[dict]) -> pd.DataFrame:
    """rows: advisor_id, trained_on (ISO or None), optional hired_on / left_on / team_id."""
    out = []
    for r in rows:
        t = date(r.get("trained_on"))
        out.append(
            {
                "advisor_id": r["advisor_id"],
                "team_id": r.get("team_id", "T1"),
                "hired_on": date(r.get("hired_on", "2015-01-01")),
                "left_on": date(r.get("left_on")),
                "trained_on": t,
                "training_month": None if t is None else t.replace(day=1),
            }
        )
    df = pd.DataFrame(out)
    for c in ("hired_on", "left_on", "trained_on", "training_month"):
        df[c] = pd.to_datetime(df[c])
    return df


def panel_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["month"] = pd.to_datetime(df["month"])
    if "team_id" not in df:
        df["team_id"] = "T1"
    return df


def simulate_panel(
    seed: int,
    effect: float = 0.0,
    n_advisors: int = 200,
    n_never: int = 40,
    cohorts: tuple[str, ...] = ("2023-03", "2023-05", "2023-07", "2023-09", "2023-11", "2024-01", "2024-03", "2024-05"),
    seasonal_amplitude: float = 0.08,
    monthly_trend: float = 0.004,
    start: str = "2022-01",
    end: str = "2025-12",
    campaign_id: str = "S1",
    season_factors: tuple[float, ...] | None = None,
):
    """A no-frills monthly panel for argued_contacts_per_hour (argued_contacts / hours).

    rate = base_i * seasonal(calendar month: season_factors[month - 1], or a sine) * (1 + trend)^t * (1 + effect if month after
    the training month) * advisor-month noise; counts are Poisson(rate * hours). Trained
    advisors are split evenly over `cohorts` (training on the 10th); `n_never` are never
    trained. Returns (panel, advisors).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    ms = months(start, end)
    t = np.arange(len(ms))
    cal = np.array([m.month for m in ms])
    if season_factors is not None:
        season = np.asarray(season_factors, dtype=float)[cal - 1]
    else:
        season = 1 + seasonal_amplitude * np.sin(2 * np.pi * (cal - 1) / 12)
    trend = (1 + monthly_trend) ** t
    base = rng.lognormal(np.log(2.0), 0.2, n_advisors)
    n_trained = n_advisors - n_never
    cohort_of = [cohorts[i % len(cohorts)] for i in range(n_trained)] + [None] * n_never
    ids = [f"A{i:03d}" for i in range(n_advisors)]
    rows, adv = [], []
    for i, a in enumerate(ids):
        g = cohort_of[i]
        gm = None if g is None else mdate(g)
        adv.append({"advisor_id": a, "trained_on": None if g is None else f"{g}-10"})
        hours = np.clip(rng.normal(140, 15, len(ms)), 60, None)
        noise = rng.lognormal(0, 0.05, len(ms))
        treated = np.array([gm is not None and m > gm for m in ms])
        rate = base[i] * season * trend * noise * np.where(treated, 1 + effect, 1.0)
        counts = rng.poisson(rate * hours)
        for j, m in enumerate(ms):
            rows.append({"advisor_id": a, "campaign_id": campaign_id, "month": m, "hours": hours[j], "argued_contacts": counts[j]})
    return panel_frame(rows), advisors_frame(adv)
