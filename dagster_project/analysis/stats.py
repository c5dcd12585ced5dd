"""Small statistics toolkit of the analyses (in the spirit of GrowthBook's gbstats).

Everything here is pure numpy/scipy on arrays, one value per advisor: the advisor is the unit
of variance everywhere (never an hour or a contact).

Building blocks
---------------
* ``GroupStat``: one statistic of one group of advisors (a pooled level, or a change between
  two windows for the same advisors) together with its per-advisor influence values ``psi``
  (centred, mean 0). Its variance is the sample variance of ``psi`` (n - 1) divided by n,
  i.e. the delta-method variance with the advisor as the unit.
* ``combine``: a linear combination of GroupStats (a difference in differences, a weighted
  sum over training cohorts or campaigns). Influence values are summed per advisor before
  squaring, so an advisor who appears in several terms (a control of two cohorts, the same
  advisor on two campaigns) is one cluster: the variance is cluster-robust by advisor. For a
  single treated-minus-control contrast it is exactly the Welch two-sample variance and
  the degrees of freedom are Welch-Satterthwaite's.
* ``t_inference``: CI and two-sided p-value from a Student t with those degrees of freedom.
* ``benjamini_hochberg``: q-values over a family, NaN p-values left out of the family.

Transforms
----------
``"log"``: the statistic of a pooled ratio R = sum(num) / sum(den) is ln R; effects are
reported as exp(effect) - 1 (a relative lift). ``"identity"``: the statistic is scale * R,
effects are differences in indicator units (points), used when an indicator can be zero or
negative as a pooled value (e.g. NPS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import special as _sp
from scipy import stats as _st

LOG = "log"
IDENTITY = "identity"


# ----------------------------------------------------------------------------------------
# Multiple testing
# ----------------------------------------------------------------------------------------
def benjamini_hochberg(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values (step-up, monotone, capped at 1).

    NaN / None p-values are not part of the family: they do not count in m and get a NaN
    q-value. The order of the input is preserved.
    """
    p = np.asarray(pd_to_float(pvalues), dtype=float)
    q = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m == 0:
        return q
    if np.any((p[ok] < 0) | (p[ok] > 1)):
        raise ValueError("p-values must be in [0, 1]")
    pv = p[ok]
    order = np.argsort(pv, kind="mergesort")
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    q[ok] = out
    return q


def pd_to_float(values) -> list[float]:
    """None / pd.NA -> NaN, everything else float."""
    out = []
    for v in values:
        try:
            out.append(float(v) if v is not None else np.nan)
        except (TypeError, ValueError):
            out.append(np.nan)
    return out


# ----------------------------------------------------------------------------------------
# Ratio of sums
# ----------------------------------------------------------------------------------------
def ratio_of_sums(num: np.ndarray, den: np.ndarray) -> float:
    """Pooled ratio sum(num) / sum(den) (NaN when the denominator sums to 0)."""
    d = float(np.sum(den))
    return float(np.sum(num)) / d if d != 0 else float("nan")


def ratio_of_sums_se(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """Pooled ratio and its delta-method standard error, the advisor as the unit.

    R = sum(N) / sum(D); Var(R) = s^2(N_i - R * D_i) / (n * mean(D)^2), sample variance with
    n - 1. Case 03: (42/220, 0.0797) for three advisors, (0.13, 0.0100) for two.
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    n = len(num)
    r = ratio_of_sums(num, den)
    if n < 2 or not np.isfinite(r):
        return r, float("nan")
    resid = num - r * den
    var = np.sum(resid**2) / (n - 1) / (n * np.mean(den) ** 2)
    return r, float(np.sqrt(var))


# ----------------------------------------------------------------------------------------
# Welch
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WelchResult:
    difference: float  # mean(x) - mean(y)
    se: float
    df: float
    p_value: float


def welch(x: Sequence[float], y: Sequence[float]) -> WelchResult:
    """Welch two-sample comparison of means (unequal variances, Satterthwaite df)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    vx = np.var(x, ddof=1) / len(x)
    vy = np.var(y, ddof=1) / len(y)
    se = float(np.sqrt(vx + vy))
    df = float((vx + vy) ** 2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1))) if se > 0 else float("nan")
    diff = float(np.mean(x) - np.mean(y))
    p = float(2 * _st.t.sf(abs(diff / se), df)) if se > 0 else float("nan")
    return WelchResult(diff, se, df, p)


# ----------------------------------------------------------------------------------------
# Group statistics with influence values
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GroupStat:
    """A statistic of one group of advisors with centred per-advisor influence values."""

    ids: np.ndarray
    estimate: float
    psi: np.ndarray
    n_dropped: int = 0
    problem: str | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def valid(self) -> bool:
        return self.problem is None and self.n >= 1 and np.isfinite(self.estimate)

    @property
    def variance(self) -> float:
        if not self.valid or self.n < 2:
            return float("nan")
        return float(np.sum(self.psi**2) / (self.n * (self.n - 1)))


def _invalid(ids, problem: str, n_dropped: int = 0) -> GroupStat:
    return GroupStat(np.asarray(ids, dtype=object), float("nan"), np.zeros(len(ids)), n_dropped, problem)


def level_stat(ids, num, den, transform: str = LOG, scale: float = 1.0) -> GroupStat:
    """Pooled level of a group in one window: ln R (log) or scale * R (identity)."""
    ids = np.asarray(ids, dtype=object)
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    n = len(ids)
    if n == 0:
        return _invalid(ids, "empty group")
    sn, sd = num.sum(), den.sum()
    if sd <= 0:
        return _invalid(ids, "no volume (denominator sums to 0)")
    r = sn / sd
    if transform == LOG:
        if sn <= 0 or r <= 0:
            return _invalid(ids, "pooled value is 0 or negative: relative change undefined")
        psi = n * (num / sn - den / sd)
        return GroupStat(ids, float(np.log(r)), psi - psi.mean())
    if transform == IDENTITY:
        psi = scale * (num - r * den) / den.mean()
        return GroupStat(ids, float(scale * r), psi - psi.mean())
    raise ValueError(f"unknown transform {transform!r}")


def change_stat(
    ids,
    num_after,
    den_after,
    num_before,
    den_before,
    transform: str = LOG,
    weighting: str = "denominator",
    scale: float = 1.0,
) -> GroupStat:
    """Change of a group's indicator between two windows, the same advisors in both.

    weighting="denominator": f(pooled after) - f(pooled before), f = ln or scale * x; the
    influence value of an advisor is its after influence minus its before influence.
    weighting="equal": mean over advisors of f(advisor ratio after) - f(advisor ratio before);
    advisors whose ratio cannot be transformed (0 or undefined) are dropped (n_dropped).
    """
    ids = np.asarray(ids, dtype=object)
    na, da, nb, db = (np.asarray(a, dtype=float) for a in (num_after, den_after, num_before, den_before))
    if weighting == "denominator":
        after = level_stat(ids, na, da, transform, scale)
        before = level_stat(ids, nb, db, transform, scale)
        if not after.valid:
            return _invalid(ids, f"after window: {after.problem}")
        if not before.valid:
            return _invalid(ids, f"before window: {before.problem}")
        psi = after.psi - before.psi
        return GroupStat(
            ids,
            after.estimate - before.estimate,
            psi - psi.mean(),
            extra={"after": after.estimate, "before": before.estimate},
        )
    if weighting == "equal":
        with np.errstate(divide="ignore", invalid="ignore"):
            ra, rb = na / da, nb / db
            if transform == LOG:
                d = np.log(ra) - np.log(rb)
            elif transform == IDENTITY:
                d = scale * (ra - rb)
            else:
                raise ValueError(f"unknown transform {transform!r}")
        keep = np.isfinite(d)
        dropped = int((~keep).sum())
        if keep.sum() == 0:
            return _invalid(ids, "no advisor with a usable ratio in both windows", dropped)
        d = d[keep]
        return GroupStat(ids[keep], float(d.mean()), d - d.mean(), n_dropped=dropped)
    raise ValueError(f"unknown weighting {weighting!r}")


# ----------------------------------------------------------------------------------------
# Linear combinations, cluster-robust by advisor
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Combined:
    estimate: float
    se: float  # NaN when a term has fewer than 2 advisors
    df: float
    n_clusters: int  # distinct advisors over all terms


def combine(terms: Sequence[tuple[float, GroupStat]]) -> Combined:
    """sum_k c_k * stat_k with a cluster-robust (by advisor id) variance.

    Each term's influence values are scaled by c_k / sqrt(n_k (n_k - 1)) (so that one term
    alone gives its sample-variance-based variance) and summed per advisor id; the variance
    is the sum of squares of these per-advisor totals. Degrees of freedom:
    Welch-Satterthwaite over the terms' variance components (exact Welch for one
    treated-minus-control contrast).
    """
    if not terms:
        return Combined(float("nan"), float("nan"), float("nan"), 0)
    estimate = float(sum(c * s.estimate for c, s in terms))
    all_ids = np.concatenate([np.asarray(s.ids, dtype=object) for _, s in terms])
    keys, inverse = np.unique(all_ids.astype(str), return_inverse=True)
    if any(s.n < 2 for _, s in terms):
        return Combined(estimate, float("nan"), float("nan"), len(keys))
    contrib = np.concatenate([c / np.sqrt(s.n * (s.n - 1)) * np.asarray(s.psi, dtype=float) for c, s in terms])
    per_advisor = np.bincount(inverse, weights=contrib, minlength=len(keys))
    var = float(np.sum(per_advisor**2))
    comps = [(c * c * s.variance, s.n) for c, s in terms]
    num = sum(v for v, _ in comps) ** 2
    den = sum(v * v / (n - 1) for v, n in comps)
    df = float(num / den) if den > 0 else float("inf")
    return Combined(estimate, float(np.sqrt(var)), df, len(keys))


@dataclass(frozen=True)
class TestResult:
    ci_low: float
    ci_high: float
    p_value: float


def t_inference(estimate: float, se: float, df: float, alpha: float) -> TestResult:
    """Two-sided CI (1 - alpha) and p-value from a Student t (normal when df is infinite).

    A p-value that underflows is reported as 1e-16 (never exactly 0).
    """
    if not (np.isfinite(estimate) and np.isfinite(se) and se > 0):
        return TestResult(float("nan"), float("nan"), float("nan"))
    z = abs(estimate) / se
    if np.isfinite(df):
        d = max(float(df), 1.0)
        crit = float(_sp.stdtrit(d, 1 - alpha / 2))
        p = float(2 * _sp.stdtr(d, -z))
    else:
        crit = float(_sp.ndtri(1 - alpha / 2))
        p = float(2 * _sp.ndtr(-z))
    return TestResult(estimate - crit * se, estimate + crit * se, max(p, 1e-16))


def to_effect(value: float, transform: str) -> float:
    """Log-scale statistic -> relative lift exp(x) - 1; identity -> unchanged."""
    if value is None or not np.isfinite(value):
        return float("nan")
    return float(np.expm1(value)) if transform == LOG else float(value)
