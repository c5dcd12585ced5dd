"""analysis.impact_headline: the users' headline ("+10% on average where the method is well
assimilated, never below +5%"), plain and adjusted side by side.

Campaigns: mean adoption score (mean over advisors of each advisor's mean score on the
campaign) strictly above settings.adoption_threshold ("well assimilated").
Indicators: each campaign's primary indicators: declared campaigns.primary_indicators win,
else those selected by indicator_selection (pass its table as `selection`); only relative
(%) indicators enter (points-scale ones such as NPS cannot be averaged with %).
Per campaign: the mean improvement over its primary indicators (campaign-level rows of
training_impact; lower-is-better indicators already flipped). Plain: every campaign with a
plain figure. Adjusted: campaigns with a reportable adjusted figure (not insufficient_data);
a campaign's CI is the mean of its indicators' CI bounds (conservative: assumes the
indicators' errors are perfectly correlated).
Overall (one row): number of campaigns, mean, min, max improvement, share of campaigns at or
above settings.headline_improvement_threshold (point estimates), for each estimator; the
adjusted mean gets a normal CI treating campaigns as independent, each campaign's SE taken
from its CI width.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _st

from .effects import finalize
from .selection import parse_primary_indicators
from .settings import DEFAULT_SETTINGS, AnalysisSettings

HEADLINE_COLUMNS: dict[str, str] = {
    "level": "VARCHAR",  # overall | campaign
    "campaign_id": "VARCHAR",
    "mean_adoption_score": "DOUBLE",
    "well_assimilated": "BOOLEAN",
    "indicators": "VARCHAR",
    "indicator_source": "VARCHAR",  # declared | selected (campaign rows)
    "n_indicators": "INTEGER",
    "plain_improvement": "DOUBLE",
    "adjusted_improvement": "DOUBLE",
    "adjusted_improvement_ci_low": "DOUBLE",
    "adjusted_improvement_ci_high": "DOUBLE",
    "n_campaigns_eligible": "INTEGER",
    "plain_n_campaigns": "INTEGER",
    "plain_mean_improvement": "DOUBLE",
    "plain_min_improvement": "DOUBLE",
    "plain_max_improvement": "DOUBLE",
    "plain_share_at_or_above_threshold": "DOUBLE",
    "adjusted_n_campaigns": "INTEGER",
    "adjusted_mean_improvement": "DOUBLE",
    "adjusted_mean_ci_low": "DOUBLE",
    "adjusted_mean_ci_high": "DOUBLE",
    "adjusted_min_improvement": "DOUBLE",
    "adjusted_max_improvement": "DOUBLE",
    "adjusted_share_at_or_above_threshold": "DOUBLE",
    "adoption_threshold": "DOUBLE",
    "improvement_threshold": "DOUBLE",
    "campaigns": "VARCHAR",
    "reason": "VARCHAR",
}


def campaign_adoption(adoption: pd.DataFrame | None) -> pd.Series:
    """campaign_id -> mean over advisors of their mean adoption score."""
    if adoption is None or len(adoption) == 0:
        return pd.Series(dtype=float)
    per_adv = adoption.dropna(subset=["score"]).groupby(["campaign_id", "advisor_id"])["score"].mean()
    return per_adv.groupby(level=0).mean()


def _finite(v) -> bool:
    return v is not None and v is not pd.NA and np.isfinite(float(v))


def impact_headline(
    training_impact_df: pd.DataFrame,
    adoption: pd.DataFrame | None,
    campaigns: pd.DataFrame | None,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    selection: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """See the module docstring; columns: HEADLINE_COLUMNS."""
    ti = training_impact_df
    ti = ti[(ti["level"] == "campaign")] if "level" in ti else ti
    scores = campaign_adoption(adoption)
    declared = {}
    if campaigns is not None and len(campaigns) and "primary_indicators" in campaigns:
        declared = {c: parse_primary_indicators(v) for c, v in zip(campaigns["campaign_id"], campaigns["primary_indicators"])}
    selected = {}
    if selection is not None and len(selection):
        sel = selection[selection["selected"].fillna(False).astype(bool)]
        for cid, g in sel.groupby("campaign_id"):
            selected[cid] = list(g["indicator"])
    all_campaigns = sorted(set(ti["campaign_id"].dropna()) | set(scores.index), key=str)
    rows = []
    plain_vals, adj_vals, adj_ci = {}, {}, {}
    for cid in all_campaigns:
        score = scores.get(cid, np.nan)
        ok = bool(np.isfinite(score) and score > settings.adoption_threshold)
        row = {"level": "campaign", "campaign_id": cid, "mean_adoption_score": score, "well_assimilated": ok}
        notes = []
        if not np.isfinite(score):
            notes.append("no adoption score")
        elif not ok:
            notes.append(f"mean adoption score {score:.1f} <= {settings.adoption_threshold:g}: not in the headline")
        codes = [c for c in declared.get(cid, [])]
        source = "declared" if codes else None
        if not codes and cid in selected:
            codes, source = selected[cid], "selected"
        mine = ti[(ti["campaign_id"] == cid) & ti["indicator"].isin(codes)]
        if "effect_scale" in mine:
            skipped = sorted(mine.loc[mine["effect_scale"] != "relative", "indicator"])
            if skipped:
                notes.append(f"points-scale indicator(s) left out of the % headline: {', '.join(skipped)}")
            mine = mine[mine["effect_scale"] == "relative"]
        row["indicators"] = ";".join(codes) if codes else None
        row["indicator_source"] = source
        row["n_indicators"] = len(mine)
        if not codes:
            notes.append("no primary indicator (declared or selected)")
        p = [v for v in mine["plain_improvement"] if _finite(v)]
        adj = mine[~mine["insufficient_data"].fillna(True).astype(bool)] if "insufficient_data" in mine else mine
        a = [float(v) for v in adj["adjusted_improvement"] if _finite(v)]
        if p:
            row["plain_improvement"] = float(np.mean(p))
        if a:
            row["adjusted_improvement"] = float(np.mean(a))
            lo = [float(v) for v in adj["adjusted_improvement_ci_low"] if _finite(v)]
            hi = [float(v) for v in adj["adjusted_improvement_ci_high"] if _finite(v)]
            if len(lo) == len(a) and len(hi) == len(a):
                row["adjusted_improvement_ci_low"], row["adjusted_improvement_ci_high"] = float(np.mean(lo)), float(np.mean(hi))
        elif len(mine):
            notes.append("no reportable adjusted figure (insufficient data)")
        row["reason"] = "; ".join(notes) or None
        rows.append(row)
        if ok:
            if p:
                plain_vals[cid] = row["plain_improvement"]
            if a:
                adj_vals[cid] = row["adjusted_improvement"]
                adj_ci[cid] = (row.get("adjusted_improvement_ci_low"), row.get("adjusted_improvement_ci_high"))

    thr = settings.headline_improvement_threshold
    overall = {
        "level": "overall",
        "n_campaigns_eligible": sum(1 for r in rows if r["well_assimilated"]),
        "adoption_threshold": settings.adoption_threshold,
        "improvement_threshold": thr,
        "campaigns": ";".join(str(c) for c in sorted(set(plain_vals) | set(adj_vals), key=str)) or None,
    }
    for name, vals in (("plain", plain_vals), ("adjusted", adj_vals)):
        v = np.array(list(vals.values()), dtype=float)
        overall[f"{name}_n_campaigns"] = len(v)
        if len(v):
            overall[f"{name}_mean_improvement"] = float(v.mean())
            overall[f"{name}_min_improvement"] = float(v.min())
            overall[f"{name}_max_improvement"] = float(v.max())
            overall[f"{name}_share_at_or_above_threshold"] = float(np.mean(v >= thr - 1e-12))
    if adj_vals and all(_finite(lo) and _finite(hi) for lo, hi in adj_ci.values()):
        z = _st.norm.ppf(1 - settings.alpha / 2)
        ses = np.array([(hi - lo) / (2 * z) for lo, hi in adj_ci.values()])
        se = float(np.sqrt(np.sum(ses**2)) / len(ses))
        m = overall["adjusted_mean_improvement"]
        overall["adjusted_mean_ci_low"], overall["adjusted_mean_ci_high"] = m - z * se, m + z * se
    if not overall["n_campaigns_eligible"]:
        overall["reason"] = f"no campaign with a mean adoption score above {settings.adoption_threshold:g}"
    return finalize([overall] + rows, HEADLINE_COLUMNS)
