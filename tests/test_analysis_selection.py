"""indicator_selection: volume, stability, responsiveness, declared primaries win."""

import numpy as np
import pandas as pd
import pytest
from test_analysis_helpers import advisors_frame, months, panel_frame, registry

from dagster_project.analysis import AnalysisSettings, indicator_selection
from dagster_project.analysis.selection import SELECTION_COLUMNS

REG = registry(
    "argued_contacts_per_hour", "contacts_per_hour", "sales_or_appointments_per_hour",
    "revenue_per_hour", "service_attach_rate", "average_handle_seconds",
)
MULT = [0.9, 0.95, 1.0, 1.05, 1.1]  # advisors differ; equal hours -> pooled = monthly level


def panel(campaign):
    rows = []
    ms = months("2023-01", "2023-12")
    for j, m in enumerate(ms):
        argued = 2.0 if j % 2 == 0 else 2.1  # monthly CV ~ 0.025
        contacts = 5.0 if j % 2 == 0 else 5.05  # monthly CV ~ 0.007
        revenue = 50.0 if j % 2 == 0 else 80.0  # monthly CV ~ 0.24 > 0.20
        for i, k in enumerate(MULT):
            rows.append({
                "advisor_id": f"{campaign}{i}", "campaign_id": campaign, "month": m, "hours": 100.0,
                "argued_contacts": 100 * argued * k, "handled_contacts": 100 * contacts * k,
                "sales_or_appointments": 0.0, "revenue": 100 * revenue * k,
                "primary_sales": 2.0, "primary_sales_with_services": 1.0 * k,  # 2 sales a month: low volume
                "handle_seconds": 300.0 * 100 * contacts * k,  # 300 s for everyone: constant
            })
    return rows


def test_selection_rules_and_declared_primaries():
    p = panel_frame(panel("A") + panel("B"))
    adv = advisors_frame([{"advisor_id": f"{c}{i}", "trained_on": "2024-03-01"} for c in "AB" for i in range(5)])
    camps = pd.DataFrame({"campaign_id": ["A", "B"], "primary_indicators": [None, "revenue_per_hour; nps_typo"]})
    sel = indicator_selection(p, adv, camps, REG)
    assert list(sel.columns) == list(SELECTION_COLUMNS)
    a = sel[sel["campaign_id"] == "A"].set_index("indicator")
    # sales_or_appointments: denominator hours exists, numerator all zero
    assert not a.loc["sales_or_appointments_per_hour", "responsive_ok"]
    assert not a.loc["average_handle_seconds", "responsive_ok"]  # constant
    assert not a.loc["revenue_per_hour", "stable_ok"]
    assert not a.loc["service_attach_rate", "volume_ok"]  # 2 primary sales per advisor-month
    assert a.loc["service_attach_rate", "denominator_per_advisor_month"] == pytest.approx(2.0)
    # monthly CV of 2.0/2.1 alternating over 12 months
    x = np.array([2.0, 2.1] * 6)
    assert a.loc["argued_contacts_per_hour", "monthly_cv"] == pytest.approx(x.std(ddof=1) / x.mean())
    assert a.loc["contacts_per_hour", "rank"] == 1 and a.loc["argued_contacts_per_hour", "rank"] == 2
    assert set(a.index[a["selected"]]) == {"contacts_per_hour", "argued_contacts_per_hour"}
    assert set(a.loc[a["selected"], "source"]) == {"selected"}
    b = sel[sel["campaign_id"] == "B"].set_index("indicator")
    assert b.index[b["selected"]].tolist() == ["revenue_per_hour"]
    assert b.loc["revenue_per_hour", "source"] == "declared"
    assert "not in the registry" in b.loc["nps_typo", "reason"]
    assert not b.loc["contacts_per_hour", "selected"]


def test_only_pre_training_months_count():
    p = panel_frame(panel("A"))
    # trained 2023-07: only 2023-01..06 count (6 months)
    adv = advisors_frame([{"advisor_id": f"A{i}", "trained_on": "2023-07-01"} for i in range(5)])
    sel = indicator_selection(p, adv, None, REG).set_index("indicator")
    assert sel.loc["contacts_per_hour", "n_months"] == 6
    assert sel.loc["contacts_per_hour", "n_advisor_months"] == 30
    s = AnalysisSettings(selection_min_months=7)
    sel = indicator_selection(p, adv, None, REG, s).set_index("indicator")
    assert not sel["selected"].any()
    assert "too few pre-training months" in sel.loc["contacts_per_hour", "reason"]
