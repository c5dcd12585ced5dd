"""Statistics helpers: hand-worked values (cases 03, 06) and independent references (scipy)."""

import numpy as np
import pytest
from scipy import stats as st

from dagster_project.analysis.stats import (
    GroupStat,
    benjamini_hochberg,
    change_stat,
    combine,
    level_stat,
    ratio_of_sums,
    ratio_of_sums_se,
    t_inference,
    welch,
)


# --- case 06: Benjamini-Hochberg over a declared family ------------------------------------
def test_case06_benjamini_hochberg_q_values():
    p = [0.001, 0.012, 0.03, 0.04, 0.2, 0.5, 0.7, 0.9]
    q = benjamini_hochberg(p)
    assert np.round(q, 3).tolist() == [0.008, 0.048, 0.08, 0.08, 0.32, 0.667, 0.8, 0.9]
    assert int((q < 0.05).sum()) == 2  # two findings at 5%
    assert int((np.array(p) < 0.05).sum()) == 4  # four if uncorrected


def test_bh_keeps_order_and_leaves_nan_out_of_the_family():
    # family of 2: 0.04 -> 0.04 * 2 / 2; 0.01 -> 0.01 * 2 / 1
    q = benjamini_hochberg([0.04, np.nan, 0.01, None])
    assert q[0] == pytest.approx(0.04)
    assert q[2] == pytest.approx(0.02)
    assert np.isnan(q[1]) and np.isnan(q[3])
    assert np.isnan(benjamini_hochberg([np.nan])).all()
    assert benjamini_hochberg([]).shape == (0,)


def test_bh_is_monotone_step_up():
    # 0.9 * 3 / 1 = 2.7 and 0.95 * 3 / 2 = 1.425 are lowered to 0.99 by the step-up minimum
    q = benjamini_hochberg([0.9, 0.95, 0.99])
    assert q == pytest.approx([0.99, 0.99, 0.99])


# --- case 03: ratio of sums, advisor as the unit -------------------------------------------
ADOPTERS = dict(num=[10, 30, 2], den=[100, 100, 20])
REST = dict(num=[12, 14], den=[100, 100])


def test_case03_ratio_of_sums_not_mean_of_ratios():
    r = ratio_of_sums(**ADOPTERS)
    assert r == pytest.approx(42 / 220)
    assert round(r, 4) == 0.1909
    assert round(float(np.mean(np.divide(ADOPTERS["num"], ADOPTERS["den"]))), 4) == 0.1667  # the wrong one
    assert ratio_of_sums(**REST) == pytest.approx(0.13)
    assert ratio_of_sums(**ADOPTERS) / ratio_of_sums(**REST) - 1 == pytest.approx(0.469, abs=5e-4)


def test_case03_delta_method_standard_errors():
    r, se = ratio_of_sums_se(**ADOPTERS)
    assert round(se, 4) == 0.0797
    r2, se2 = ratio_of_sums_se(**REST)
    assert round(se2, 4) == 0.0100
    # log scale: SE(ln R) = SE(R) / R
    la = level_stat(["a1", "a2", "a3"], ADOPTERS["num"], ADOPTERS["den"])
    assert la.n == 3  # group size in advisors, never hours
    assert np.sqrt(la.variance) == pytest.approx(se / r, rel=1e-9)
    # identity scale: SE(R) itself
    li = level_stat(["a1", "a2", "a3"], ADOPTERS["num"], ADOPTERS["den"], transform="identity")
    assert np.sqrt(li.variance) == pytest.approx(se, rel=1e-9)


# --- Welch and the cluster-robust combination ---------------------------------------------
def test_welch_matches_scipy():
    x = [0.1, 0.3, -0.2, 0.05, 0.4]
    y = [0.0, -0.1, 0.2, 0.15]
    w = welch(x, y)
    ref = st.ttest_ind(x, y, equal_var=False)
    assert w.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    assert w.difference / w.se == pytest.approx(ref.statistic, rel=1e-10)


def test_single_contrast_reduces_to_welch():
    # equal weighting: advisor log changes; the contrast must be exactly Welch's
    rng = np.random.default_rng(1)
    ra_t, rb_t = rng.uniform(1, 2, 7), rng.uniform(1, 2, 7)
    ra_c, rb_c = rng.uniform(1, 2, 5), rng.uniform(1, 2, 5)
    ones_t, ones_c = np.ones(7), np.ones(5)
    T = change_stat([f"t{i}" for i in range(7)], ra_t, ones_t, rb_t, ones_t, weighting="equal")
    C = change_stat([f"c{i}" for i in range(5)], ra_c, ones_c, rb_c, ones_c, weighting="equal")
    comb = combine([(1.0, T), (-1.0, C)])
    dt, dc = np.log(ra_t) - np.log(rb_t), np.log(ra_c) - np.log(rb_c)
    ref = st.ttest_ind(dt, dc, equal_var=False)
    assert comb.estimate == pytest.approx(dt.mean() - dc.mean())
    assert comb.estimate / comb.se == pytest.approx(ref.statistic, rel=1e-10)
    res = t_inference(comb.estimate, comb.se, comb.df, 0.05)
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-8)


def test_combine_clusters_by_advisor():
    # each term alone: variance = (1 + 1) / (2 * 1) = 1
    g1 = GroupStat(np.array(["a", "b"], dtype=object), 0.0, np.array([1.0, -1.0]))
    g2 = GroupStat(np.array(["a", "b"], dtype=object), 0.0, np.array([1.0, -1.0]))
    g3 = GroupStat(np.array(["a", "b"], dtype=object), 0.0, np.array([-1.0, 1.0]))
    g4 = GroupStat(np.array(["c", "d"], dtype=object), 0.0, np.array([1.0, -1.0]))
    assert combine([(1.0, g1)]).se == pytest.approx(1.0)
    # same advisors moving together: per-advisor totals sqrt(2), -sqrt(2) -> variance 4
    assert combine([(1.0, g1), (1.0, g2)]).se == pytest.approx(2.0)
    # same advisors moving in opposite directions cancel
    assert combine([(1.0, g1), (1.0, g3)]).se == pytest.approx(0.0, abs=1e-12)
    # different advisors: independent, variance 1 + 1
    assert combine([(1.0, g1), (1.0, g4)]).se == pytest.approx(np.sqrt(2))


def test_combine_single_advisor_group_has_no_se():
    g = GroupStat(np.array(["a"], dtype=object), 0.1, np.array([0.0]))
    h = GroupStat(np.array(["b", "c"], dtype=object), 0.0, np.array([1.0, -1.0]))
    c = combine([(1.0, g), (-1.0, h)])
    assert c.estimate == pytest.approx(0.1)
    assert np.isnan(c.se)


def test_case07_additive_version_is_minus_ten_seconds():
    # identity transform: (330 - 360) - (335 - 355) = -10 s (the log version is case 07's test)
    ids = ["x", "y"]
    vol = np.array([100.0, 100.0])
    T = change_stat(ids, np.array([320, 340]) * vol, vol, np.array([350, 370]) * vol, vol, transform="identity")
    C = change_stat(["u", "v"], np.array([325, 345]) * vol, vol, np.array([345, 365]) * vol, vol, transform="identity")
    assert combine([(1.0, T), (-1.0, C)]).estimate == pytest.approx(-10.0)


def test_log_change_of_zero_pooled_value_is_not_computed():
    g = change_stat(["a", "b"], [0, 0], [10, 10], [1, 2], [10, 10])
    assert not g.valid and "after window" in g.problem


def test_p_value_is_never_exactly_zero():
    assert t_inference(50.0, 0.01, 1000, 0.05).p_value == 1e-16
    assert np.isnan(t_inference(0.0, 0.0, 10, 0.05).p_value)
