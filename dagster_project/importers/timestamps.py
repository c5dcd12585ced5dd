"""Local wall-clock times -> ISO 8601 with the right UTC offset, DST-aware.

Vectorised with pandas `tz_localize`; only the rare wall-clock readings that are ambiguous
(the repeated hour when clocks go back) or nonexistent (the skipped hour when clocks go
forward) are resolved one by one with `zoneinfo`, following PEP 495:

- ambiguous, rule `earlier` (default): the first occurrence, i.e. the offset in force
  before the change (summer time); `later`: the second occurrence (winter time);
  `quarantine`: the row goes to the quarantine with reason `ambiguous_time`.
- nonexistent, rule `shift_forward` (default): the reading is taken with the offset in
  force before the change, which lands it after the gap by the gap's length
  (Europe/Paris 2024-03-31 02:30 -> 03:30+02:00, the same instant as 02:30+01:00, which is
  what a clock not yet moved forward shows); `quarantine`: reason `nonexistent_time`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd


@dataclass
class Localized:
    local: pd.Series  # naive wall clock after resolution (datetime64)
    utc: pd.Series  # naive UTC instant (datetime64): use it for durations and gaps
    iso: pd.Series  # "YYYY-MM-DDTHH:MM:SS+HH:MM" (object, None where the input is NA/unresolved)
    ambiguous: np.ndarray  # bool: reading was ambiguous
    nonexistent: np.ndarray  # bool: reading was nonexistent


def _offset_text(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(int(seconds))
    return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def localize(
    naive: pd.Series, tz: str, ambiguous_rule: str = "earlier", nonexistent_rule: str = "shift_forward"
) -> Localized:
    naive = pd.to_datetime(naive).astype("datetime64[us]")
    present = naive.notna().to_numpy()
    aware = naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    unresolved = present & aware.isna().to_numpy()
    utc = aware.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")

    amb = np.zeros(len(naive), dtype=bool)
    nonex = np.zeros(len(naive), dtype=bool)
    if unresolved.any():
        zone = ZoneInfo(tz)
        idx = np.flatnonzero(unresolved)
        fixes = []
        for i in idx:  # rare: only readings inside a DST transition
            t: datetime = naive.iloc[i].to_pydatetime()
            off0 = t.replace(tzinfo=zone, fold=0).utcoffset()
            off1 = t.replace(tzinfo=zone, fold=1).utcoffset()
            u0 = t - off0
            exists = (u0.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)) == t
            if exists:  # ambiguous: both offsets give back the same wall clock
                amb[i] = True
                fixes.append(
                    None if ambiguous_rule == "quarantine" else (u0 if ambiguous_rule == "earlier" else t - off1)
                )
            else:
                nonex[i] = True
                fixes.append(None if nonexistent_rule == "quarantine" else u0)
        fix_series = pd.Series(pd.to_datetime([f if f is not None else pd.NaT for f in fixes]), index=naive.index[idx])
        utc = utc.copy()
        utc.iloc[idx] = fix_series.astype("datetime64[us]").to_numpy()

    aware_all = utc.dt.tz_localize("UTC").dt.tz_convert(tz)
    local = aware_all.dt.tz_localize(None).astype("datetime64[us]")
    offset_s = ((local - utc) // pd.Timedelta(seconds=1)).astype("Int64")
    offsets = {int(o): _offset_text(int(o)) for o in offset_s.dropna().unique()}
    iso = local.dt.strftime("%Y-%m-%dT%H:%M:%S") + offset_s.map(offsets, na_action="ignore").astype(object)
    iso = iso.astype(object).where(local.notna(), None)
    return Localized(local=local, utc=utc, iso=iso, ambiguous=amb, nonexistent=nonex)


def next_day_if_before(date: pd.Series, time: pd.Series, anchor: pd.Series | None, threshold_hours: float) -> pd.Series:
    """date + time, one day later where the time is more than `threshold_hours` earlier than
    the anchor time of the same row (the clock passed midnight between anchor and time)."""
    ts = date + time
    if anchor is not None:
        rolled = ((time - anchor) < -pd.Timedelta(hours=threshold_hours)).fillna(False).to_numpy(dtype=bool)
        ts = ts.where(~rolled, ts + timedelta(days=1))
    return ts
