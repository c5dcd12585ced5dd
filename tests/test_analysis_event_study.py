"""impact_by_month_since_training on a hand-made panel."""

import pandas as pd
import pytest
from test_analysis_helpers import advisors_frame, mdate, months, panel_frame, registry

from dagster_project.analysis import AnalysisSettings, impact_by_month_since_training
from dagster_project.analysis.event_study import EVENT_STUDY_COLUMNS

ARGUED = registry("argued_contacts_per_hour")
F = {1: 1.0, 2: 1.2, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.0, 7: 1.0, 8: 1.0, 9: 1.1, 10: 1.1, 11: 0.9, 12: 0.9}


def panel():
    rows, adv = [], []
    g = mdate("2024-01")
    for i in range(6):
        e = 0.08 if i % 2 == 0 else 0.12  # mean +10%
        c = [0.95, 0.98, 1.0, 1.0, 1.02, 1.05][i]
        for m in months("2023-01", "2024-12"):
            rows.append({"advisor_id": f"T{i}", "campaign_id": "C", "month": m, "hours": 100,
                         "argued_contacts": 100 * 2.0 * F[m.month] * (1 + e if m > g else 1.0)})
            rows.append({"advisor_id": f"N{i}", "campaign_id": "C", "month": m, "hours": 100,
                         "argued_contacts": 100 * 2.0 * F[m.month] * c})
        adv += [{"advisor_id": f"T{i}", "trained_on": "2024-01-10"}, {"advisor_id": f"N{i}", "trained_on": None}]
    return panel_frame(rows), advisors_frame(adv)


def test_event_study_curve():
    es = impact_by_month_since_training(*panel(), ARGUED)
    assert list(es.columns) == list(EVENT_STUDY_COLUMNS)
    es = es.set_index("relative_month")
    # reference = 2023-07..2023-12, mean seasonal factor 1.0; data end 2024-12 -> k <= 11
    assert list(es.index) == list(range(-6, 12))
    assert es.loc[-6:-1, "in_reference_window"].all() and not es.loc[0:, "in_reference_window"].any()
    # k = +1 is February (factor 1.2): plain = 1.1 * 1.2 - 1 = +32%, adjusted = +10%
    assert es.loc[1, "plain_change"] == pytest.approx(0.32)
    assert es.loc[1, "adjusted_lift"] == pytest.approx(0.10)
    assert es.loc[2, "plain_change"] == pytest.approx(0.10)
    assert es.loc[2, "adjusted_lift"] == pytest.approx(0.10)
    assert es.loc[1, "adjusted_lift_ci_low"] < 0.10 < es.loc[1, "adjusted_lift_ci_high"]
    # k = -3 is October (factor 1.1): plain +10%, adjusted 0 (both groups follow the season)
    assert es.loc[-3, "plain_change"] == pytest.approx(0.10)
    assert es.loc[-3, "adjusted_lift"] == pytest.approx(0.0, abs=1e-12)
    assert bool(es.loc[-3, "zero_variance"]) and pd.isna(es.loc[-3, "adjusted_p_value"])
    # training month: no effect yet
    assert es.loc[0, "adjusted_lift"] == pytest.approx(0.0, abs=1e-12)
    assert (es["n_treated"] == 6).all() and (es["n_comparison"] == 6).all()


def test_event_study_range_is_configurable():
    es = impact_by_month_since_training(*panel(), ARGUED, AnalysisSettings(event_study_months=(-2, 3)))
    assert sorted(es["relative_month"]) == [-2, -1, 0, 1, 2, 3]
