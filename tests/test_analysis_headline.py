"""impact_headline on a hand-made training_impact table."""

import pandas as pd
import pytest

from dagster_project.analysis import AnalysisSettings, impact_headline
from dagster_project.analysis.headline import HEADLINE_COLUMNS


def ti_row(c, ind, plain, adj, lo, hi, insufficient=False, scale="relative"):
    return {"level": "campaign", "campaign_id": c, "indicator": ind, "effect_scale": scale, "plain_improvement": plain,
            "adjusted_improvement": adj, "adjusted_improvement_ci_low": lo, "adjusted_improvement_ci_high": hi,
            "insufficient_data": insufficient}


def test_headline():
    ti = pd.DataFrame([
        ti_row("A", "x", 0.12, 0.04, 0.00, 0.08),
        ti_row("A", "y", 0.08, 0.02, -0.02, 0.06),
        ti_row("A", "z", 0.50, 0.50, 0.40, 0.60),  # not primary for A
        ti_row("B", "x", 0.20, 0.06, 0.02, 0.10),
        ti_row("B", "nps", 3.0, 2.0, 1.0, 3.0, scale="points"),
        ti_row("C", "x", 0.03, 0.01, -0.05, 0.07, insufficient=True),
        ti_row("D", "x", 0.30, 0.30, 0.20, 0.40),  # poorly assimilated
        {"level": "cohort", "campaign_id": "A", "indicator": "x", "effect_scale": "relative", "plain_improvement": 9.0},
    ])
    adoption = pd.DataFrame([
        # A: advisors 70 and (80, 60) -> advisor means 70, 70 -> 70
        {"campaign_id": "A", "advisor_id": "a1", "score": 70}, {"campaign_id": "A", "advisor_id": "a2", "score": 80},
        {"campaign_id": "A", "advisor_id": "a2", "score": 60},
        {"campaign_id": "B", "advisor_id": "b1", "score": 65},
        {"campaign_id": "C", "advisor_id": "c1", "score": 90},
        {"campaign_id": "D", "advisor_id": "d1", "score": 60},  # not strictly above 60
    ])
    campaigns = pd.DataFrame({"campaign_id": ["A", "B", "C", "D"], "primary_indicators": ["x;y", "x;nps", None, "x"]})
    selection = pd.DataFrame({"campaign_id": ["C", "C"], "indicator": ["x", "z"], "selected": [True, False]})
    h = impact_headline(ti, adoption, campaigns, AnalysisSettings(), selection=selection)
    assert list(h.columns) == list(HEADLINE_COLUMNS)
    camp = h[h["level"] == "campaign"].set_index("campaign_id")
    assert camp.loc["A", "mean_adoption_score"] == pytest.approx(70)
    assert camp.loc["A", "plain_improvement"] == pytest.approx(0.10)  # mean(0.12, 0.08)
    assert camp.loc["A", "adjusted_improvement"] == pytest.approx(0.03)
    assert (camp.loc["A", "adjusted_improvement_ci_low"], camp.loc["A", "adjusted_improvement_ci_high"]) == (
        pytest.approx(-0.01), pytest.approx(0.07))
    assert camp.loc["B", "plain_improvement"] == pytest.approx(0.20)  # nps left out (points)
    assert "points-scale" in camp.loc["B", "reason"]
    assert camp.loc["C", "indicator_source"] == "selected" and pd.isna(camp.loc["C", "adjusted_improvement"])
    assert not camp.loc["D", "well_assimilated"]
    o = h[h["level"] == "overall"].iloc[0]
    assert o["n_campaigns_eligible"] == 3
    # plain over A, B, C: 0.10, 0.20, 0.03
    assert o["plain_n_campaigns"] == 3
    assert o["plain_mean_improvement"] == pytest.approx(0.11)
    assert (o["plain_min_improvement"], o["plain_max_improvement"]) == (pytest.approx(0.03), pytest.approx(0.20))
    assert o["plain_share_at_or_above_threshold"] == pytest.approx(2 / 3)
    # adjusted over A, B (C insufficient): 0.03, 0.06
    assert o["adjusted_n_campaigns"] == 2
    assert o["adjusted_mean_improvement"] == pytest.approx(0.045)
    assert o["adjusted_share_at_or_above_threshold"] == pytest.approx(0.5)
    # CI: se_A = 0.08 / 3.92, se_B = 0.08 / 3.92 -> se = sqrt(2) * 0.08 / 3.92 / 2
    se = 2**0.5 * 0.08 / (2 * 1.959964) / 2
    assert o["adjusted_mean_ci_low"] == pytest.approx(0.045 - 1.959964 * se, abs=1e-6)
