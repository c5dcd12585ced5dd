"""adopters_vs_team: cases 03 and 08, the top-fraction rule, the all-campaigns row."""

import numpy as np
import pandas as pd
import pytest
from test_analysis_helpers import advisors_frame, mdate, months, panel_frame, registry

from dagster_project.analysis import AnalysisSettings, adopters_vs_team, n_heavy_adopters
from dagster_project.analysis.adopters import ADOPTERS_COLUMNS

SALES = registry("sales_or_appointments_per_hour")  # sales_or_appointments / hours


def rows_for(advisor, before, after, hours_before=100, hours_after=100, trained="2024-06", campaign="C", start="2023-07", end="2025-06"):
    """value `before` up to the training month (included), `after` from the month after."""
    g = mdate(trained)
    out = []
    for m in months(start, end):
        v, h = (before, hours_before) if m <= g else (after, hours_after)
        out.append({"advisor_id": advisor, "campaign_id": campaign, "month": m, "hours": h, "sales_or_appointments": v * h})
    return out


def scores(pairs, campaign="C", on="2024-08-15"):
    return pd.DataFrame([{"advisor_id": a, "campaign_id": campaign, "evaluated_on": on, "score": s} for a, s in pairs])


def the_row(df, campaign="C"):
    d = df[(df["level"] == "campaign") & (df["campaign_id"] == campaign)]
    assert len(d) == 1
    return d.iloc[0]


def test_top_fraction_rounds_down_with_at_least_one():
    assert [n_heavy_adopters(n, 0.10) for n in (0, 1, 5, 9, 10, 12, 19, 20, 35)] == [0, 1, 1, 1, 1, 1, 1, 2, 3]


def test_case08_adopters_who_were_already_better():
    # H1 +5%, H2 +15% (pooled 0.20 -> 0.22); T1 +5%, T2 +15% (pooled 0.10 -> 0.11); equal hours
    rows = rows_for("H1", 0.20, 0.21) + rows_for("H2", 0.20, 0.23) + rows_for("T1", 0.10, 0.105) + rows_for("T2", 0.10, 0.115)
    adv = advisors_frame([{"advisor_id": a, "trained_on": "2024-06-10"} for a in ("H1", "H2", "T1", "T2")])
    ad = scores([("H1", 90), ("H2", 85), ("T1", 30), ("T2", 40)])
    s = AnalysisSettings(adopters_top_fraction=0.5, min_group_size=2)
    df = adopters_vs_team(panel_frame(rows), adv, ad, SALES, s)
    r = the_row(df)
    assert (r["n_team"], r["n_adopters"], r["n_rest"]) == (4, 2, 2)
    assert r["adopters_after"] == pytest.approx(0.22)
    assert r["team_after"] == pytest.approx(0.165)
    assert r["rest_after"] == pytest.approx(0.11)
    assert r["plain_gap_vs_team"] == pytest.approx(1 / 3)  # +33.3%
    assert r["plain_gap_vs_rest"] == pytest.approx(1.0)  # +100%
    assert r["before_gap_vs_rest"] == pytest.approx(1.0)
    # ln(0.22/0.11) - ln(0.20/0.10) = 0
    assert r["adjusted_estimate"] == pytest.approx(0.0, abs=1e-12)
    assert r["adjusted_lift"] == pytest.approx(0.0, abs=1e-12)
    assert r["adjusted_p_value"] == pytest.approx(1.0)
    assert r["adopters_mean_score"] == pytest.approx(87.5) and r["adoption_cutoff"] == pytest.approx(85)


def test_case03_pooled_ratios_and_standard_errors_with_advisors_as_unit():
    # after window = 1 month with case 03's sales and hours; a1-a3 are the heavy adopters
    data = {"a1": (10, 100), "a2": (30, 100), "a3": (2, 20), "b1": (12, 100), "b2": (14, 100)}
    rows = []
    for a, (sales, hours) in data.items():
        for m in months("2024-01", "2024-12"):
            if m == mdate("2024-07"):
                rows.append({"advisor_id": a, "campaign_id": "C", "month": m, "hours": hours, "sales_or_appointments": sales})
            else:
                rows.append({"advisor_id": a, "campaign_id": "C", "month": m, "hours": 100, "sales_or_appointments": 10 + len(a)})
    adv = advisors_frame([{"advisor_id": a, "trained_on": "2024-06-03"} for a in data])
    ad = scores([("a1", 95), ("a2", 90), ("a3", 88), ("b1", 20), ("b2", 10)], on="2024-07-20")
    s = AnalysisSettings(adopters_window_months=1, adopters_top_fraction=0.6, min_group_size=2)
    r = the_row(adopters_vs_team(panel_frame(rows), adv, ad, SALES, s))
    assert (r["n_adopters"], r["n_rest"]) == (3, 2)  # advisors, never hours
    assert round(r["adopters_after"], 4) == 0.1909
    assert r["rest_after"] == pytest.approx(0.13)
    assert r["plain_gap_vs_rest"] == pytest.approx(0.469, abs=5e-4)
    assert round(r["adopters_after_se"], 4) == 0.0797
    assert round(r["rest_after_se"], 4) == 0.0100


def test_scores_outside_the_after_window_do_not_count_and_unscored_are_rest():
    rows, adv = [], []
    for i in range(10):
        rows += rows_for(f"A{i}", 0.2 + 0.01 * i, 0.22 + 0.01 * i)
        adv.append({"advisor_id": f"A{i}", "trained_on": "2024-06-10"})
    ad = pd.concat(
        [
            scores([(f"A{i}", 50 + i) for i in range(8)]),  # A7 is the best in the window
            scores([("A9", 99)], on="2025-06-01"),  # after the window: ignored
        ]
    )
    r = the_row(adopters_vs_team(panel_frame(rows), advisors_frame(adv), ad, SALES))
    assert (r["n_team"], r["n_scored"], r["n_adopters"], r["n_rest"]) == (10, 8, 1, 9)
    assert r["adoption_cutoff"] == 57
    assert bool(r["insufficient_data"])  # one adopter: below the minimum group size
    assert pd.isna(r["adjusted_p_value"])


def test_all_campaigns_row_pools_single_adopter_campaigns():
    rng = np.random.default_rng(7)
    rows, adv, ad = [], [], []
    lifts = {}
    for c in range(6):
        cid = f"C{c}"
        for i in range(10):
            a = f"{cid}_{i}"
            base = rng.uniform(0.15, 0.25)
            growth = (1.10 if i == 0 else 1.0) * rng.uniform(0.97, 1.03)
            rows += rows_for(a, base, base * growth, campaign=cid)
            adv.append({"advisor_id": a, "trained_on": "2024-06-10"})
            ad.append({"advisor_id": a, "campaign_id": cid, "evaluated_on": "2024-08-01", "score": 95 if i == 0 else 40 + i})
    df = adopters_vs_team(panel_frame(rows), advisors_frame(adv), pd.DataFrame(ad), SALES)
    assert list(df.columns) == list(ADOPTERS_COLUMNS)
    camp = df[df["level"] == "campaign"]
    assert len(camp) == 6 and set(camp["n_adopters"]) == {1}
    assert camp["adjusted_p_value"].isna().all()  # one adopter per campaign: no per-campaign finding
    allc = df[df["level"] == "all_campaigns"].iloc[0]
    assert allc["n_campaigns"] == 6 and allc["n_adopters"] == 6 and allc["n_rest"] == 54
    # equal weights (one adopter each): the mean of the campaigns' adjusted estimates
    assert allc["adjusted_estimate"] == pytest.approx(camp["adjusted_estimate"].mean())
    assert np.isfinite(allc["adjusted_p_value"]) and allc["adjusted_se"] > 0
    assert allc["adjusted_lift_ci_low"] < 0.10 < allc["adjusted_lift_ci_high"]
    assert allc["fdr_family"].startswith("adopters_vs_team")


def test_lower_is_better_flips_the_improvement():
    aht = registry("average_handle_seconds")
    rows, adv, ad = [], [], []
    for i, (b, a) in enumerate([(300, 270), (310, 280), (320, 320), (330, 330), (340, 340), (350, 350)]):
        for m in months("2023-07", "2025-06"):
            v = b if m <= mdate("2024-06") else a
            rows.append({"advisor_id": f"X{i}", "campaign_id": "C", "month": m, "hours": 100, "handled_contacts": 100, "handle_seconds": 100 * v})
        adv.append({"advisor_id": f"X{i}", "trained_on": "2024-06-10"})
        ad.append({"advisor_id": f"X{i}", "campaign_id": "C", "evaluated_on": "2024-08-01", "score": 90 - i})
    s = AnalysisSettings(adopters_top_fraction=0.34, min_group_size=2)
    r = the_row(adopters_vs_team(panel_frame(rows), advisors_frame(adv), pd.DataFrame(ad), aht, s))
    assert r["n_adopters"] == 2
    # adopters 275 vs rest 335 after: gap 275/335 - 1 < 0, an improvement
    assert r["plain_gap_vs_rest"] == pytest.approx(275 / 335 - 1)
    assert r["plain_improvement_vs_rest"] == pytest.approx(1 - 275 / 335)
    assert r["adjusted_improvement"] > 0
