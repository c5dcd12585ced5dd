"""Shared plumbing: the registry, months, dense per-campaign panels, windows, populations.

Months are handled as integers (year * 12 + month - 1) internally and returned as
``datetime.date`` (first day of the month) in outputs, which DuckDB stores as DATE.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .settings import AnalysisSettings
from .stats import IDENTITY, LOG

NEVER = 10**7  # training month index of never-trained advisors


# ----------------------------------------------------------------------------------------
# Registry
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    direction: str  # "higher" | "lower"
    numerator: str
    denominator: str
    scale: float
    unit: str | None

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better (improvement = sign * change)."""
        return -1 if self.direction == "lower" else 1


def normalize_registry(registry: Iterable) -> list[IndicatorSpec]:
    """Accept dicts (dbt_project.yml rows) or objects (dagster_project.indicators.Indicator)."""
    out = []
    for item in registry:
        get = item.get if isinstance(item, dict) else lambda k, d=None, o=item: getattr(o, k, d)
        direction = get("direction")
        if direction not in ("higher", "lower"):
            raise ValueError(f"indicator {get('code')!r}: direction must be 'higher' or 'lower'")
        out.append(
            IndicatorSpec(
                code=str(get("code")),
                direction=direction,
                numerator=str(get("numerator")),
                denominator=str(get("denominator")),
                scale=float(get("scale", 1) or 1),
                unit=get("unit"),
            )
        )
    return out


def transform_for(spec: IndicatorSpec, panel: pd.DataFrame | None = None) -> str:
    """Relative (log) effects, except for score indicators or numerators that can be < 0
    (NPS): their effects are differences in indicator units ("points")."""
    if spec.unit == "score":
        return IDENTITY
    if panel is not None and spec.numerator in panel and (panel[spec.numerator].fillna(0) < 0).any():
        return IDENTITY
    return LOG


def effect_scale(transform: str) -> str:
    return "relative" if transform == LOG else "points"


def required_columns(specs: Iterable[IndicatorSpec]) -> list[str]:
    cols: list[str] = []
    for s in specs:
        for c in (s.numerator, s.denominator):
            if c not in cols:
                cols.append(c)
    return cols


# ----------------------------------------------------------------------------------------
# Months
# ----------------------------------------------------------------------------------------
def month_index(values) -> np.ndarray:
    """Dates / timestamps / ISO strings -> integer month index (NaT -> NEVER)."""
    ts = pd.to_datetime(pd.Series(values), errors="coerce")
    idx = (ts.dt.year * 12 + ts.dt.month - 1).to_numpy(dtype=float, na_value=np.nan)
    return np.where(np.isnan(idx), NEVER, idx).astype(np.int64)


def month_start(idx: int) -> dt.date:
    return dt.date(int(idx) // 12, int(idx) % 12 + 1, 1)


def month_end(idx: int) -> dt.date:
    return month_start(idx + 1) - dt.timedelta(days=1)


def to_date_array(values) -> np.ndarray:
    """-> numpy datetime64[D] (NaT for missing)."""
    return pd.to_datetime(pd.Series(values), errors="coerce").to_numpy(dtype="datetime64[D]")


# ----------------------------------------------------------------------------------------
# Windows
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Windows:
    """Inclusive month-index ranges of one training cohort."""

    cohort: int
    before: tuple[int, int]
    after: tuple[int, int]

    @property
    def first(self) -> int:
        return self.before[0]

    @property
    def last(self) -> int:
        return self.after[1]

    @property
    def before_months(self) -> np.ndarray:
        return np.arange(self.before[0], self.before[1] + 1)

    @property
    def after_months(self) -> np.ndarray:
        return np.arange(self.after[0], self.after[1] + 1)

    def dates(self) -> dict[str, dt.date]:
        return {
            "before_start": month_start(self.before[0]),
            "before_end": month_end(self.before[1]),
            "after_start": month_start(self.after[0]),
            "after_end": month_end(self.after[1]),
        }


def cohort_windows(cohort: int, settings: AnalysisSettings, before: int | None = None, after: int | None = None) -> Windows:
    """Before = `before` months ending just before the dip window; after = `after` months
    starting the month after training (training month excluded) or at the training month."""
    nb = settings.window_months_before if before is None else before
    na = settings.window_months_after if after is None else after
    a0 = cohort + (1 if settings.exclude_training_month else 0)
    b1 = cohort - settings.dip_months - 1
    return Windows(cohort, (b1 - nb + 1, b1), (a0, a0 + na - 1))


# ----------------------------------------------------------------------------------------
# Dense per-campaign panels
# ----------------------------------------------------------------------------------------
@dataclass
class CampaignPanel:
    campaign_id: object
    advisor_ids: np.ndarray  # (A,)
    m0: int  # month index of column 0 (first month of the whole panel)
    m1: int  # last month of the whole panel
    hours: np.ndarray  # (A, M) hours on this campaign
    other_hours: np.ndarray  # (A, M) hours on all other campaigns
    comps: dict[str, np.ndarray]  # component -> (A, M)
    train_month: np.ndarray  # (A,) month index, NEVER if never trained
    trained_on: np.ndarray  # (A,) datetime64[D]
    hired_on: np.ndarray  # (A,) datetime64[D]
    left_on: np.ndarray  # (A,) datetime64[D]

    def cols(self, first: int, last: int) -> slice:
        return slice(first - self.m0, last - self.m0 + 1)

    def in_data(self, first: int, last: int) -> bool:
        return first >= self.m0 and last <= self.m1

    def window_sum(self, comp: str, first: int, last: int, rows=None) -> np.ndarray:
        arr = self.comps[comp] if comp != "__hours__" else self.hours
        sl = arr[:, self.cols(first, last)]
        out = sl.sum(axis=1)
        return out if rows is None else out[rows]

    def enough_hours(self, months: np.ndarray, min_hours: float) -> np.ndarray:
        """(A,) True when the advisor has >= min_hours on this campaign in every month."""
        if len(months) == 0:
            return np.ones(len(self.advisor_ids), dtype=bool)
        return np.all(self.hours[:, months - self.m0] >= min_hours, axis=1)

    def present(self, first: int, last: int) -> np.ndarray:
        """(A,) True when the advisor has any hours on this campaign in [first, last] (clipped)."""
        f, l = max(first, self.m0), min(last, self.m1)
        if f > l:
            return np.zeros(len(self.advisor_ids), dtype=bool)
        return self.hours[:, self.cols(f, l)].sum(axis=1) > 0


def build_campaign_panels(
    panel: pd.DataFrame, advisors: pd.DataFrame, components: list[str], settings: AnalysisSettings
) -> dict[object, CampaignPanel]:
    hcol = settings.hours_column
    needed = {"advisor_id", "campaign_id", "month", hcol, *components}
    missing = sorted(needed - set(panel.columns))
    if missing:
        raise ValueError(f"panel is missing columns: {missing}")
    if panel.empty:
        return {}
    comps = [c for c in dict.fromkeys(components) if c != hcol]
    df = panel[["advisor_id", "campaign_id", "month", hcol, *comps]].copy()
    df["_m"] = month_index(df["month"].to_numpy())
    for c in [hcol, *comps]:
        df[c] = pd.to_numeric(df[c], errors="coerce").fillna(0.0).astype(float)
    df = df.groupby(["campaign_id", "advisor_id", "_m"], as_index=False, sort=True)[[hcol, *comps]].sum()
    m0, m1 = int(df["_m"].min()), int(df["_m"].max())
    n_months = m1 - m0 + 1

    total_hours = df.groupby(["advisor_id", "_m"])[hcol].sum()

    adv = advisors.drop_duplicates("advisor_id").set_index("advisor_id")
    if "training_month" in adv and adv["training_month"].notna().any():
        train_src = adv["training_month"].where(adv["training_month"].notna(), adv.get("trained_on"))
    else:
        train_src = adv["trained_on"] if "trained_on" in adv else pd.Series(pd.NaT, index=adv.index)

    out: dict[object, CampaignPanel] = {}
    for cid, g in df.groupby("campaign_id", sort=True):
        ids = np.array(sorted(g["advisor_id"].unique(), key=str), dtype=object)
        pos = {a: i for i, a in enumerate(ids)}
        r = g["advisor_id"].map(pos).to_numpy()
        c = g["_m"].to_numpy() - m0
        arrays = {}
        for col in [hcol, *comps]:
            a = np.zeros((len(ids), n_months))
            a[r, c] = g[col].to_numpy()
            arrays[col] = a
        tot = np.zeros((len(ids), n_months))
        th = total_hours.loc[total_hours.index.get_level_values(0).isin(ids)]
        tr = np.array([pos[a] for a in th.index.get_level_values(0)])
        tc = th.index.get_level_values(1).to_numpy() - m0
        if len(tr):
            tot[tr, tc] = th.to_numpy()
        sub = adv.reindex(ids)
        out[cid] = CampaignPanel(
            campaign_id=cid,
            advisor_ids=ids,
            m0=m0,
            m1=m1,
            hours=arrays[hcol],
            other_hours=tot - arrays[hcol],
            comps={**{k: v for k, v in arrays.items() if k != hcol}, hcol: arrays[hcol]},
            train_month=month_index(train_src.reindex(ids).to_numpy()),
            trained_on=to_date_array(sub["trained_on"].to_numpy() if "trained_on" in sub else [None] * len(ids)),
            hired_on=to_date_array(sub["hired_on"].to_numpy() if "hired_on" in sub else [None] * len(ids)),
            left_on=to_date_array(sub["left_on"].to_numpy() if "left_on" in sub else [None] * len(ids)),
        )
    return out


# ----------------------------------------------------------------------------------------
# Populations of one cohort
# ----------------------------------------------------------------------------------------
EXCLUSION_REASONS = ("left", "joined", "changed_campaign", "too_few_hours", "window_outside_data")


@dataclass
class Cohort:
    campaign_id: object
    windows: Windows
    trained: np.ndarray  # row indices of trained advisors of the cohort present in the windows
    treated: np.ndarray  # stable trained (row indices)
    controls: np.ndarray  # stable not-yet-trained / never-trained (row indices)
    excluded: dict[str, np.ndarray]  # reason -> row indices
    window_complete: bool


def classify_unstable(cp: CampaignPanel, rows: np.ndarray, w: Windows, settings: AnalysisSettings) -> dict[str, np.ndarray]:
    """Why advisors are not stable, first matching reason wins:
    left (left_on on or before the end of the after window), joined (hired after the start
    of the before window), changed_campaign (in a month lacking hours here, >= the minimum
    on other campaigns), too_few_hours (otherwise)."""
    out = {k: np.array([], dtype=int) for k in EXCLUSION_REASONS}
    if len(rows) == 0:
        return out
    d = w.dates()
    after_end = np.datetime64(d["after_end"], "D")
    before_start = np.datetime64(d["before_start"], "D")
    left = ~np.isnat(cp.left_on[rows]) & (cp.left_on[rows] <= after_end)
    joined = ~left & ~np.isnat(cp.hired_on[rows]) & (cp.hired_on[rows] > before_start)
    months = np.concatenate([w.before_months, w.after_months]) - cp.m0
    h = cp.hours[np.ix_(rows, months)]
    o = cp.other_hours[np.ix_(rows, months)]
    moved = np.any((h < settings.min_hours_per_month) & (o >= settings.min_hours_per_month), axis=1)
    changed = ~left & ~joined & moved
    rest = ~left & ~joined & ~changed
    out.update(left=rows[left], joined=rows[joined], changed_campaign=rows[changed], too_few_hours=rows[rest])
    return out


def cohort_populations(cp: CampaignPanel, cohort: int, w: Windows, settings: AnalysisSettings) -> Cohort:
    months = np.concatenate([w.before_months, w.after_months])
    present = cp.present(w.first, w.last)
    trained = np.flatnonzero((cp.train_month == cohort) & present)
    excluded = {k: np.array([], dtype=int) for k in EXCLUSION_REASONS}
    complete = cp.in_data(w.first, w.last)
    if not complete:
        excluded["window_outside_data"] = trained
        return Cohort(cp.campaign_id, w, trained, np.array([], dtype=int), np.array([], dtype=int), excluded, False)
    stable = cp.enough_hours(months, settings.min_hours_per_month)
    treated = trained[stable[trained]]
    excluded.update(classify_unstable(cp, trained[~stable[trained]], w, settings))
    # Controls: never trained, or trained after the after window AND after its own dip
    # window (so no control month is a treated / dip month). Already-trained: never.
    not_yet = cp.train_month > w.last + settings.dip_months
    controls = np.flatnonzero(not_yet & present & stable)
    return Cohort(cp.campaign_id, w, trained, treated, controls, excluded, True)


def campaign_cohorts(cp: CampaignPanel, settings: AnalysisSettings) -> list[int]:
    """Training months of advisors with hours on this campaign around their training."""
    out = []
    for g in np.unique(cp.train_month[cp.train_month != NEVER]):
        w = cohort_windows(int(g), settings)
        if np.any((cp.train_month == g) & cp.present(w.first, w.last)):
            out.append(int(g))
    return out


# ----------------------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------------------
def events_overlapping(events: pd.DataFrame | None, campaign_id, ranges: Iterable[tuple[dt.date, dt.date]]) -> pd.DataFrame:
    """Events of the campaign or of all campaigns (campaign_id null) overlapping any range.
    An event without ends_on is ongoing."""
    if events is None or len(events) == 0:
        return pd.DataFrame(columns=["event_id", "kind"])
    ev = events
    cid = ev["campaign_id"]
    mine = cid.isna() | (cid.astype(object) == campaign_id)
    ev = ev[mine.to_numpy()]
    if ev.empty:
        return ev
    s = to_date_array(ev["starts_on"].to_numpy())
    e = to_date_array(ev["ends_on"].to_numpy())
    e = np.where(np.isnat(e), np.datetime64("9999-12-31"), e)
    hit = np.zeros(len(ev), dtype=bool)
    for a, b in ranges:
        hit |= (s <= np.datetime64(b, "D")) & (e >= np.datetime64(a, "D"))
    return ev[hit]
