"""analysis.indicator_selection: per campaign, the 2-3 indicators to follow.

The method asks for two or three indicators per campaign that are simple, stable, easy to
collect and move with the relationship the advisor builds. Declared ones
(campaigns.primary_indicators, ';'-separated) always win. Otherwise, measured on the
pre-training advisor-months of the campaign (advisor never trained, or month before its
training month minus the dip window; >= min_hours_per_month on the campaign):

* volume_ok: mean denominator per advisor-month >= selection_min_denominator_per_advisor_month;
* stable_ok: month-to-month coefficient of variation of the pooled monthly value (months
  with >= min_group_size such advisors, at least selection_min_months of them)
  <= selection_max_monthly_cv;
* responsive_ok: not all-zero (some numerator) and not constant (advisors or months differ).

Eligible indicators are ranked by monthly CV (most stable first); the first
selection_max_indicators are selected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .effects import finalize
from .panel import NEVER, build_campaign_panels, normalize_registry, required_columns
from .settings import DEFAULT_SETTINGS, AnalysisSettings

SELECTION_COLUMNS: dict[str, str] = {
    "campaign_id": "VARCHAR",
    "indicator": "VARCHAR",
    "direction": "VARCHAR",
    "declared": "BOOLEAN",
    "n_advisor_months": "INTEGER",
    "n_months": "INTEGER",
    "denominator_per_advisor_month": "DOUBLE",
    "numerator_nonzero_share": "DOUBLE",
    "pre_training_value": "DOUBLE",
    "monthly_cv": "DOUBLE",
    "between_advisor_cv": "DOUBLE",
    "volume_ok": "BOOLEAN",
    "stable_ok": "BOOLEAN",
    "responsive_ok": "BOOLEAN",
    "eligible": "BOOLEAN",
    "rank": "INTEGER",
    "selected": "BOOLEAN",
    "source": "VARCHAR",  # declared | selected | NULL (not selected)
    "reason": "VARCHAR",
}


def parse_primary_indicators(value) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


def _cv(x: np.ndarray) -> float:
    if len(x) < 2:
        return float("nan")
    m = float(np.mean(x))
    if m == 0:
        return float("inf") if np.std(x) > 0 else float("nan")
    return float(np.std(x, ddof=1) / abs(m))


def indicator_selection(
    panel: pd.DataFrame,
    advisors: pd.DataFrame,
    campaigns: pd.DataFrame | None,
    registry,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
) -> pd.DataFrame:
    """See the module docstring; columns: SELECTION_COLUMNS."""
    specs = normalize_registry(registry)
    by_code = {s.code: s for s in specs}
    cps = build_campaign_panels(panel, advisors, required_columns(specs), settings)
    declared_map: dict[object, list[str]] = {}
    if campaigns is not None and len(campaigns) and "primary_indicators" in campaigns:
        for cid, val in zip(campaigns["campaign_id"], campaigns["primary_indicators"]):
            declared_map[cid] = parse_primary_indicators(val)
    rows = []
    for cid, cp in cps.items():
        declared = declared_map.get(cid, [])
        month_idx = np.arange(cp.m0, cp.m1 + 1)
        pre = (cp.train_month[:, None] == NEVER) | (month_idx[None, :] < (cp.train_month[:, None] - settings.dip_months))
        mask = pre & (cp.hours >= settings.min_hours_per_month) & (cp.hours > 0)
        camp_rows = []
        for spec in specs:
            num, den = cp.comps[spec.numerator], cp.comps[spec.denominator]
            if den.sum() <= 0 and spec.code not in declared:
                continue
            r = {"campaign_id": cid, "indicator": spec.code, "direction": spec.direction, "declared": spec.code in declared}
            n_am = int(mask.sum())
            r["n_advisor_months"] = n_am
            notes = []
            if n_am == 0:
                notes.append("no pre-training advisor-month with enough hours")
                r |= {"volume_ok": False, "stable_ok": False, "responsive_ok": False}
            else:
                dsum = den[mask].sum()
                r["denominator_per_advisor_month"] = float(dsum / n_am)
                r["numerator_nonzero_share"] = float(np.mean(num[mask] != 0))
                r["pre_training_value"] = float(spec.scale * num[mask].sum() / dsum) if dsum > 0 else np.nan
                per_month_n = mask.sum(axis=0)
                mn = np.where(mask, num, 0).sum(axis=0)
                md = np.where(mask, den, 0).sum(axis=0)
                keep = (per_month_n >= settings.min_group_size) & (md > 0)
                monthly = spec.scale * mn[keep] / md[keep]
                r["n_months"] = int(keep.sum())
                r["monthly_cv"] = _cv(monthly) if keep.sum() >= settings.selection_min_months else np.nan
                an = np.where(mask, num, 0).sum(axis=1)
                ad = np.where(mask, den, 0).sum(axis=1)
                adv_vals = spec.scale * an[ad > 0] / ad[ad > 0]
                r["between_advisor_cv"] = _cv(adv_vals)
                r["volume_ok"] = bool(r["denominator_per_advisor_month"] >= settings.selection_min_denominator_per_advisor_month)
                cv = r["monthly_cv"]
                r["stable_ok"] = bool(np.isfinite(cv) and cv <= settings.selection_max_monthly_cv)
                not_zero = bool(np.any(num[mask] != 0))
                varies = (len(adv_vals) > 1 and np.ptp(adv_vals) > 0) or (len(monthly) > 1 and np.ptp(monthly) > 0)
                r["responsive_ok"] = bool(not_zero and varies)
                if not r["volume_ok"]:
                    notes.append(
                        f"too little volume ({r['denominator_per_advisor_month']:.3g} {spec.denominator} per advisor-month "
                        f"< {settings.selection_min_denominator_per_advisor_month:g})"
                    )
                if not r["stable_ok"]:
                    notes.append(
                        f"not stable before training (monthly CV {cv:.3g} > {settings.selection_max_monthly_cv:g})"
                        if np.isfinite(cv)
                        else f"too few pre-training months to judge stability ({int(keep.sum())} < {settings.selection_min_months})"
                    )
                if not r["responsive_ok"]:
                    notes.append("not responsive (all zero)" if not not_zero else "not responsive (constant)")
            r["eligible"] = bool(r["volume_ok"] and r["stable_ok"] and r["responsive_ok"])
            r["_notes"] = notes
            camp_rows.append(r)
        eligible = sorted((r for r in camp_rows if r["eligible"]), key=lambda r: (r["monthly_cv"], r["indicator"]))
        for i, r in enumerate(eligible, start=1):
            r["rank"] = i
        valid_declared = [d for d in declared if d in by_code]
        for r in camp_rows:
            notes = r.pop("_notes")
            if valid_declared:
                r["selected"] = r["declared"]
                r["source"] = "declared" if r["declared"] else None
                lead = "declared primary indicator" if r["declared"] else "the campaign declares its primary indicators"
            else:
                r["selected"] = bool(r.get("rank") and r["rank"] <= settings.selection_max_indicators)
                r["source"] = "selected" if r["selected"] else None
                if r["selected"]:
                    lead = f"selected: rank {r['rank']} by month-to-month stability among eligible indicators"
                elif r["eligible"]:
                    lead = f"eligible but rank {r['rank']} > {settings.selection_max_indicators}"
                else:
                    lead = "not eligible"
            r["reason"] = "; ".join([lead] + notes)
            rows.append(r)
        for d in declared:
            if d not in by_code:
                rows.append(
                    {"campaign_id": cid, "indicator": d, "declared": True, "selected": False, "eligible": False,
                     "reason": "declared primary indicator not in the registry"}
                )
    return finalize(rows, SELECTION_COLUMNS)
