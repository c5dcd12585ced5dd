"""analysis.adopters_vs_team: heavy adopters of the method vs the rest of their team.

Population (per campaign): trained advisors with >= min_hours_per_month on the campaign in
every month of the `adopters_window_months` months after their training and of the same
number of months before it (training month / dip window as in AnalysisSettings): the team.
Heavy adopters: the top `adopters_top_fraction` of the team (rounded down, at least 1) by
mean adoption score on this campaign, over evaluations dated from the training day to the
end of the after window (ties broken by advisor_id). Team members without any score can
only be in the rest.

Plain (as users compute it): the adopters' pooled indicator over their after windows vs the
team's (adopters included) and vs the rest's; with the delta-method standard errors of each
pooled ratio (advisor as the unit, n - 1: case 03).
Adjusted: the log gap after minus the log gap before (same advisors, same window length),
i.e. change(adopters) - change(rest), Welch / cluster-robust SE, t CI, p, q over the campaign
rows of the run. Adopters who were already better get 0 (case 08).

Level 'all_campaigns' (per indicator): the campaigns' adjusted figures averaged with weights
= number of adopters. Adopters of all campaigns form one group whose per-advisor values are
their campaign's change plus their own influence value, net of their campaign's rest change;
the rests' sampling variance is added per campaign (cluster-robust by advisor). This works
when each campaign has a single adopter (the usual case with 10% of a small team). Its plain
figures are the simple means of the campaigns' plain gaps.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .effects import add_q_values, effect_column_types, finalize, make_effect, q_value_column_types
from .panel import (
    EXCLUSION_REASONS,
    NEVER,
    build_campaign_panels,
    cohort_populations,
    cohort_windows,
    effect_scale,
    normalize_registry,
    required_columns,
    to_date_array,
    transform_for,
)
from .settings import DEFAULT_SETTINGS, AnalysisSettings
from .stats import LOG, GroupStat, change_stat, combine, level_stat, ratio_of_sums_se

ADOPTERS_COLUMNS: dict[str, str] = {
    "level": "VARCHAR",
    "campaign_id": "VARCHAR",
    "indicator": "VARCHAR",
    "direction": "VARCHAR",
    "effect_scale": "VARCHAR",
    "window_months": "INTEGER",
    "n_campaigns": "INTEGER",
    "n_trained": "INTEGER",
    "n_team": "INTEGER",
    "n_scored": "INTEGER",
    "n_adopters": "INTEGER",
    "n_rest": "INTEGER",
    "n_excluded_left": "INTEGER",
    "n_excluded_joined": "INTEGER",
    "n_excluded_changed_campaign": "INTEGER",
    "n_excluded_too_few_hours": "INTEGER",
    "n_excluded_window_outside_data": "INTEGER",
    "adoption_cutoff": "DOUBLE",
    "adopters_mean_score": "DOUBLE",
    "rest_mean_score": "DOUBLE",
    "adopters_before": "DOUBLE",
    "adopters_after": "DOUBLE",
    "adopters_after_se": "DOUBLE",
    "team_before": "DOUBLE",
    "team_after": "DOUBLE",
    "team_after_se": "DOUBLE",
    "rest_before": "DOUBLE",
    "rest_after": "DOUBLE",
    "rest_after_se": "DOUBLE",
    "plain_gap_vs_team": "DOUBLE",
    "plain_gap_vs_rest": "DOUBLE",
    "plain_gap_vs_rest_ci_low": "DOUBLE",
    "plain_gap_vs_rest_ci_high": "DOUBLE",
    "plain_improvement_vs_team": "DOUBLE",
    "plain_improvement_vs_rest": "DOUBLE",
    "before_gap_vs_rest": "DOUBLE",
    **effect_column_types("adjusted"),
    **q_value_column_types(),
    "insufficient_data": "BOOLEAN",
    "zero_variance": "BOOLEAN",
    "reason": "VARCHAR",
    "weighting": "VARCHAR",
    "adopters_top_fraction": "DOUBLE",
}


def n_heavy_adopters(n_team: int, fraction: float) -> int:
    """Top `fraction` of the team, rounded down, at least 1 (0 for an empty team)."""
    if n_team <= 0:
        return 0
    return max(1, math.floor(fraction * n_team + 1e-9))


def _gap(a: float, b: float, transform: str) -> float:
    if not (np.isfinite(a) and np.isfinite(b)):
        return float("nan")
    if transform == LOG:
        return a / b - 1 if b > 0 else float("nan")
    return a - b


def _pooled(num: np.ndarray, den: np.ndarray, scale: float) -> tuple[float, float]:
    r, se = ratio_of_sums_se(num, den)
    return scale * r, scale * se


def _team(cp, advisors_scores, settings: AnalysisSettings):
    """Stable trained advisors with their own windows, their scores and exclusion counts."""
    A = settings.adopters_window_months
    rows, wins, counts = [], [], {f"n_excluded_{r}": 0 for r in EXCLUSION_REASONS}
    n_trained = 0
    for g in np.unique(cp.train_month[cp.train_month != NEVER]):
        w = cohort_windows(int(g), settings, before=A, after=A)
        co = cohort_populations(cp, int(g), w, settings)
        n_trained += len(co.trained)
        for r in EXCLUSION_REASONS:
            counts[f"n_excluded_{r}"] += len(co.excluded[r])
        for i in co.treated:
            rows.append(i)
            wins.append(w)
    rows = np.asarray(rows, dtype=int)
    scores = np.full(len(rows), np.nan)
    if advisors_scores is not None and len(rows):
        for k, (i, w) in enumerate(zip(rows, wins)):
            ev = advisors_scores.get(cp.advisor_ids[i])
            if ev is None:
                continue
            dates, vals = ev
            start = cp.trained_on[i]
            end = np.datetime64(w.dates()["after_end"], "D")
            m = (dates <= end) & ((dates >= start) if not np.isnat(start) else True)
            if np.any(m):
                scores[k] = float(np.mean(vals[m]))
    return rows, wins, scores, n_trained, counts


def _sums(cp, rows, wins, comp, which):
    out = np.zeros(len(rows))
    for k, (i, w) in enumerate(zip(rows, wins)):
        rng = w.after if which == "after" else w.before
        out[k] = cp.comps[comp][i, rng[0] - cp.m0 : rng[1] - cp.m0 + 1].sum()
    return out


def adopters_vs_team(
    panel: pd.DataFrame,
    advisors: pd.DataFrame,
    adoption: pd.DataFrame,
    registry,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
) -> pd.DataFrame:
    """See the module docstring; columns: ADOPTERS_COLUMNS."""
    specs = normalize_registry(registry)
    cps = build_campaign_panels(panel, advisors, required_columns(specs), settings)
    # adoption: (campaign, advisor) -> (dates, scores)
    score_map: dict[object, dict[object, tuple[np.ndarray, np.ndarray]]] = {}
    if adoption is not None and len(adoption):
        ad = adoption.dropna(subset=["score"])
        for (cid, aid), g in ad.groupby(["campaign_id", "advisor_id"], sort=False):
            score_map.setdefault(cid, {})[aid] = (
                to_date_array(g["evaluated_on"].to_numpy()),
                g["score"].to_numpy(dtype=float),
            )
    rows: list[dict] = []
    pooled: dict[str, list[dict]] = {}
    A = settings.adopters_window_months
    for cid, cp in cps.items():
        team_rows, wins, scores, n_trained, counts = _team(cp, score_map.get(cid), settings)
        if n_trained == 0:
            continue
        n_team = len(team_rows)
        scored = np.flatnonzero(np.isfinite(scores))
        k = min(n_heavy_adopters(n_team, settings.adopters_top_fraction), len(scored))
        order = sorted(scored, key=lambda j: (-scores[j], str(cp.advisor_ids[team_rows[j]])))
        is_adopter = np.zeros(n_team, dtype=bool)
        is_adopter[order[:k]] = True
        ids = cp.advisor_ids[team_rows]
        for spec in specs:
            if cp.comps[spec.denominator].sum() <= 0:
                continue
            transform = transform_for(spec, panel)
            sign = spec.sign
            notes: list[str] = []
            row = {
                "level": "campaign",
                "campaign_id": cid,
                "indicator": spec.code,
                "direction": spec.direction,
                "effect_scale": effect_scale(transform),
                "window_months": A,
                "n_campaigns": 1,
                "n_trained": n_trained,
                "n_team": n_team,
                "n_scored": len(scored),
                "n_adopters": int(is_adopter.sum()),
                "n_rest": int((~is_adopter).sum()),
                **counts,
                "weighting": settings.weighting,
                "adopters_top_fraction": settings.adopters_top_fraction,
            }
            if k:
                row["adoption_cutoff"] = float(np.min(scores[is_adopter]))
                row["adopters_mean_score"] = float(np.mean(scores[is_adopter]))
            rest_scored = ~is_adopter & np.isfinite(scores)
            if rest_scored.any():
                row["rest_mean_score"] = float(np.mean(scores[rest_scored]))
            if n_team == 0 or k == 0:
                notes.append("no stable trained advisor" if n_team == 0 else "no adoption score for the stable trained advisors")
                row |= {"insufficient_data": True, "reason": "; ".join(notes)}
                rows.append(row)
                continue
            na = _sums(cp, team_rows, wins, spec.numerator, "after")
            da = _sums(cp, team_rows, wins, spec.denominator, "after")
            nb = _sums(cp, team_rows, wins, spec.numerator, "before")
            db = _sums(cp, team_rows, wins, spec.denominator, "before")
            a, r = is_adopter, ~is_adopter
            row["adopters_after"], row["adopters_after_se"] = _pooled(na[a], da[a], spec.scale)
            row["team_after"], row["team_after_se"] = _pooled(na, da, spec.scale)
            row["adopters_before"] = _pooled(nb[a], db[a], spec.scale)[0]
            row["team_before"] = _pooled(nb, db, spec.scale)[0]
            if r.any():
                row["rest_after"], row["rest_after_se"] = _pooled(na[r], da[r], spec.scale)
                row["rest_before"] = _pooled(nb[r], db[r], spec.scale)[0]
            row["plain_gap_vs_team"] = _gap(row["adopters_after"], row["team_after"], transform)
            row["plain_gap_vs_rest"] = _gap(row["adopters_after"], row.get("rest_after", np.nan), transform)
            row["plain_improvement_vs_team"] = sign * row["plain_gap_vs_team"]
            row["plain_improvement_vs_rest"] = sign * row["plain_gap_vs_rest"]
            row["before_gap_vs_rest"] = _gap(row["adopters_before"], row.get("rest_before", np.nan), transform)
            if not r.any():
                notes.append("no rest of the team to compare with")
                row |= {"insufficient_data": True, "reason": "; ".join(notes)}
                rows.append(row)
                continue
            # plain CI of the gap vs rest (after window only)
            la = level_stat(ids[a], na[a], da[a], transform, spec.scale)
            lr = level_stat(ids[r], na[r], da[r], transform, spec.scale)
            if la.valid and lr.valid:
                pe = make_effect(combine([(1.0, la), (-1.0, lr)]), transform, sign, [("adopters", la.n), ("rest", lr.n)], settings)
                row["plain_gap_vs_rest_ci_low"], row["plain_gap_vs_rest_ci_high"] = pe.lift_ci_low, pe.lift_ci_high
            # adjusted
            ga = change_stat(ids[a], na[a], da[a], nb[a], db[a], transform, settings.weighting, spec.scale)
            gr = change_stat(ids[r], na[r], da[r], nb[r], db[r], transform, settings.weighting, spec.scale)
            if ga.valid and gr.valid:
                eff = make_effect(combine([(1.0, ga), (-1.0, gr)]), transform, sign, [("heavy adopters", ga.n), ("rest of the team", gr.n)], settings)
                notes += eff.notes
                row |= eff.columns("adjusted") | {"insufficient_data": eff.insufficient, "zero_variance": eff.zero_variance}
                pooled.setdefault(spec.code, []).append(
                    {"spec": spec, "transform": transform, "adopters": ga, "rest": gr, "plain_team": row["plain_gap_vs_team"], "plain_rest": row["plain_gap_vs_rest"]}
                )
            else:
                for g, name in ((ga, "heavy adopters"), (gr, "rest of the team")):
                    if not g.valid:
                        notes.append(f"{name}: {g.problem}")
                row["insufficient_data"] = True
            row["reason"] = "; ".join(notes) or None
            rows.append(row)

    for code, items in pooled.items():
        rows.append(_all_campaigns_row(code, items, settings))

    df = finalize(rows, ADOPTERS_COLUMNS)
    if len(df):
        df = add_q_values(df, f"adopters_vs_team: {settings.fdr_family}", df["level"] == "campaign", settings.alpha)
        df = add_q_values(df, "adopters_vs_team: all-campaigns rows (one per indicator) of this run", df["level"] == "all_campaigns", settings.alpha)
        df = finalize(df.to_dict("records"), ADOPTERS_COLUMNS)
        df["_l"] = (df["level"] != "all_campaigns").astype(int)
        df = df.sort_values(["indicator", "_l", "campaign_id"], kind="mergesort", na_position="first").drop(columns="_l")
        df = df.reset_index(drop=True)
    return df


def _all_campaigns_row(code: str, items: list[dict], settings: AnalysisSettings) -> dict:
    spec, transform = items[0]["spec"], items[0]["transform"]
    n_total = sum(it["adopters"].n for it in items)
    ids, q = [], []
    terms: list[tuple[float, GroupStat]] = []
    for it in items:
        ga, gr = it["adopters"], it["rest"]
        w = ga.n / n_total
        ids.append(ga.ids)
        q.append(ga.estimate + ga.psi - gr.estimate)  # pseudo-values net of the campaign's rest change
        terms.append((-w, GroupStat(gr.ids, 0.0, gr.psi)))  # rest sampling variance only
    q = np.concatenate(q)
    main = GroupStat(np.concatenate(ids), float(q.mean()), q - q.mean())
    comb = combine([(1.0, main)] + terms)
    n_rest = len({i for it in items for i in it["rest"].ids.tolist()})
    eff = make_effect(comb, transform, spec.sign, [("heavy adopters", main.n), ("rest of the teams", n_rest)], settings)
    plain_team = [it["plain_team"] for it in items if np.isfinite(it["plain_team"])]
    plain_rest = [it["plain_rest"] for it in items if np.isfinite(it["plain_rest"])]
    row = {
        "level": "all_campaigns",
        "campaign_id": None,
        "indicator": code,
        "direction": spec.direction,
        "effect_scale": effect_scale(transform),
        "window_months": settings.adopters_window_months,
        "n_campaigns": len(items),
        "n_adopters": main.n,
        "n_rest": n_rest,
        "plain_gap_vs_team": float(np.mean(plain_team)) if plain_team else np.nan,
        "plain_gap_vs_rest": float(np.mean(plain_rest)) if plain_rest else np.nan,
        "insufficient_data": eff.insufficient,
        "zero_variance": eff.zero_variance,
        "reason": "; ".join(eff.notes) or None,
        "weighting": settings.weighting,
        "adopters_top_fraction": settings.adopters_top_fraction,
    }
    row["plain_improvement_vs_team"] = spec.sign * row["plain_gap_vs_team"]
    row["plain_improvement_vs_rest"] = spec.sign * row["plain_gap_vs_rest"]
    return row | eff.columns("adjusted")
