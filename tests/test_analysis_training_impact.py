"""training_impact: the hand-worked cases 02, 04, 05, 07 and the population / window rules."""

import numpy as np
import pandas as pd
import pytest
from test_analysis_helpers import advisors_frame, mdate, months, panel_frame, registry

from dagster_project.analysis import AnalysisSettings, benjamini_hochberg, training_impact, training_impact_membership
from dagster_project.analysis.training_impact import TRAINING_IMPACT_COLUMNS

AHT = registry("average_handle_seconds")  # handle_seconds / handled_contacts, lower is better
ARGUED = registry("argued_contacts_per_hour")  # argued_contacts / hours, higher is better


def aht_rows(advisor, values_by_month, campaign="C", contacts=100, hours=120):
    """values_by_month: {date: seconds per contact}."""
    return [
        {"advisor_id": advisor, "campaign_id": campaign, "month": m, "hours": hours,
         "handled_contacts": contacts, "handle_seconds": contacts * v}
        for m, v in values_by_month.items()
    ]


def argued_rows(advisor, values_by_month, campaign="C", hours=100):
    return [
        {"advisor_id": advisor, "campaign_id": campaign, "month": m, "hours": hours, "argued_contacts": hours * v}
        for m, v in values_by_month.items()
    ]


def series(start, end, fn):
    return {m: fn(m) for m in months(start, end)}


def campaign_row(df, indicator=None):
    d = df[df["level"] == "campaign"]
    if indicator:
        d = d[d["indicator"] == indicator]
    assert len(d) == 1
    return d.iloc[0]


def cohort_row(df, month):
    d = df[(df["level"] == "cohort") & (pd.to_datetime(df["cohort_month"]) == pd.Timestamp(month))]
    assert len(d) == 1
    return d.iloc[0]


# --- case 02: staggered training, already-trained advisors are never controls -------------
def case02():
    def w1(m):
        return 350 if m < mdate("2024-02") else (340 if m < mdate("2025-01") else 320)

    def w2(m):
        return 350 if m < mdate("2024-10") else 340

    rows = aht_rows("W1", series("2023-01", "2025-12", w1), hours=100)
    rows += aht_rows("W2", series("2023-01", "2025-12", w2), hours=100)
    rows += aht_rows("N", series("2023-01", "2025-12", lambda m: 350), hours=100)
    adv = advisors_frame(
        [{"advisor_id": "W1", "trained_on": "2024-01-15"}, {"advisor_id": "W2", "trained_on": "2024-09-15"},
         {"advisor_id": "N", "trained_on": None}]
    )
    return panel_frame(rows), adv


def test_case02_staggered_controls():
    panel, adv = case02()
    s = AnalysisSettings(min_group_size=1)
    df = training_impact(panel, adv, None, AHT, s)
    w1 = cohort_row(df, "2024-01-01")
    assert (w1["before_start"], w1["before_end"]) == (mdate("2023-07"), pd.Timestamp("2023-12-31").date())
    assert (w1["after_start"], w1["after_end"]) == (mdate("2024-02"), pd.Timestamp("2024-07-31").date())
    assert w1["plain_before"] == pytest.approx(350) and w1["plain_after"] == pytest.approx(340)
    assert w1["plain_change"] == pytest.approx(-0.028571, abs=1e-6)
    assert w1["n_comparison"] == 2  # W2 (trained 2024-09, after this after window) and N
    assert w1["adjusted_lift"] == pytest.approx(-0.028571, abs=1e-6)
    assert w1["adjusted_improvement"] == pytest.approx(+0.028571, abs=1e-6)  # lower is better

    w2 = cohort_row(df, "2024-09-01")
    assert (w2["before_start"], w2["after_end"]) == (mdate("2024-03"), pd.Timestamp("2025-03-31").date())
    assert w2["n_comparison"] == 1  # only N: W1 was already trained
    assert w2["adjusted_lift"] == pytest.approx(-0.028571, abs=1e-6)
    # using W1 as a control would have given ~0: (ln(340/350)) - ln(330/340) = +0.0009
    assert abs(w2["adjusted_lift"]) > 0.02

    members = training_impact_membership(panel, adv, settings=s)
    w2_controls = members[(pd.to_datetime(members["cohort_month"]) == "2024-09-01") & (members["role"] == "comparison")]
    assert w2_controls["advisor_id"].tolist() == ["N"]
    # one advisor per group: no variance, so no p-value is shown
    assert np.isnan(w1["adjusted_p_value"]) and bool(w1["insufficient_data"])
    camp = campaign_row(df)
    assert camp["adjusted_lift"] == pytest.approx(-0.028571, abs=1e-6)
    assert camp["n_trained"] == 2 and camp["n_cohorts"] == 2


# --- case 04: survivorship ------------------------------------------------------------------
def test_case04_survivors_only():
    before = {"A": 300, "B": 320, "C": 340, "D": 420, "E": 440}
    rows = []
    for a, v in before.items():
        vals = series("2023-07", "2025-06", lambda m, v=v: v)
        if a in ("D", "E"):  # leave on 2024-08-20: 10 hours in August, nothing after
            vals = {m: x for m, x in vals.items() if m <= mdate("2024-08")}
            rows += [r | ({"hours": 10} if r["month"] == mdate("2024-08") else {}) for r in aht_rows(a, vals)]
        else:
            rows += aht_rows(a, vals)
    for i, v in enumerate([320, 325, 330, 335, 340]):
        rows += aht_rows(f"N{i}", series("2023-07", "2025-06", lambda m, v=v: v))
    adv = advisors_frame(
        [{"advisor_id": a, "trained_on": "2024-07-10", **({"left_on": "2024-08-20"} if a in "DE" else {})} for a in before]
        + [{"advisor_id": f"N{i}", "trained_on": None} for i in range(5)]
    )
    df = training_impact(panel_frame(rows), adv, None, AHT)
    r = campaign_row(df)
    assert (r["n_trained"], r["n_stable"], r["n_excluded_left"]) == (5, 3, 2)
    assert r["plain_before"] == pytest.approx(320)  # A, B, C only (the naive mean of all five is 364)
    assert r["plain_change"] == pytest.approx(0.0, abs=1e-12)
    members = training_impact_membership(panel_frame(rows), adv)
    left = members[members["role"] == "excluded"]
    assert sorted(left["advisor_id"]) == ["D", "E"] and set(left["reason"]) == {"left"}


# --- case 05: small groups and zero variance -------------------------------------------------
def case05_small(with_controls=True):
    rows = aht_rows("T1", series("2023-07", "2025-06", lambda m: 300 if m < mdate("2024-07") else 290))
    rows += aht_rows("T2", series("2023-07", "2025-06", lambda m: 310 if m < mdate("2024-07") else 300))
    adv = [{"advisor_id": "T1", "trained_on": "2024-06-10"}, {"advisor_id": "T2", "trained_on": "2024-06-10"}]
    if with_controls:
        for i in range(6):
            rows += aht_rows(f"N{i}", series("2023-07", "2025-06", lambda m, i=i: 300 + 3 * i + (m.month % 3)))
            adv.append({"advisor_id": f"N{i}", "trained_on": None})
    return panel_frame(rows), advisors_frame(adv)


def test_case05_two_trained_advisors_are_insufficient_data():
    df = training_impact(*case05_small(), None, AHT)
    r = campaign_row(df)
    assert r["n_stable"] == 2
    assert bool(r["insufficient_data"])
    assert pd.isna(r["adjusted_p_value"]) and pd.isna(r["adjusted_q_value"]) and pd.isna(r["significant"])
    assert pd.isna(r["adjusted_lift_ci_low"])
    assert "below the minimum group size (2 < 5)" in r["reason"]
    assert not bool(r["no_comparison_group"])


def test_case05_no_comparison_group_flagged():
    df = training_impact(*case05_small(with_controls=False), None, AHT)
    r = campaign_row(df)
    assert bool(r["no_comparison_group"]) and bool(r["insufficient_data"])
    assert r["flags"] == "insufficient_data;no_comparison_group"
    assert pd.isna(r["adjusted_p_value"]) and pd.isna(r["adjusted_lift"])
    assert r["plain_change"] == pytest.approx(590 / 610 - 1)  # the plain figure is still shown
    assert "no comparison group" in r["reason"]


def test_case05_zero_variance_is_flagged_not_significant():
    rows, adv = [], []
    hours = [30, 70, 110, 90, 50, 130]
    for grp, trained in (("T", "2024-06-10"), ("N", None)):
        for i, h in enumerate(hours):
            a = f"{grp}{i}"
            rows += [
                {"advisor_id": a, "campaign_id": "C", "month": m, "hours": h, "argued_contacts": 0.1 * h}
                for m in months("2023-07", "2025-06")
            ]
            adv.append({"advisor_id": a, "trained_on": trained})
    df = training_impact(panel_frame(rows), advisors_frame(adv), None, ARGUED)
    r = campaign_row(df)
    assert bool(r["zero_variance"]) and bool(r["insufficient_data"])
    assert r["adjusted_lift"] == 0.0
    assert pd.isna(r["adjusted_p_value"]) and pd.isna(r["adjusted_q_value"])
    assert "zero variance" in r["reason"]


# --- case 07: seasonality -------------------------------------------------------------------
def test_case07_comparison_group_absorbs_the_calendar():
    offsets = [-10, -5, 0, 0, 5, 10]
    rows, adv = [], []
    for i, o in enumerate(offsets):
        rows += aht_rows(f"T{i}", series("2023-07", "2025-06", lambda m, o=o: (360 if m < mdate("2024-07") else 330) + o))
        rows += aht_rows(f"N{i}", series("2023-07", "2025-06", lambda m, o=o: (355 if m < mdate("2024-07") else 335) + o))
        adv += [{"advisor_id": f"T{i}", "trained_on": "2024-07-01"}, {"advisor_id": f"N{i}", "trained_on": "2025-03-01"}]
    s = AnalysisSettings(exclude_training_month=False)  # before Jan-Jun, after Jul-Dec
    df = training_impact(panel_frame(rows), advisors_frame(adv), None, AHT, s)
    r = campaign_row(df)
    assert (r["before_start"], r["after_end"]) == (mdate("2024-01"), pd.Timestamp("2024-12-31").date())
    assert r["plain_change"] == pytest.approx(-0.0833, abs=5e-5)
    assert r["adjusted_estimate"] == pytest.approx(-0.0290, abs=5e-5)
    assert r["adjusted_lift"] == pytest.approx(-0.0286, abs=5e-5)
    assert r["adjusted_improvement"] == pytest.approx(0.0286, abs=5e-5)
    c = cohort_row(df, "2024-07-01")
    assert (c["comparison_before"], c["comparison_after"]) == (pytest.approx(355), pytest.approx(335))
    assert r["n_comparison"] == 6 and r["n_stable"] == 6
    assert np.isfinite(r["adjusted_p_value"]) and r["adjusted_lift_ci_low"] < r["adjusted_lift"] < r["adjusted_lift_ci_high"]


# --- windows ----------------------------------------------------------------------------------
def test_one_month_windows_training_month_not_excluded():
    rows, adv = [], []
    for i in range(5):
        rows += argued_rows(f"T{i}", {mdate("2024-01"): 1.0 + 0.1 * i, mdate("2024-02"): 1.1 * (1.0 + 0.1 * i)})
        rows += argued_rows(f"N{i}", {mdate("2024-01"): 1.0 + 0.1 * i, mdate("2024-02"): 1.0 + 0.1 * i + 0.01 * (i - 2)})
        adv += [{"advisor_id": f"T{i}", "trained_on": "2024-02-01"}, {"advisor_id": f"N{i}", "trained_on": None}]
    s = AnalysisSettings(window_months_before=1, window_months_after=1, exclude_training_month=False)
    df = training_impact(panel_frame(rows), advisors_frame(adv), None, ARGUED, s)
    r = cohort_row(df, "2024-02-01")
    assert (r["before_start"], r["before_end"]) == (mdate("2024-01"), pd.Timestamp("2024-01-31").date())
    assert (r["after_start"], r["after_end"]) == (mdate("2024-02"), pd.Timestamp("2024-02-29").date())
    assert r["plain_change"] == pytest.approx(0.10)
    assert not bool(r["exclude_training_month"])


def test_dip_months_shift_the_before_window():
    rows, adv = [], []
    for i in range(5):
        rows += argued_rows(f"T{i}", series("2023-01", "2025-06", lambda m: 2.0))
        adv.append({"advisor_id": f"T{i}", "trained_on": "2024-07-10"})
    df = training_impact(panel_frame(rows), advisors_frame(adv), None, ARGUED, AnalysisSettings(dip_months=2))
    r = cohort_row(df, "2024-07-01")
    assert (r["before_start"], r["before_end"]) == (mdate("2023-11"), pd.Timestamp("2024-04-30").date())
    assert (r["after_start"], r["after_end"]) == (mdate("2024-08"), pd.Timestamp("2025-01-31").date())


def test_controls_must_be_untrained_through_their_own_dip_window():
    # with dip_months=1, an advisor trained 2025-02 has its dip month 2025-01 = last after month
    rows, adv = [], []
    for a, t in (("T1", "2024-07-10"), ("X", "2025-02-10"), ("Y", "2025-03-10"), ("N", None)):
        rows += argued_rows(a, series("2023-07", "2025-12", lambda m: 2.0))
        adv.append({"advisor_id": a, "trained_on": t})
    members = training_impact_membership(panel_frame(rows), advisors_frame(adv), settings=AnalysisSettings(dip_months=1))
    c = members[(pd.to_datetime(members["cohort_month"]) == "2024-07-01") & (members["role"] == "comparison")]
    assert sorted(c["advisor_id"]) == ["N", "Y"]


def test_exclusion_reasons():
    rows, adv = [], []
    full = series("2023-07", "2025-12", lambda m: 2.0)
    for i in range(5):
        rows += argued_rows(f"S{i}", full)
        adv.append({"advisor_id": f"S{i}", "trained_on": "2024-07-10"})
    # joined: hired 2024-03-01, works from March
    rows += argued_rows("J", {m: v for m, v in full.items() if m >= mdate("2024-03")})
    adv.append({"advisor_id": "J", "trained_on": "2024-07-10", "hired_on": "2024-03-01"})
    # changed campaign: moves to campaign D from 2024-10
    rows += argued_rows("M", {m: v for m, v in full.items() if m < mdate("2024-10")})
    rows += argued_rows("M", {m: v for m, v in full.items() if m >= mdate("2024-10")}, campaign="D")
    adv.append({"advisor_id": "M", "trained_on": "2024-07-10"})
    # too few hours: 10 hours a month on C
    rows += argued_rows("F", full, hours=10)
    adv.append({"advisor_id": "F", "trained_on": "2024-07-10"})
    # left on 2024-09-30
    rows += argued_rows("L", {m: v for m, v in full.items() if m <= mdate("2024-09")})
    adv.append({"advisor_id": "L", "trained_on": "2024-07-10", "left_on": "2024-09-30"})
    # trained 2025-09: the after window runs past the data (ends 2025-12)
    rows += argued_rows("R", full)
    adv.append({"advisor_id": "R", "trained_on": "2025-09-05"})
    df = training_impact(panel_frame(rows), advisors_frame(adv), None, ARGUED)
    r = campaign_row(df[df["campaign_id"] == "C"])
    assert r["n_trained"] == 10 and r["n_stable"] == 5
    assert (r["n_excluded_left"], r["n_excluded_joined"], r["n_excluded_changed_campaign"],
            r["n_excluded_too_few_hours"], r["n_excluded_window_outside_data"]) == (1, 1, 1, 1, 1)
    late = cohort_row(df[df["campaign_id"] == "C"], "2025-09-01")
    assert bool(late["insufficient_data"]) and "beyond the data" in late["reason"]
    m = training_impact_membership(panel_frame(rows), advisors_frame(adv))
    ex = m[(m["campaign_id"] == "C") & (m["role"] == "excluded")].set_index("advisor_id")["reason"].to_dict()
    assert ex == {"J": "joined", "M": "changed_campaign", "F": "too_few_hours", "L": "left", "R": "window_outside_data"}


def test_events_overlapping_either_window_are_flagged():
    rows, adv = [], []
    for i in range(5):
        rows += argued_rows(f"T{i}", series("2023-07", "2025-06", lambda m: 2.0))
        adv.append({"advisor_id": f"T{i}", "trained_on": "2024-07-10"})
    events = pd.DataFrame(
        [
            {"event_id": "E1", "campaign_id": "C", "starts_on": "2024-03-15", "ends_on": "2024-03-15", "kind": "pay_scheme_change", "description": ""},
            {"event_id": "E2", "campaign_id": None, "starts_on": "2024-10-01", "ends_on": None, "kind": "price_change", "description": ""},
            {"event_id": "E3", "campaign_id": "D", "starts_on": "2024-03-01", "ends_on": "2024-04-01", "kind": "product_change", "description": ""},
            {"event_id": "E4", "campaign_id": "C", "starts_on": "2024-07-05", "ends_on": "2024-07-06", "kind": "outage", "description": ""},
            {"event_id": "E5", "campaign_id": "C", "starts_on": "2022-01-01", "ends_on": "2023-12-31", "kind": "marketing", "description": ""},
        ]
    )
    df = training_impact(panel_frame(rows), advisors_frame(adv), events, ARGUED)
    r = campaign_row(df)
    assert bool(r["event_in_window"])
    assert r["event_kinds"] == "pay_scheme_change;price_change"
    assert r["event_ids"] == "E1;E2"
    assert "event_in_window(pay_scheme_change;price_change)" in r["flags"]


# --- weighting ------------------------------------------------------------------------------
def weighting_case():
    rows = argued_rows("A", series("2023-07", "2025-06", lambda m: 1.0 if m < mdate("2024-07") else 1.2), hours=100)
    rows += argued_rows("B", series("2023-07", "2025-06", lambda m: 1.0), hours=300)
    rows += argued_rows("C1", series("2023-07", "2025-06", lambda m: 1.0), hours=100)
    rows += argued_rows("C2", series("2023-07", "2025-06", lambda m: 1.0), hours=200)
    adv = advisors_frame(
        [{"advisor_id": "A", "trained_on": "2024-06-10"}, {"advisor_id": "B", "trained_on": "2024-06-10"},
         {"advisor_id": "C1", "trained_on": None}, {"advisor_id": "C2", "trained_on": None}]
    )
    return panel_frame(rows), adv


def test_weighting_by_denominator_pools_like_the_plain_figure():
    # pooled after = (1.2 * 100 + 1.0 * 300) / 400 = 1.05 -> +5%
    df = training_impact(*weighting_case(), None, ARGUED, AnalysisSettings(min_group_size=2))
    r = campaign_row(df)
    assert r["weighting"] == "denominator"
    assert r["adjusted_lift"] == pytest.approx(0.05)
    assert r["plain_change"] == pytest.approx(0.05)


def test_weighting_equal_averages_advisor_log_changes():
    # mean(ln 1.2, ln 1.0) -> exp(.) - 1 = sqrt(1.2) - 1 = +9.545%
    df = training_impact(*weighting_case(), None, ARGUED, AnalysisSettings(min_group_size=2, weighting="equal"))
    r = campaign_row(df)
    assert r["adjusted_lift"] == pytest.approx(np.sqrt(1.2) - 1)
    assert r["plain_change"] == pytest.approx(0.05)  # plain stays the users' pooled figure


# --- pre-trend ------------------------------------------------------------------------------
def pretrend_case(jump):
    rows, adv = [], []
    for i in range(6):
        j = jump + 0.01 * (i - 2.5)

        def t(m, j=j, i=i):
            if m < mdate("2024-04"):
                return 2.0 + 0.02 * i
            return 2.0 + 0.02 * i + j

        rows += argued_rows(f"T{i}", series("2023-07", "2025-06", t))
        rows += argued_rows(f"N{i}", series("2023-07", "2025-06", lambda m, i=i: 2.0 + 0.02 * i + (0.005 * (i - 2.5) if m >= mdate("2024-04") else 0)))
        adv += [{"advisor_id": f"T{i}", "trained_on": "2024-07-10"}, {"advisor_id": f"N{i}", "trained_on": None}]
    return panel_frame(rows), advisors_frame(adv)


def test_pretrend_failed_when_treated_already_diverging():
    # before window 2024-01..06: early half Jan-Mar, late half Apr-Jun; treated jump by ~0.2
    r = campaign_row(training_impact(*pretrend_case(0.2), None, ARGUED))
    assert bool(r["pretrend_failed"])
    assert r["pretrend_p_value"] < 0.05
    assert r["pretrend_estimate"] > 0.05
    assert "pre-trend" in r["reason"]
    assert "pretrend_failed" in r["flags"].split(";")


def test_pretrend_passes_on_parallel_groups():
    r = campaign_row(training_impact(*pretrend_case(0.0), None, ARGUED))
    assert pd.notna(r["pretrend_failed"]) and not bool(r["pretrend_failed"])
    assert r["pretrend_p_value"] > 0.05


# --- points-scale indicators (NPS) ----------------------------------------------------------
def test_nps_is_compared_in_points():
    rows, adv = [], []
    for i, o in enumerate([-1, 0, 1, -1, 0, 1]):
        for m in months("2023-07", "2025-06"):
            after = m >= mdate("2024-07")
            rows.append({"advisor_id": f"T{i}", "campaign_id": "C", "month": m, "hours": 100,
                         "nps_answers": 50, "nps_net_promoters": (10 if after else 5) + o})
            rows.append({"advisor_id": f"N{i}", "campaign_id": "C", "month": m, "hours": 100,
                         "nps_answers": 50, "nps_net_promoters": (6 if after else 5) + (o if after else 0)})
        adv += [{"advisor_id": f"T{i}", "trained_on": "2024-06-10"}, {"advisor_id": f"N{i}", "trained_on": None}]
    df = training_impact(panel_frame(rows), advisors_frame(adv), None, registry("nps"))
    r = campaign_row(df)
    # NPS 10 -> 20 for trained, 10 -> 12 for the comparison: +8 points
    assert r["effect_scale"] == "points"
    assert r["plain_before"] == pytest.approx(10) and r["plain_after"] == pytest.approx(20)
    assert r["plain_change"] == pytest.approx(10)
    assert r["adjusted_lift"] == pytest.approx(8)


# --- family and output contract -------------------------------------------------------------
def test_q_values_over_the_declared_family_and_columns():
    from test_analysis_helpers import simulate_panel

    parts = [simulate_panel(seed, effect=e, n_advisors=60, n_never=20, campaign_id=f"S{seed}") for seed, e in ((1, 0.0), (2, 0.1), (3, 0.0))]
    panel = pd.concat([p for p, _ in parts], ignore_index=True)
    adv = pd.concat([a.assign(advisor_id=lambda d, k=k: f"S{k}_" + d["advisor_id"]) for k, (_, a) in zip((1, 2, 3), parts)], ignore_index=True)
    panel["advisor_id"] = panel["campaign_id"].str.replace("S", "S", regex=False) + "_" + panel["advisor_id"]
    df = training_impact(panel, adv, None, ARGUED)
    assert list(df.columns) == list(TRAINING_IMPACT_COLUMNS)
    camp = df[df["level"] == "campaign"]
    assert len(camp) == 3
    assert set(camp["fdr_family"]) == {"training_impact: all campaign x indicator rows of this run"}
    assert set(camp["fdr_family_size"]) == {3}
    assert camp["adjusted_q_value"].to_numpy() == pytest.approx(benjamini_hochberg(camp["adjusted_p_value"].to_numpy()))
    coh = df[df["level"] == "cohort"]
    assert set(coh["fdr_family"]) == {"training_impact: all campaign x indicator x training-cohort rows of this run"}
    s2 = camp.set_index("campaign_id")
    assert s2.loc["S2", "adjusted_lift_ci_low"] < 0.10 < s2.loc["S2", "adjusted_lift_ci_high"]
    assert bool(s2.loc["S2", "significant"])


def test_registry_objects_are_accepted():
    indicators = pytest.importorskip("dagster_project.indicators")
    reg = [i for i in indicators.load_registry() if i.code == "average_handle_seconds"]
    panel, adv = case02()
    a = training_impact(panel, adv, None, reg, AnalysisSettings(min_group_size=1))
    b = training_impact(panel, adv, None, AHT, AnalysisSettings(min_group_size=1))
    pd.testing.assert_frame_equal(a, b)


def test_missing_component_column_is_an_error():
    panel, adv = case02()
    with pytest.raises(ValueError, match="argued_contacts"):
        training_impact(panel, adv, None, ARGUED)
