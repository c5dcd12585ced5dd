"""Control charts (analysis.control_charts): hand-checked EWMA, a known shift, the nominal
false-alarm rate of pure noise, ratio-awareness, and the table the asset writes."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from dagster_project.analysis import TABLES, ControlChartSettings, control_charts, ewma_chart
from dagster_project.analysis.control_charts import CONTROL_CHART_COLUMNS, iso_week_start
from test_analysis_helpers import registry

MONDAY = dt.date(2024, 1, 1)  # a Monday (ISO week 2024-W01)


# ------------------------------------------------------------------------------------------
# Hand-checked arithmetic
# ------------------------------------------------------------------------------------------
def test_ewma_four_points_by_hand():
    # lambda = 0.5, centre 2, sigma_unit 1, denominators 1, 1, 4, 1; values 4, 2, 0, 2.
    # z1 = .5*4 + .5*2 = 3        V1 = .25*1/1                 = .25
    # z2 = .5*2 + .5*3 = 2.5      V2 = .25*1/1 + .25*.25       = .3125
    # z3 = .5*0 + .5*2.5 = 1.25   V3 = .25*1/4 + .25*.3125     = .140625
    # z4 = .5*2 + .5*1.25 = 1.625 V4 = .25*1/1 + .25*.140625   = .28515625
    # L = 1.5: UCL1 = 2 + 1.5*.5 = 2.75 < 3 -> flagged above; LCL3 = 2 - 1.5*.375 = 1.4375 > 1.25
    # -> flagged below; z2 (UCL 2.8385) and z4 (LCL 1.1990) inside.
    res = ewma_chart([4, 2, 0, 2], [1, 1, 4, 1], [False] * 4, ewma_lambda=0.5, limit_sigmas=1.5, centre=2, sigma_unit=1)
    assert res.ewma == pytest.approx([3, 2.5, 1.25, 1.625])
    assert res.ewma_sd**2 == pytest.approx([0.25, 0.3125, 0.140625, 0.28515625])
    assert res.upper[0] == pytest.approx(2.75)
    assert res.lower[2] == pytest.approx(1.4375)
    assert res.out.tolist() == [True, False, True, False]


def test_centre_and_sigma_from_baseline_by_hand():
    # baseline weeks: N = 2, 6 over D = 1, 2 -> x = 2, 3; mu = 8/3 (ratio of sums, not 2.5);
    # sigma_unit^2 = (1*(2-8/3)^2 + 2*(3-8/3)^2) / (2-1) = 4/9 + 2/9 = 2/3.
    # A week with D = 0 has no value, carries the EWMA over and is not flagged.
    res = ewma_chart([2, 6, 0, 30], [1, 2, 0, 3], [True, True, False, False], ewma_lambda=0.2, scale=1.0)
    assert res.centre == pytest.approx(8 / 3)
    assert res.sigma_unit**2 == pytest.approx(2 / 3)
    assert res.n_baseline == 2
    assert math.isnan(res.value[2]) and res.ewma[2] == res.ewma[1] and not res.out[2]
    # week 4: x = 10, z = .2*10 + .8*z2
    z1 = 0.2 * 2 + 0.8 * 8 / 3
    z2 = 0.2 * 3 + 0.8 * z1
    assert res.ewma[3] == pytest.approx(0.2 * 10 + 0.8 * z2)


def test_scale_applies_to_values_and_limits():
    a = ewma_chart([1, 2, 3, 2, 1, 2], [10, 10, 10, 10, 10, 10], [True] * 6)
    b = ewma_chart([1, 2, 3, 2, 1, 2], [10, 10, 10, 10, 10, 10], [True] * 6, scale=100)
    assert b.ewma == pytest.approx(100 * a.ewma)
    assert b.upper == pytest.approx(100 * a.upper)


# ------------------------------------------------------------------------------------------
# Behaviour on simulated series
# ------------------------------------------------------------------------------------------
def _poisson_series(rng, weeks, rate, hours, shift_from=None, shift=0.0):
    lam = np.full(weeks, rate, dtype=float)
    if shift_from is not None:
        lam[shift_from:] += shift
    return rng.poisson(lam * hours).astype(float)


def test_pure_noise_flags_at_the_nominal_rate_whatever_the_volume():
    """In control, L = 3: 0.27% of points flagged, in low- and high-volume weeks alike.

    200 series x 1,000 monitored weeks (after 400 baseline weeks), Poisson counts at 5 per
    hour over 40 to 1,000 hours a week. Flags cluster (EWMA points are correlated), so the
    tolerance is wide; a chart with fixed limits would flag far more of the low-volume
    weeks and almost none of the high-volume ones.
    """
    rng = np.random.default_rng(20240101)
    n_series, base, mon = 200, 400, 1000
    flags = low_flags = high_flags = low_n = high_n = 0
    for _ in range(n_series):
        hours = rng.uniform(40, 1000, base + mon)
        num = _poisson_series(rng, base + mon, 5.0, hours)
        baseline = np.arange(base + mon) < base
        res = ewma_chart(num, hours, baseline, ewma_lambda=0.2, limit_sigmas=3.0)
        out = res.out[~baseline]
        low = hours[~baseline] < np.median(hours)
        flags += out.sum()
        low_flags += out[low].sum()
        high_flags += out[~low].sum()
        low_n += low.sum()
        high_n += (~low).sum()
    rate = flags / (n_series * mon)
    assert 0.0015 < rate < 0.0045, rate
    assert 0.001 < low_flags / low_n < 0.006, low_flags / low_n
    assert 0.001 < high_flags / high_n < 0.006, high_flags / high_n


def _one_campaign(weeks=60, train_week=30, shift_sigmas=3.0, seed=7, n_advisors=10):
    """weekly panel of one campaign: 10 advisors x `weeks` weeks, 80 hours per week in total
    (varying per advisor), argued contacts ~ Poisson(4 per hour); from `train_week` the rate
    moves by `shift_sigmas` weekly standard deviations. Advisor A01 trained that Monday."""
    rng = np.random.default_rng(seed)
    rate = 4.0
    rows = []
    for w in range(weeks):
        hours = rng.uniform(4, 12, n_advisors)
        sd_week = math.sqrt(rate / hours.sum())  # Poisson: Var(x) = rate / D
        r = rate + (shift_sigmas * sd_week if w >= train_week else 0.0)
        for a in range(n_advisors):
            rows.append(
                {
                    "advisor_id": f"A{a + 1:02d}",
                    "campaign_id": "C1",
                    "week_start": MONDAY + dt.timedelta(weeks=w),
                    "hours": hours[a],
                    "argued_contacts": float(rng.poisson(r * hours[a])),
                }
            )
    panel = pd.DataFrame(rows)
    train_on = MONDAY + dt.timedelta(weeks=train_week)
    advisors = pd.DataFrame(
        [{"advisor_id": f"A{a + 1:02d}", "trained_on": train_on if a == 0 else None} for a in range(n_advisors)]
    )
    campaigns = pd.DataFrame([{"campaign_id": "C1", "primary_indicators": "argued_contacts_per_hour"}])
    return panel, advisors, campaigns, train_on


def test_known_shift_is_flagged_soon_after_training():
    panel, advisors, campaigns, train_on = _one_campaign()
    df = control_charts(panel, advisors, campaigns, registry("argued_contacts_per_hour"))
    assert list(df.columns) == list(CONTROL_CHART_COLUMNS)
    assert len(df) == 60
    assert (df["first_training_on"] == train_on).all()
    assert (df["phase"] == "baseline").sum() == 30 and int(df["n_baseline_weeks"].iloc[0]) == 30
    monitoring = df[df["phase"] == "monitoring"].reset_index(drop=True)
    assert monitoring["weeks_since_first_training"].tolist() == list(range(30))
    assert df["weeks_since_first_training"].iloc[0] == -30
    first = monitoring.index[monitoring["out_of_control"]].min()
    assert first <= 3, monitoring[["week_start", "value", "ewma", "upper_limit"]].head(6)
    assert monitoring.loc[first, "signal"] == "above" and monitoring.loc[first, "signal_meaning"] == "improvement"
    assert not df.loc[df["phase"] == "baseline", "out_of_control"].any()
    # the centre line is the baseline ratio of sums
    b = panel[panel["week_start"] < train_on]
    assert df["centre_line"].iloc[0] == pytest.approx(b["argued_contacts"].sum() / b["hours"].sum())
    assert df["n_advisors"].max() == 10
    # DuckDB hands dates over as datetime64 columns: same result
    again = control_charts(panel.assign(week_start=pd.to_datetime(panel["week_start"])), advisors.assign(
        trained_on=pd.to_datetime(advisors["trained_on"])), campaigns, registry("argued_contacts_per_hour"))
    pd.testing.assert_frame_equal(df, again)


def test_no_shift_no_signal_and_lower_is_better_reads_as_deterioration():
    panel, advisors, campaigns, _ = _one_campaign(shift_sigmas=0.0, seed=11)
    df = control_charts(panel, advisors, campaigns, registry("argued_contacts_per_hour"))
    assert df["out_of_control"].sum() <= 1
    # a rise of a lower-is-better indicator is a deterioration
    panel, advisors, campaigns, _ = _one_campaign(shift_sigmas=4.0, seed=3)
    panel = panel.rename(columns={"argued_contacts": "outbound_blocked_contacts", "hours": "outbound_handled_contacts"})
    panel["hours"] = panel["outbound_handled_contacts"]
    campaigns["primary_indicators"] = "gatekeeper_block_rate"
    df = control_charts(panel, advisors, campaigns, registry("gatekeeper_block_rate"))
    sig = df[df["out_of_control"] & (df["phase"] == "monitoring")]
    assert len(sig) and set(sig["signal_meaning"]) == {"deterioration"}


def test_selected_indicators_when_none_declared_and_short_baseline():
    panel, advisors, campaigns, _ = _one_campaign(train_week=5)
    campaigns["primary_indicators"] = None
    selection = pd.DataFrame(
        [{"campaign_id": "C1", "indicator": "argued_contacts_per_hour", "selected": True},
         {"campaign_id": "C1", "indicator": "revenue_per_hour", "selected": False}]
    )
    df = control_charts(panel, advisors, campaigns, registry(), selection=selection)
    assert set(df["indicator"]) == {"argued_contacts_per_hour"}
    assert set(df["indicator_source"]) == {"selected"}
    assert df["upper_limit"].isna().all() and not df["out_of_control"].any()
    assert "baseline too short (5 weeks" in df["reason"].iloc[0]
    # no primary indicator at all: no rows
    assert control_charts(panel, advisors, campaigns, registry()).empty


def test_training_elsewhere_does_not_count_and_settings_validate():
    panel, advisors, campaigns, _ = _one_campaign()
    # A01 trained long after its last week on this campaign: not a training of this campaign.
    advisors.loc[0, "trained_on"] = MONDAY + dt.timedelta(weeks=200)
    df = control_charts(panel, advisors, campaigns, registry("argued_contacts_per_hour"))
    assert df["first_training_on"].isna().all() and (df["phase"] == "baseline").all()
    assert "no training on this campaign" in df["reason"].iloc[0]
    with pytest.raises(ValueError):
        ControlChartSettings(ewma_lambda=0)
    # lambda from the settings object when the lead adds control_chart_* fields
    class S:
        control_chart_ewma_lambda = 0.3
    assert ControlChartSettings.from_analysis_settings(S()).ewma_lambda == 0.3


def test_iso_week_start_and_registered_table():
    assert iso_week_start(["2024-01-07", "2024-01-08", "2021-01-03"]).astype(str).tolist() == [
        "2024-01-01", "2024-01-08", "2020-12-28"
    ]
    assert TABLES["control_charts"] is CONTROL_CHART_COLUMNS
