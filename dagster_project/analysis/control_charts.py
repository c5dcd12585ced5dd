"""analysis.control_charts: weekly EWMA control charts per campaign x primary indicator.

"Step back in real time": is this week's dip noise or a real change? For each campaign and
each of its primary indicators (declared campaigns.primary_indicators win, else the ones
selected by indicator_selection: pass its table as `selection`), over ISO weeks (Monday
`week_start`):

* weekly value x_t = scale * N_t / D_t, the pooled ratio of sums over the campaign's
  advisors (N, D = the indicator's numerator and denominator summed over the week);
* baseline = weeks that end before the campaign's first training (the earliest trained_on of
  an advisor with production on the campaign within `training_presence_weeks` weeks of it);
* centre line mu = scale * sum(N) / sum(D) over the baseline weeks (ratio of sums);
* ratio-aware noise model: Var(x_t) = sigma_unit^2 / D_t (a week with twice the hours or
  contacts is half as noisy); sigma_unit^2 = sum_b D_t (x_t - mu)^2 / (k - 1) over the k
  baseline weeks, so over-dispersion (week-to-week swings beyond Poisson noise) is kept;
* EWMA z_t = lambda x_t + (1 - lambda) z_{t-1}, z_0 = mu, with its exact variance under
  time-varying volumes V_t = lambda^2 sigma_unit^2 / D_t + (1 - lambda)^2 V_{t-1}, V_0 = 0;
* limits mu +/- L sqrt(V_t); a point outside is `out_of_control`. With L = 3 the per-point
  false-alarm rate of an in-control process is 0.27% (exact per point, not asymptotic).
  Weeks without volume (D_t = 0) carry the EWMA over and are never flagged.

Baseline weeks are charted too (phase 'baseline', a Phase-I check of the model); signals that
matter are in phase 'monitoring'. A signal says the indicator moved, not why (training,
season, an event: read it against dim_events and the adjusted training-impact figures).

Parameters live in ControlChartSettings; AnalysisSettings fields named `control_chart_<field>`
override them when present (so the launchpad can carry them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from .effects import finalize
from .panel import normalize_registry, to_date_array
from .selection import parse_primary_indicators
from .settings import DEFAULT_SETTINGS, AnalysisSettings

CONTROL_CHART_COLUMNS: dict[str, str] = {
    "campaign_id": "VARCHAR",
    "indicator": "VARCHAR",
    "direction": "VARCHAR",
    "indicator_source": "VARCHAR",  # declared | selected
    "week_start": "DATE",  # Monday of the ISO week
    "iso_year": "INTEGER",
    "iso_week": "INTEGER",
    "phase": "VARCHAR",  # baseline | monitoring
    "weeks_since_first_training": "INTEGER",  # 0 = the week holding the first training
    "first_training_on": "DATE",
    "n_advisors": "INTEGER",  # advisors with a non-zero denominator that week
    "numerator": "DOUBLE",
    "denominator": "DOUBLE",
    "value": "DOUBLE",  # scale * numerator / denominator (NULL when denominator = 0)
    "ewma": "DOUBLE",
    "centre_line": "DOUBLE",
    "lower_limit": "DOUBLE",
    "upper_limit": "DOUBLE",
    "ewma_sd": "DOUBLE",  # sqrt(V_t)
    "sigma_unit": "DOUBLE",  # sd of one unit of denominator (value units * sqrt(denominator))
    "n_baseline_weeks": "INTEGER",
    "out_of_control": "BOOLEAN",
    "signal": "VARCHAR",  # above | below | NULL
    "signal_meaning": "VARCHAR",  # improvement | deterioration | NULL (per the indicator's direction)
    "ewma_lambda": "DOUBLE",
    "limit_sigmas": "DOUBLE",
    "reason": "VARCHAR",
}


@dataclass(frozen=True)
class ControlChartSettings:
    #: EWMA smoothing weight of the newest week (0 < lambda <= 1; 1 = a Shewhart chart).
    ewma_lambda: float = 0.2
    #: Width of the limits in EWMA standard deviations: 3 -> 0.27% false alarms per point.
    limit_sigmas: float = 3.0
    #: Fewest baseline weeks with volume needed to set the centre line and the limits.
    min_baseline_weeks: int = 8
    #: An advisor's training counts for a campaign when the advisor has volume on the
    #: campaign within this many weeks of the training week.
    training_presence_weeks: int = 4

    def __post_init__(self) -> None:
        if not 0 < self.ewma_lambda <= 1:
            raise ValueError("ewma_lambda must be in (0, 1]")
        if self.limit_sigmas <= 0:
            raise ValueError("limit_sigmas must be > 0")
        if self.min_baseline_weeks < 2:
            raise ValueError("min_baseline_weeks must be >= 2")

    @classmethod
    def from_analysis_settings(cls, settings: AnalysisSettings | None) -> "ControlChartSettings":
        values = {}
        for f in fields(cls):
            v = getattr(settings, f"control_chart_{f.name}", None) if settings is not None else None
            if v is not None:
                values[f.name] = v
        return cls(**values)


DEFAULT_CHART_SETTINGS = ControlChartSettings()


@dataclass
class EwmaChart:
    value: np.ndarray
    ewma: np.ndarray
    ewma_sd: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    out: np.ndarray  # bool
    centre: float
    sigma_unit: float
    n_baseline: int


def ewma_chart(
    numerator,
    denominator,
    baseline,
    ewma_lambda: float = 0.2,
    limit_sigmas: float = 3.0,
    scale: float = 1.0,
    centre: float | None = None,
    sigma_unit: float | None = None,
) -> EwmaChart:
    """The ratio-aware EWMA chart of one weekly series (see the module docstring).

    numerator, denominator: weekly sums; baseline: bool mask of the weeks that set the centre
    line and sigma_unit (unless given). Weeks with denominator <= 0 have no value, carry the
    EWMA and its variance over, and are not flagged.
    """
    n = np.asarray(numerator, dtype=float)
    d = np.asarray(denominator, dtype=float)
    b = np.asarray(baseline, dtype=bool)
    has = d > 0
    x = np.full(len(d), np.nan)
    x[has] = scale * n[has] / d[has]
    bb = b & has
    k = int(bb.sum())
    mu = float(centre) if centre is not None else (scale * n[bb].sum() / d[bb].sum() if k else float("nan"))
    if sigma_unit is not None:
        s2 = float(sigma_unit) ** 2
    elif k >= 2 and np.isfinite(mu):
        s2 = float(np.sum(d[bb] * (x[bb] - mu) ** 2) / (k - 1))
    else:
        s2 = float("nan")
    lam = float(ewma_lambda)
    z = np.full(len(d), np.nan)
    v = np.full(len(d), np.nan)
    z_prev, v_prev = mu, 0.0
    for t in range(len(d)):
        if has[t]:
            z_prev = lam * x[t] + (1 - lam) * z_prev
            v_prev = lam * lam * s2 / d[t] + (1 - lam) ** 2 * v_prev
        z[t], v[t] = z_prev, v_prev
    sd = np.sqrt(v)
    lo, hi = mu - limit_sigmas * sd, mu + limit_sigmas * sd
    with np.errstate(invalid="ignore"):
        out = has & np.isfinite(sd) & (sd > 0) & ((z < lo) | (z > hi))
    return EwmaChart(x, z, sd, lo, hi, out, mu, float(np.sqrt(s2)) if np.isfinite(s2) else float("nan"), k)


def iso_week_start(values) -> np.ndarray:
    """Dates -> Monday of their ISO week (datetime64[D])."""
    d = to_date_array(values)
    # 1970-01-01 was a Thursday: days since epoch + 3 -> days since a Monday.
    days = d.astype("int64")
    return (days - (days + 3) % 7).astype("datetime64[D]")


def campaign_first_training(weekly_panel: pd.DataFrame, advisors: pd.DataFrame, presence_weeks: int, volume_col: str) -> dict:
    """campaign_id -> earliest trained_on (datetime64[D]) of an advisor with volume on the
    campaign within `presence_weeks` weeks of the training week."""
    if advisors is None or len(advisors) == 0 or "trained_on" not in advisors or "advisor_id" not in weekly_panel:
        return {}
    tr = advisors[["advisor_id", "trained_on"]].dropna().drop_duplicates("advisor_id")
    if tr.empty:
        return {}
    p = weekly_panel[["campaign_id", "advisor_id", "week_start", volume_col]]
    p = p[pd.to_numeric(p[volume_col], errors="coerce").fillna(0) > 0].merge(tr, on="advisor_id")
    if p.empty:
        return {}
    week = iso_week_start(p["week_start"].to_numpy())
    train = to_date_array(p["trained_on"].to_numpy())
    gap = np.abs((week - iso_week_start(train)).astype("int64"))
    p = p.assign(_t=train)[gap <= 7 * presence_weeks]
    return {cid: np.datetime64(g["_t"].min(), "D") for cid, g in p.groupby("campaign_id")}


def _primary(campaigns, selection) -> dict:
    out: dict[object, tuple[list[str], str]] = {}
    if selection is not None and len(selection):
        sel = selection[selection["selected"].fillna(False).astype(bool)]
        for cid, g in sel.groupby("campaign_id"):
            out[cid] = (list(g["indicator"]), "selected")
    if campaigns is not None and len(campaigns) and "primary_indicators" in campaigns:
        for cid, val in zip(campaigns["campaign_id"], campaigns["primary_indicators"]):
            codes = parse_primary_indicators(val)
            if codes:
                out[cid] = (codes, "declared")
    return out


def control_charts(
    weekly_panel: pd.DataFrame,
    advisors: pd.DataFrame,
    campaigns: pd.DataFrame | None,
    registry,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    selection: pd.DataFrame | None = None,
    chart: ControlChartSettings | None = None,
) -> pd.DataFrame:
    """weekly_panel: one row per advisor x campaign x ISO week (`week_start`, any date of the
    week works) with the registry's component columns summed over the week.
    Columns of the result: CONTROL_CHART_COLUMNS."""
    chart = chart or ControlChartSettings.from_analysis_settings(settings)
    specs = {s.code: s for s in normalize_registry(registry)}
    primary = _primary(campaigns, selection)
    if weekly_panel is None or weekly_panel.empty or not primary:
        return finalize([], CONTROL_CHART_COLUMNS)
    wp = weekly_panel.copy()
    wp["week_start"] = iso_week_start(wp["week_start"].to_numpy())
    volume = settings.hours_column if settings.hours_column in wp else None
    first_training = campaign_first_training(wp, advisors, chart.training_presence_weeks, volume) if volume else {}
    rows: list[dict] = []
    for cid, g in wp.groupby("campaign_id", sort=True):
        codes, source = primary.get(cid, ([], None))
        if not codes:
            continue
        w0, w1 = np.datetime64(g["week_start"].min(), "D"), np.datetime64(g["week_start"].max(), "D")
        weeks = np.arange(w0, w1 + np.timedelta64(1, "D"), np.timedelta64(7, "D"))  # datetime64[D]
        index = pd.DatetimeIndex(weeks)
        t0 = first_training.get(cid)
        t0_week = iso_week_start([t0])[0] if t0 is not None else None
        baseline = (weeks + np.timedelta64(7, "D") <= t0) if t0 is not None else np.ones(len(weeks), bool)
        for code in codes:
            spec = specs.get(code)
            if spec is None or spec.numerator not in g or spec.denominator not in g:
                continue
            agg = g.groupby("week_start")[[spec.numerator, spec.denominator]].sum()
            agg.index = pd.DatetimeIndex(agg.index)
            num = agg[spec.numerator].reindex(index, fill_value=0.0).to_numpy(dtype=float)
            den = agg[spec.denominator].reindex(index, fill_value=0.0).to_numpy(dtype=float)
            if "advisor_id" in g:
                active = g[pd.to_numeric(g[spec.denominator], errors="coerce").fillna(0) > 0]
                n_adv = active.groupby("week_start")["advisor_id"].nunique()
                n_adv.index = pd.DatetimeIndex(n_adv.index)
                n_adv = n_adv.reindex(index, fill_value=0).to_numpy()
            else:
                n_adv = np.full(len(weeks), np.nan)
            notes = []
            if t0 is None:
                notes.append("no training on this campaign: limits from all weeks")
            k = int((baseline & (den > 0)).sum())
            if k < chart.min_baseline_weeks:
                notes.append(f"baseline too short ({k} weeks with volume < {chart.min_baseline_weeks}): no limits")
                res = ewma_chart(num, den, baseline, chart.ewma_lambda, chart.limit_sigmas, spec.scale)
                nan = np.full(len(weeks), np.nan)
                res.ewma, res.ewma_sd, res.lower, res.upper = nan, nan, nan, nan
                res.out = np.zeros(len(weeks), bool)
                res.centre, res.sigma_unit = float("nan"), float("nan")
            else:
                res = ewma_chart(num, den, baseline, chart.ewma_lambda, chart.limit_sigmas, spec.scale)
                if not res.sigma_unit > 0:
                    notes.append("no variation in the baseline: no limits")
                    res.lower = res.upper = np.full(len(weeks), np.nan)
            reason = "; ".join(notes) or None
            for i, w in enumerate(weeks):
                wd = w.astype(dt.date)
                iso = wd.isocalendar()
                sig = None
                if res.out[i]:
                    sig = "above" if res.ewma[i] > res.centre else "below"
                meaning = None
                if sig:
                    meaning = "improvement" if (sig == "above") == (spec.direction == "higher") else "deterioration"
                rows.append(
                    {
                        "campaign_id": cid,
                        "indicator": code,
                        "direction": spec.direction,
                        "indicator_source": source,
                        "week_start": wd,
                        "iso_year": iso[0],
                        "iso_week": iso[1],
                        "phase": "baseline" if baseline[i] else "monitoring",
                        "weeks_since_first_training": int((w - t0_week).astype("timedelta64[D]").astype("int64") // 7) if t0_week is not None else None,
                        "first_training_on": t0.astype(dt.date) if t0 is not None else None,
                        "n_advisors": n_adv[i],
                        "numerator": num[i],
                        "denominator": den[i],
                        "value": res.value[i],
                        "ewma": res.ewma[i],
                        "centre_line": res.centre,
                        "lower_limit": res.lower[i],
                        "upper_limit": res.upper[i],
                        "ewma_sd": res.ewma_sd[i],
                        "sigma_unit": res.sigma_unit,
                        "n_baseline_weeks": k,
                        "out_of_control": bool(res.out[i]),
                        "signal": sig,
                        "signal_meaning": meaning,
                        "ewma_lambda": chart.ewma_lambda,
                        "limit_sigmas": chart.limit_sigmas,
                        "reason": reason,
                    }
                )
    return finalize(rows, CONTROL_CHART_COLUMNS)
