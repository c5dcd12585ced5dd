"""Known effects recovered on simulated panels (numpy): seasonality and trend fool the plain
before/after figure, not the adjusted one."""

import numpy as np
import pytest
from test_analysis_helpers import registry, simulate_panel

from dagster_project.analysis import AnalysisSettings, impact_by_month_since_training, training_impact

ARGUED = registry("argued_contacts_per_hour")
# calendar-month factors Jan..Dec
SEASON = (0.90, 0.90, 0.95, 0.95, 1.00, 1.00, 1.05, 1.05, 1.10, 1.10, 1.00, 1.00)
# one training month (2023-06): before = 2022-12..2023-05 (mean factor 0.95),
# after = 2023-07..2023-12 (mean factor 1.05): the calendar alone gives 1.05 / 0.95 - 1 = +10.5%
SEASONAL_GAIN = 1.05 / 0.95 - 1


def run(effect, seed=11, **kw):
    panel, adv = simulate_panel(
        seed, effect=effect, n_advisors=200, n_never=50, cohorts=("2023-06",), season_factors=SEASON,
        monthly_trend=0.0, start="2022-06", end="2024-12", **kw,
    )
    df = training_impact(panel, adv, None, ARGUED, AnalysisSettings())
    return df[df["level"] == "campaign"].iloc[0], panel, adv


def test_no_effect_with_seasonality_plain_gain_adjusted_zero():
    r, _, _ = run(0.0)
    assert r["plain_change"] == pytest.approx(SEASONAL_GAIN, abs=0.01)  # the plain figure credits the calendar
    assert abs(r["adjusted_lift"]) < 3 * r["adjusted_se"] < 0.03  # ~0 (SE ~0.008 with 50 controls)
    assert r["adjusted_lift_ci_low"] < 0 < r["adjusted_lift_ci_high"]
    assert r["adjusted_p_value"] > 0.05 and not bool(r["pretrend_failed"])
    assert (r["n_stable"], r["n_comparison"]) == (150, 50)


def test_injected_ten_percent_is_recovered_within_ci():
    r, _, _ = run(0.10)
    assert r["plain_change"] == pytest.approx(1.10 * 1.05 / 0.95 - 1, abs=0.012)
    assert r["adjusted_lift_ci_low"] < 0.10 < r["adjusted_lift_ci_high"]
    assert r["adjusted_lift"] == pytest.approx(0.10, abs=3 * r["adjusted_se"] * 1.1)
    assert r["adjusted_p_value"] < 0.001 and bool(r["significant"])


def test_staggered_cohorts_with_trend_and_seasonality():
    # eight cohorts, a +0.4%/month trend and a sine season, no effect, five seeds:
    # plain ~ +2.8% (7 months of trend between the window centres), adjusted ~ 0 (SE ~0.005)
    rows = []
    for seed in range(5):
        panel, adv = simulate_panel(seed, effect=0.0)
        rows.append(training_impact(panel, adv, None, ARGUED).query("level == 'campaign'").iloc[0])
    plain = np.array([r["plain_change"] for r in rows])
    adj = np.array([r["adjusted_lift"] for r in rows])
    assert plain.mean() > 0.02
    assert abs(adj.mean()) < 0.005
    assert all(abs(r["adjusted_lift"]) < 3 * r["adjusted_se"] for r in rows)  # no seed far from 0
    assert all(r["n_cohorts_adjusted"] == 8 for r in rows)


def test_event_study_curve_flat_before_and_at_the_effect_after():
    _, panel, adv = run(0.10)
    es = impact_by_month_since_training(panel, adv, ARGUED)
    es = es.set_index("relative_month")
    assert list(es.index) == list(range(-6, 13))
    post = es.loc[1:6, "adjusted_lift"]
    assert np.all(np.abs(post - 0.10) < 0.03)
    pre = es.loc[-6:-1, "adjusted_lift"]
    assert np.all(np.abs(pre) < 0.03)
    # months 7..12 are after 2023-12 + ... still inside the data (ends 2024-12)
    assert es.loc[12, "n_treated"] == 150
