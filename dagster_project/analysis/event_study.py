"""analysis.impact_by_month_since_training: the event-study curve, per campaign x indicator.

Relative month k (settings.event_study_months, default -6..+12; 0 = training month). For each
training cohort g, the reference is the cohort's before window (settings.window_months_before
months ending before the dip window), and month k is the calendar month g + k.

Plain: trained advisors with >= min_hours_per_month in every reference month and in month k;
their pooled ratio at month k vs their pooled ratio over the reference window (all cohorts
pooled, each advisor at its own k), as % change, with a delta-method CI.
Adjusted: the same advisors vs comparison advisors of the same campaign in the same calendar
months, not yet trained by month max(g, g + k) plus the dip window, or never trained, with the
same hours rule: change(treated) - change(comparison) on the log scale, cohorts averaged
with weights = treated advisors (cohorts with >= 2 advisors in each group), cluster-robust by
advisor. Points in the reference window show pre-trends (they compare a reference month with
the reference mean). CIs and p-values are pointwise (no multiple-testing correction: it is a
curve to look at, not a family of findings).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .effects import effect_column_types, finalize, make_effect
from .panel import (
    build_campaign_panels,
    campaign_cohorts,
    cohort_windows,
    effect_scale,
    normalize_registry,
    required_columns,
    transform_for,
)
from .settings import DEFAULT_SETTINGS, AnalysisSettings
from .stats import change_stat, combine

EVENT_STUDY_COLUMNS: dict[str, str] = {
    "campaign_id": "VARCHAR",
    "indicator": "VARCHAR",
    "direction": "VARCHAR",
    "effect_scale": "VARCHAR",
    "relative_month": "INTEGER",
    "in_reference_window": "BOOLEAN",
    "n_cohorts": "INTEGER",
    "n_treated": "INTEGER",
    "n_comparison": "INTEGER",
    "plain_reference": "DOUBLE",
    "plain_value": "DOUBLE",
    "plain_change": "DOUBLE",
    "plain_change_ci_low": "DOUBLE",
    "plain_change_ci_high": "DOUBLE",
    "plain_improvement": "DOUBLE",
    **effect_column_types("adjusted"),
    "insufficient_data": "BOOLEAN",
    "zero_variance": "BOOLEAN",
    "reason": "VARCHAR",
}


def _month_and_reference(num, den, rows, col, ref):
    """(numerator, denominator) in month column `col`, and summed over the reference slice."""
    return num[rows, col], den[rows, col], num[rows, ref].sum(axis=1), den[rows, ref].sum(axis=1)


def impact_by_month_since_training(
    panel: pd.DataFrame,
    advisors: pd.DataFrame,
    registry,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
) -> pd.DataFrame:
    """See the module docstring; columns: EVENT_STUDY_COLUMNS."""
    specs = normalize_registry(registry)
    cps = build_campaign_panels(panel, advisors, required_columns(specs), settings)
    k0, k1 = settings.event_study_months
    rows = []
    for cid, cp in cps.items():
        cohorts = campaign_cohorts(cp, settings)
        if not cohorts:
            continue
        # populations depend on hours only: once per campaign x cohort x relative month
        plan: dict[int, list] = {k: [] for k in range(k0, k1 + 1)}
        for g in cohorts:
            ref = cohort_windows(g, settings).before_months
            if not cp.in_data(ref[0], ref[-1]):
                continue
            ok_ref = cp.enough_hours(ref, settings.min_hours_per_month)
            rs = slice(ref[0] - cp.m0, ref[-1] - cp.m0 + 1)
            for k in range(k0, k1 + 1):
                m = g + k
                if not cp.m0 <= m <= cp.m1:
                    continue
                ok = ok_ref & (cp.hours[:, m - cp.m0] >= settings.min_hours_per_month)
                t_rows = np.flatnonzero((cp.train_month == g) & ok)
                c_rows = np.flatnonzero((cp.train_month > max(g, m) + settings.dip_months) & ok)
                if len(t_rows):
                    plan[k].append((m, rs, t_rows, c_rows))
        for spec in specs:
            if cp.comps[spec.denominator].sum() <= 0:
                continue
            transform = transform_for(spec, panel)
            num, den = cp.comps[spec.numerator], cp.comps[spec.denominator]
            for k in range(k0, k1 + 1):
                treated_terms, control_terms = [], []
                plain_parts = []  # (ids, nm, dm, nr, dr)
                for m, rs, t_rows, c_rows in plan[k]:
                    tn, td, trn, trd = _month_and_reference(num, den, t_rows, m - cp.m0, rs)
                    plain_parts.append((cp.advisor_ids[t_rows], tn, td, trn, trd))
                    if len(c_rows):
                        T = change_stat(cp.advisor_ids[t_rows], tn, td, trn, trd, transform, settings.weighting, spec.scale)
                        cn, cd, crn, crd = _month_and_reference(num, den, c_rows, m - cp.m0, rs)
                        C = change_stat(cp.advisor_ids[c_rows], cn, cd, crn, crd, transform, settings.weighting, spec.scale)
                        if T.valid and C.valid:
                            treated_terms.append(T)
                            control_terms.append(C)
                if not plain_parts:
                    continue
                row = {
                    "campaign_id": cid,
                    "indicator": spec.code,
                    "direction": spec.direction,
                    "effect_scale": effect_scale(transform),
                    "relative_month": k,
                    "in_reference_window": -settings.dip_months - settings.window_months_before <= k <= -settings.dip_months - 1,
                }
                notes = []
                ids = np.concatenate([p[0] for p in plain_parts])
                nm, dm, nr, dr = (np.concatenate([p[j] for p in plain_parts]) for j in range(1, 5))
                row["plain_value"] = spec.scale * nm.sum() / dm.sum() if dm.sum() > 0 else np.nan
                row["plain_reference"] = spec.scale * nr.sum() / dr.sum() if dr.sum() > 0 else np.nan
                P = change_stat(ids, nm, dm, nr, dr, transform, "denominator", spec.scale)
                if P.valid:
                    pe = make_effect(combine([(1.0, P)]), transform, spec.sign, [("trained group", P.n)], settings, "plain")
                    row |= {
                        "plain_change": pe.lift,
                        "plain_change_ci_low": pe.lift_ci_low,
                        "plain_change_ci_high": pe.lift_ci_high,
                        "plain_improvement": pe.improvement,
                    }
                # adjusted: estimable cohorts (>= 2 in both groups), else point estimate only
                pairs = list(zip(treated_terms, control_terms))
                use = [(t, c) for t, c in pairs if t.n >= 2 and c.n >= 2] or pairs
                row["n_cohorts"] = len(use)
                row["n_treated"] = sum(t.n for t, _ in use) if use else int(len(ids))
                row["n_comparison"] = len({i for _, c in use for i in c.ids.tolist()})
                if use:
                    total = sum(t.n for t, _ in use)
                    terms = []
                    for t, c in use:
                        terms += [(t.n / total, t), (-t.n / total, c)]
                    eff = make_effect(
                        combine(terms), transform, spec.sign,
                        [("trained group", row["n_treated"]), ("comparison group", row["n_comparison"])], settings,
                    )
                    notes += eff.notes
                    row |= eff.columns("adjusted") | {"insufficient_data": eff.insufficient, "zero_variance": eff.zero_variance}
                else:
                    notes.append("no comparison group in these calendar months")
                    row["insufficient_data"] = True
                row["reason"] = "; ".join(notes) or None
                rows.append(row)
    return finalize(rows, EVENT_STUDY_COLUMNS)
