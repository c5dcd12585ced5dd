"""analysis.training_impact: 6 months before vs 6 months after training, plain and adjusted.

One row per campaign x indicator (level = 'campaign') and per campaign x indicator x
training cohort (level = 'cohort'; cohort = the training month).

Plain (exactly the users' figure)
    Stable population: trained advisors of the campaign with >= min_hours_per_month on the
    campaign in every month of both windows. Pooled ratio of sums over the before window vs
    the after window (each advisor's windows are relative to its own training month), %
    change, and the signed improvement (lower-is-better flips the sign).

Adjusted (staggered difference in differences, Callaway-Sant'Anna style, log scale)
    For each cohort g: treated = its stable advisors; comparison = stable advisors of the
    same campaign not yet trained by the end of the after window (plus their own dip window)
    or never trained, over the same calendar months. Already-trained advisors are never
    controls. Per group, the change is ln(pooled ratio after) - ln(pooled ratio before)
    (weighting='denominator', default: an advisor weighs by its volume, as in the plain
    figure) or the mean of advisor log changes (weighting='equal').
    ATT_g = change(treated) - change(comparison); the campaign figure is the average of
    ATT_g weighted by the number of treated advisors, over cohorts with >= 2 advisors in
    each group. Variance: influence values summed per advisor (cluster-robust by advisor;
    for one cohort exactly Welch), Student t with Welch-Satterthwaite df. Reported as
    lift = exp(ATT) - 1 with the CI transformed the same way. Indicators whose pooled value
    can be 0 or negative (unit 'score', e.g. NPS) are compared in indicator units
    (effect_scale = 'points').
    Pre-trend: the same estimator on the before window split in halves (late half vs early
    half); pretrend_failed when its p-value < pretrend_alpha.
    q-values: Benjamini-Hochberg over the campaign rows of the run (settings.fdr_family),
    and separately over the cohort rows (settings.fdr_family_cohorts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .effects import add_q_values, effect_column_types, finalize, make_effect, q_value_column_types
from .panel import (
    EXCLUSION_REASONS,
    Cohort,
    CampaignPanel,
    IndicatorSpec,
    build_campaign_panels,
    campaign_cohorts,
    cohort_populations,
    cohort_windows,
    effect_scale,
    events_overlapping,
    month_start,
    normalize_registry,
    required_columns,
    transform_for,
)
from .settings import DEFAULT_SETTINGS, AnalysisSettings
from .stats import GroupStat, change_stat, combine

TRAINING_IMPACT_COLUMNS: dict[str, str] = {
    "level": "VARCHAR",
    "campaign_id": "VARCHAR",
    "indicator": "VARCHAR",
    "direction": "VARCHAR",
    "effect_scale": "VARCHAR",
    "cohort_month": "DATE",
    "n_cohorts": "INTEGER",
    "n_cohorts_adjusted": "INTEGER",
    "before_start": "DATE",
    "before_end": "DATE",
    "after_start": "DATE",
    "after_end": "DATE",
    "n_trained": "INTEGER",
    "n_stable": "INTEGER",
    "n_comparison": "INTEGER",
    "n_treated_adjusted": "INTEGER",
    "n_excluded_left": "INTEGER",
    "n_excluded_joined": "INTEGER",
    "n_excluded_changed_campaign": "INTEGER",
    "n_excluded_too_few_hours": "INTEGER",
    "n_excluded_window_outside_data": "INTEGER",
    "plain_before": "DOUBLE",
    "plain_after": "DOUBLE",
    "plain_change": "DOUBLE",
    "plain_change_ci_low": "DOUBLE",
    "plain_change_ci_high": "DOUBLE",
    "plain_improvement": "DOUBLE",
    "plain_improvement_ci_low": "DOUBLE",
    "plain_improvement_ci_high": "DOUBLE",
    "comparison_before": "DOUBLE",
    "comparison_after": "DOUBLE",
    "comparison_change": "DOUBLE",
    **effect_column_types("adjusted"),
    **q_value_column_types(),
    "pretrend_estimate": "DOUBLE",
    "pretrend_p_value": "DOUBLE",
    "pretrend_failed": "BOOLEAN",
    "event_in_window": "BOOLEAN",
    "event_kinds": "VARCHAR",
    "event_ids": "VARCHAR",
    "insufficient_data": "BOOLEAN",
    "zero_variance": "BOOLEAN",
    "no_comparison_group": "BOOLEAN",
    "flags": "VARCHAR",  # the set flags, ';'-joined (for display); NULL when none
    "reason": "VARCHAR",
    "weighting": "VARCHAR",
    "window_months_before": "INTEGER",
    "window_months_after": "INTEGER",
    "exclude_training_month": "BOOLEAN",
    "dip_months": "INTEGER",
    "min_hours_per_month": "DOUBLE",
    "min_group_size": "INTEGER",
}

MEMBERSHIP_COLUMNS: dict[str, str] = {
    "campaign_id": "VARCHAR",
    "cohort_month": "DATE",
    "advisor_id": "VARCHAR",
    "role": "VARCHAR",  # treated | comparison | excluded
    "reason": "VARCHAR",  # exclusion reason for role = excluded
}


# ----------------------------------------------------------------------------------------
# Per-group statistics
# ----------------------------------------------------------------------------------------
def _sums(cp: CampaignPanel, rows: np.ndarray, spec: IndicatorSpec, first: int, last: int):
    return (
        cp.window_sum(spec.numerator, first, last, rows),
        cp.window_sum(spec.denominator, first, last, rows),
    )


def _change(cp, rows, spec, after, before, transform, weighting) -> GroupStat:
    na, da = _sums(cp, rows, spec, *after)
    nb, db = _sums(cp, rows, spec, *before)
    return change_stat(cp.advisor_ids[rows], na, da, nb, db, transform, weighting, spec.scale)


def _pooled(cp, rows, spec, rng) -> float:
    n, d = _sums(cp, rows, spec, *rng)
    return spec.scale * n.sum() / d.sum() if d.sum() > 0 else float("nan")


def _halves(before: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    length = before[1] - before[0] + 1
    h = length // 2
    if h < 1:
        return None
    return (before[0], before[0] + h - 1), (before[1] - h + 1, before[1])


@dataclass
class _CohortStats:
    cohort: Cohort
    treated: GroupStat | None
    control: GroupStat | None
    plain: GroupStat | None
    pre_treated: GroupStat | None
    pre_control: GroupStat | None

    @property
    def estimable(self) -> bool:
        t, c = self.treated, self.control
        return t is not None and c is not None and t.valid and c.valid and t.n >= 2 and c.n >= 2

    @property
    def pre_estimable(self) -> bool:
        t, c = self.pre_treated, self.pre_control
        return self.estimable and t is not None and c is not None and t.valid and c.valid and t.n >= 2 and c.n >= 2


def _cohort_stats(cp, co: Cohort, spec, transform, settings) -> _CohortStats:
    w = co.windows
    if not co.window_complete:
        return _CohortStats(co, None, None, None, None, None)
    t = _change(cp, co.treated, spec, w.after, w.before, transform, settings.weighting) if len(co.treated) else None
    c = _change(cp, co.controls, spec, w.after, w.before, transform, settings.weighting) if len(co.controls) else None
    plain = _change(cp, co.treated, spec, w.after, w.before, transform, "denominator") if len(co.treated) else None
    pt = pc = None
    halves = _halves(w.before)
    if halves is not None:
        early, late = halves
        if len(co.treated):
            pt = _change(cp, co.treated, spec, late, early, transform, settings.weighting)
        if len(co.controls):
            pc = _change(cp, co.controls, spec, late, early, transform, settings.weighting)
    return _CohortStats(co, t, c, plain, pt, pc)


# ----------------------------------------------------------------------------------------
# Row builders
# ----------------------------------------------------------------------------------------
def _event_columns(events, campaign_id, cohorts: list[Cohort]) -> dict:
    if events is None or len(events) == 0:
        return {"event_in_window": False, "event_kinds": None, "event_ids": None}
    ranges = []
    for co in cohorts:
        d = co.windows.dates()
        ranges += [(d["before_start"], d["before_end"]), (d["after_start"], d["after_end"])]
    hit = events_overlapping(events, campaign_id, ranges)
    kinds = sorted({str(k) for k in hit["kind"]}) if len(hit) else []
    ids = sorted({str(k) for k in hit["event_id"]}) if len(hit) else []
    return {
        "event_in_window": bool(kinds),
        "event_kinds": ";".join(kinds) if kinds else None,
        "event_ids": ";".join(ids) if ids else None,
    }


def _plain_columns(cp, spec, transform, sign, settings, stats: list[_CohortStats]) -> tuple[dict, list[str]]:
    """Plain figure pooled over the stable advisors of the given cohorts."""
    nums = {k: [] for k in ("na", "da", "nb", "db")}
    ids = []
    for s in stats:
        co = s.cohort
        if not co.window_complete or len(co.treated) == 0:
            continue
        w = co.windows
        na, da = _sums(cp, co.treated, spec, *w.after)
        nb, db = _sums(cp, co.treated, spec, *w.before)
        for k, v in zip(("na", "da", "nb", "db"), (na, da, nb, db)):
            nums[k].append(v)
        ids.append(cp.advisor_ids[co.treated])
    out = {k: np.nan for k in ("plain_before", "plain_after")}
    notes: list[str] = []
    if not ids:
        notes.append("no stable trained advisor")
        return out, notes
    cat = {k: np.concatenate(v) for k, v in nums.items()}
    all_ids = np.concatenate(ids)
    sa, sb = cat["da"].sum(), cat["db"].sum()
    out["plain_after"] = spec.scale * cat["na"].sum() / sa if sa > 0 else np.nan
    out["plain_before"] = spec.scale * cat["nb"].sum() / sb if sb > 0 else np.nan
    g = change_stat(all_ids, cat["na"], cat["da"], cat["nb"], cat["db"], transform, "denominator", spec.scale)
    if not g.valid:
        notes.append(f"plain: {g.problem}")
        eff = make_effect(None, transform, sign, [], settings)
    else:
        eff = make_effect(combine([(1.0, g)]), transform, sign, [("stable trained group", g.n)], settings, "plain")
    cols = eff.columns("plain", with_p=False)
    res = {
        "plain_before": out["plain_before"],
        "plain_after": out["plain_after"],
        "plain_change": cols["plain_lift"],
        "plain_change_ci_low": cols["plain_lift_ci_low"],
        "plain_change_ci_high": cols["plain_lift_ci_high"],
        "plain_improvement": cols["plain_improvement"],
        "plain_improvement_ci_low": cols["plain_improvement_ci_low"],
        "plain_improvement_ci_high": cols["plain_improvement_ci_high"],
    }
    # Notes about the plain CI are not findings; keep only a short one.
    return res, notes


def _point_only(s: _CohortStats) -> bool:
    t, c = s.treated, s.control
    return t is not None and c is not None and t.valid and c.valid


def _aggregate(stats: list[_CohortStats], pre: bool = False):
    """Cohort ATTs averaged with weights n_treated. Cohorts with >= 2 advisors in both groups
    only; when there is none, a point estimate over cohorts with >= 1 in both (no SE)."""
    use = [s for s in stats if (s.pre_estimable if pre else s.estimable)]
    if not use and not pre:
        use = [s for s in stats if _point_only(s)]
    if not use:
        return None, use
    total = sum((s.pre_treated if pre else s.treated).n for s in use)
    terms = []
    for s in use:
        t, c = (s.pre_treated, s.pre_control) if pre else (s.treated, s.control)
        w = t.n / total
        terms += [(w, t), (-w, c)]
    return combine(terms), use


def _adjusted_columns(stats, transform, sign, settings, n_comparison_stable: int, cohort_level: bool) -> tuple[dict, list[str], dict]:
    notes: list[str] = []
    flags = {"insufficient_data": False, "zero_variance": False, "no_comparison_group": False}
    if n_comparison_stable == 0:
        flags["no_comparison_group"] = True
        notes.append("no comparison group: no stable not-yet-trained or never-trained advisor over the same months")
    if cohort_level:
        s = stats[0]
        if s.treated is not None and s.control is not None and s.treated.valid and s.control.valid:
            comb = combine([(1.0, s.treated), (-1.0, s.control)])
            used = [s]
        else:
            comb, used = None, []
            for g, name in ((s.treated, "treated"), (s.control, "comparison")):
                if g is not None and not g.valid:
                    notes.append(f"{name} group: {g.problem}")
    else:
        comb, used = _aggregate(stats)
        skipped = [s for s in stats if s.cohort.window_complete and len(s.cohort.treated) and s not in used]
        if skipped and comb is not None:
            notes.append(
                f"{len(skipped)} cohort(s) left out of the adjusted estimate (fewer than 2 advisors in a group, or no usable value)"
            )
    n_t = sum(s.treated.n for s in used)
    control_ids = set()
    for s in used:
        control_ids.update(s.control.ids.tolist())
    n_c = len(control_ids)
    extra = {"n_treated_adjusted": n_t if used else 0, "n_cohorts_adjusted": len(used), "n_comparison_used": n_c}
    if comb is None:
        flags["insufficient_data"] = True
        if not flags["no_comparison_group"]:
            notes.append("adjusted estimate not computable (no cohort with 2+ advisors in both groups)")
        eff = make_effect(None, transform, sign, [], settings)
    else:
        eff = make_effect(comb, transform, sign, [("treated group", n_t), ("comparison group", n_c)], settings)
        flags["insufficient_data"] = eff.insufficient
        flags["zero_variance"] = eff.zero_variance
        notes += eff.notes
        dropped = sum(s.treated.n_dropped + s.control.n_dropped for s in used)
        if dropped:
            notes.append(f"{dropped} advisor(s) without a usable ratio in a window dropped (weighting='equal')")
    cols = eff.columns("adjusted")
    # Pre-trend
    pre_cols = {"pretrend_estimate": np.nan, "pretrend_p_value": np.nan, "pretrend_failed": None}
    if comb is not None:
        if cohort_level:
            s = stats[0]
            pre = combine([(1.0, s.pre_treated), (-1.0, s.pre_control)]) if s.pre_estimable else None
        else:
            pre, _ = _aggregate(stats, pre=True)
        if pre is not None:
            pe = make_effect(pre, transform, 1, [("treated group", n_t), ("comparison group", n_c)], settings, "pre-trend")
            pre_cols["pretrend_estimate"] = pe.estimate
            if np.isfinite(pe.p_value):
                pre_cols["pretrend_p_value"] = pe.p_value
                pre_cols["pretrend_failed"] = bool(pe.p_value < settings.pretrend_alpha)
                if pre_cols["pretrend_failed"]:
                    notes.append(
                        f"pre-trend test failed (p = {pe.p_value:.3g} < {settings.pretrend_alpha}): treated and comparison "
                        "advisors were already diverging before training"
                    )
    return cols | pre_cols | flags, notes, extra


def _counts(cohorts: list[Cohort]) -> dict:
    out = {
        "n_trained": sum(len(c.trained) for c in cohorts),
        "n_stable": sum(len(c.treated) for c in cohorts),
    }
    for r in EXCLUSION_REASONS:
        out[f"n_excluded_{r}"] = sum(len(c.excluded[r]) for c in cohorts)
    return out


def _flags(row: dict) -> str | None:
    out = [f for f in ("insufficient_data", "zero_variance", "no_comparison_group", "pretrend_failed") if row.get(f) is True]
    if row.get("event_in_window"):
        out.append(f"event_in_window({row.get('event_kinds')})")
    return ";".join(out) or None


def _settings_columns(settings: AnalysisSettings) -> dict:
    return {
        "weighting": settings.weighting,
        "window_months_before": settings.window_months_before,
        "window_months_after": settings.window_months_after,
        "exclude_training_month": settings.exclude_training_month,
        "dip_months": settings.dip_months,
        "min_hours_per_month": settings.min_hours_per_month,
        "min_group_size": settings.min_group_size,
    }


# ----------------------------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------------------------
def training_impact(
    panel: pd.DataFrame,
    advisors: pd.DataFrame,
    events: pd.DataFrame | None,
    registry,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
) -> pd.DataFrame:
    """See the module docstring; columns: TRAINING_IMPACT_COLUMNS."""
    specs = normalize_registry(registry)
    cps = build_campaign_panels(panel, advisors, required_columns(specs), settings)
    rows: list[dict] = []
    for cid, cp in cps.items():
        cohorts = [cohort_populations(cp, g, cohort_windows(g, settings), settings) for g in campaign_cohorts(cp, settings)]
        if not cohorts:
            continue
        complete = [c for c in cohorts if c.window_complete]
        for spec in specs:
            if cp.comps[spec.denominator].sum() <= 0:
                continue  # the indicator does not exist on this campaign (no volume at all)
            transform = transform_for(spec, panel)
            stats = [_cohort_stats(cp, co, spec, transform, settings) for co in cohorts]
            base = {
                "campaign_id": cid,
                "indicator": spec.code,
                "direction": spec.direction,
                "effect_scale": effect_scale(transform),
                **_settings_columns(settings),
            }
            # --- cohort rows
            for s in stats:
                co = s.cohort
                notes: list[str] = []
                row = {**base, "level": "cohort", "cohort_month": month_start(co.windows.cohort), "n_cohorts": 1}
                row |= co.windows.dates()
                row |= _counts([co])
                row |= _event_columns(events, cid, [co])
                if not co.window_complete:
                    notes.append("windows extend beyond the data")
                    row |= {"insufficient_data": True, "no_comparison_group": None, "n_comparison": None}
                    row["reason"] = "; ".join(notes)
                    rows.append(row)
                    continue
                plain, pn = _plain_columns(cp, spec, transform, spec.sign, settings, [s])
                adj, an, extra = _adjusted_columns([s], transform, spec.sign, settings, len(co.controls), True)
                row |= plain | adj
                row["n_comparison"] = len(co.controls)
                row["n_treated_adjusted"] = extra["n_treated_adjusted"]
                row["n_cohorts_adjusted"] = extra["n_cohorts_adjusted"]
                if s.control is not None and s.control.valid and len(co.controls):
                    w = co.windows
                    cb, ca = _pooled(cp, co.controls, spec, w.before), _pooled(cp, co.controls, spec, w.after)
                    row["comparison_before"], row["comparison_after"] = cb, ca
                    row["comparison_change"] = (ca / cb - 1) if transform == "log" else (ca - cb)
                row["reason"] = "; ".join(pn + an) or None
                rows.append(row)
            # --- campaign row
            notes = []
            row = {**base, "level": "campaign", "cohort_month": None, "n_cohorts": len(cohorts)}
            if complete:
                row |= {
                    "before_start": min(c.windows.dates()["before_start"] for c in complete),
                    "before_end": max(c.windows.dates()["before_end"] for c in complete),
                    "after_start": min(c.windows.dates()["after_start"] for c in complete),
                    "after_end": max(c.windows.dates()["after_end"] for c in complete),
                }
            row |= _counts(cohorts)
            row |= _event_columns(events, cid, complete)
            plain, pn = _plain_columns(cp, spec, transform, spec.sign, settings, stats)
            any_controls = any(len(c.controls) for c in complete)
            adj, an, extra = _adjusted_columns(stats, transform, spec.sign, settings, int(any_controls), False)
            row |= plain | adj
            row["n_comparison"] = extra["n_comparison_used"] if extra["n_cohorts_adjusted"] else len(
                set().union(*[set(cp.advisor_ids[c.controls].tolist()) for c in complete]) if complete else set()
            )
            row["n_treated_adjusted"] = extra["n_treated_adjusted"]
            row["n_cohorts_adjusted"] = extra["n_cohorts_adjusted"]
            incomplete = len(cohorts) - len(complete)
            if incomplete:
                notes.append(f"{incomplete} cohort(s) with windows beyond the data left out")
            row["reason"] = "; ".join(notes + pn + an) or None
            rows.append(row)
    for row in rows:
        row["flags"] = _flags(row)
    df = finalize(rows, TRAINING_IMPACT_COLUMNS)
    if len(df):
        df["_lvl"] = (df["level"] != "campaign").astype(int)
        df["_cm"] = pd.to_datetime(df["cohort_month"])
        df = df.sort_values(["campaign_id", "indicator", "_lvl", "_cm"], kind="mergesort").drop(columns=["_lvl", "_cm"])
        df = add_q_values(df, f"training_impact: {settings.fdr_family}", df["level"] == "campaign", settings.alpha)
        df = add_q_values(df, f"training_impact: {settings.fdr_family_cohorts}", df["level"] == "cohort", settings.alpha)
        df = finalize(df.to_dict("records"), TRAINING_IMPACT_COLUMNS)
    return df


def training_impact_membership(
    panel: pd.DataFrame, advisors: pd.DataFrame, registry=None, settings: AnalysisSettings = DEFAULT_SETTINGS
) -> pd.DataFrame:
    """Who is treated, comparison or excluded (and why) in each campaign x training cohort.

    Independent of the indicator (populations are defined on hours): `registry` is accepted
    for a signature uniform with the other analyses and not used. Columns: MEMBERSHIP_COLUMNS.
    """
    cps = build_campaign_panels(panel, advisors, [], settings)
    rows = []
    for cid, cp in cps.items():
        for g in campaign_cohorts(cp, settings):
            co = cohort_populations(cp, g, cohort_windows(g, settings), settings)
            m = month_start(g)
            for i in co.treated:
                rows.append({"campaign_id": cid, "cohort_month": m, "advisor_id": cp.advisor_ids[i], "role": "treated"})
            for i in co.controls:
                rows.append({"campaign_id": cid, "cohort_month": m, "advisor_id": cp.advisor_ids[i], "role": "comparison"})
            for reason, idx in co.excluded.items():
                for i in idx:
                    rows.append(
                        {"campaign_id": cid, "cohort_month": m, "advisor_id": cp.advisor_ids[i], "role": "excluded", "reason": reason}
                    )
    return finalize(rows, MEMBERSHIP_COLUMNS)
