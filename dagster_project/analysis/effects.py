"""Turning a combined estimate into reported columns, with the "no finding" rules.

Rules (never print p = 0 or NaN as a finding):
* a group below ``min_group_size`` advisors -> insufficient data: the point estimate is shown,
  CI, p and q are NULL;
* a group of fewer than 2 advisors -> variance not estimable: same;
* a standard error <= ``zero_variance_tol`` -> zero variance: flagged, the estimate is shown
  (snapped to exactly 0 when it is floating-point noise), CI, p and q are NULL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .settings import AnalysisSettings
from .stats import LOG, Combined, benjamini_hochberg, t_inference, to_effect

#: The reported fields of an Effect, in column order: Effect.columns(prefix) writes
#: "<prefix>_<field>" for each (then "<prefix>_p_value"); effect_column_types declares them.
EFFECT_FIELDS = (
    "estimate", "se", "df", "lift", "lift_ci_low", "lift_ci_high",
    "improvement", "improvement_ci_low", "improvement_ci_high",
)


@dataclass
class Effect:
    estimate: float = float("nan")  # log scale (relative) or indicator units (points)
    se: float = float("nan")
    df: float = float("nan")
    lift: float = float("nan")  # exp(estimate) - 1, or estimate for points
    lift_ci_low: float = float("nan")
    lift_ci_high: float = float("nan")
    improvement: float = float("nan")  # sign * lift (lower-is-better flips the sign)
    improvement_ci_low: float = float("nan")
    improvement_ci_high: float = float("nan")
    p_value: float = float("nan")
    insufficient: bool = False
    zero_variance: bool = False
    notes: list[str] = field(default_factory=list)

    def columns(self, prefix: str, with_p: bool = True) -> dict:
        out = {f"{prefix}_{name}": getattr(self, name) for name in EFFECT_FIELDS}
        if with_p:
            out[f"{prefix}_p_value"] = self.p_value
        return out


def effect_column_types(prefix: str, with_p: bool = True) -> dict[str, str]:
    """Column declarations (name -> DuckDB type) of what Effect.columns(prefix) writes."""
    out = {f"{prefix}_{name}": "DOUBLE" for name in EFFECT_FIELDS}
    if with_p:
        out[f"{prefix}_p_value"] = "DOUBLE"
    return out


def q_value_column_types(q_column: str = "adjusted_q_value") -> dict[str, str]:
    """Column declarations of what add_q_values writes."""
    return {q_column: "DOUBLE", "significant": "BOOLEAN", "fdr_family": "VARCHAR", "fdr_family_size": "INTEGER"}


def make_effect(
    comb: Combined | None,
    transform: str,
    sign: int,
    groups: Sequence[tuple[str, int]],
    settings: AnalysisSettings,
    what: str = "",
) -> Effect:
    """groups: (name, number of advisors) of each compared group, for the size rules."""
    eff = Effect()
    label = f"{what}: " if what else ""
    if comb is None or not np.isfinite(comb.estimate):
        eff.insufficient = True
        return eff
    est = comb.estimate
    for name, n in groups:
        if n < settings.min_group_size:
            eff.insufficient = True
            eff.notes.append(f"{label}{name} below the minimum group size ({n} < {settings.min_group_size})")
    if not np.isfinite(comb.se):
        eff.insufficient = True
        eff.notes.append(f"{label}variance not estimable (a group has fewer than 2 advisors)")
    elif comb.se <= settings.zero_variance_tol:
        eff.insufficient = True
        eff.zero_variance = True
        eff.notes.append(f"{label}zero variance: every advisor moved identically, no significance claimed")
        if abs(est) <= settings.zero_variance_tol:
            est = 0.0
    eff.estimate, eff.se, eff.df = est, comb.se, comb.df
    eff.lift = to_effect(est, transform)
    eff.improvement = sign * eff.lift
    if not eff.insufficient:
        t = t_inference(est, comb.se, comb.df, settings.alpha)
        eff.p_value = t.p_value
        lo, hi = to_effect(t.ci_low, transform), to_effect(t.ci_high, transform)
        eff.lift_ci_low, eff.lift_ci_high = lo, hi
        a, b = sign * lo, sign * hi
        eff.improvement_ci_low, eff.improvement_ci_high = min(a, b), max(a, b)
    return eff


def add_q_values(
    df: pd.DataFrame,
    family: str,
    mask: pd.Series | np.ndarray | None = None,
    alpha: float = 0.05,
    p_column: str = "adjusted_p_value",
    q_column: str = "adjusted_q_value",
) -> pd.DataFrame:
    """Benjamini-Hochberg over the rows in `mask` (all rows by default) with a p-value.

    Writes q_column, fdr_family (the family's name), fdr_family_size (m, the number of rows
    with a p-value in the family) and significant (q < alpha, NULL without q) on those rows.
    """
    df = df.copy()
    for col, default in ((q_column, np.nan), ("fdr_family", None), ("fdr_family_size", pd.NA), ("significant", pd.NA)):
        if col not in df:
            df[col] = default
    if "fdr_family_size" in df:
        df["fdr_family_size"] = df["fdr_family_size"].astype("Int64")
    if "significant" in df:
        df["significant"] = df["significant"].astype("boolean")
    m = np.ones(len(df), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if not m.any():
        return df
    p = pd.to_numeric(df.loc[m, p_column], errors="coerce").to_numpy(dtype=float)
    q = benjamini_hochberg(p)
    size = int(np.isfinite(p).sum())
    df.loc[m, q_column] = q
    df.loc[m, "fdr_family"] = family
    df.loc[m, "fdr_family_size"] = size
    sig = pd.array([pd.NA if not np.isfinite(v) else bool(v < alpha) for v in q], dtype="boolean")
    df.loc[m, "significant"] = sig
    return df


def finalize(df_rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """Rows -> DataFrame with exactly `columns` (name -> DuckDB type), in order, typed."""
    df = pd.DataFrame(df_rows)
    for col, typ in columns.items():
        if col not in df:
            df[col] = None
        if typ in ("DOUBLE",):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
        elif typ in ("INTEGER", "BIGINT"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
        elif typ == "BOOLEAN":
            df[col] = pd.array([pd.NA if (v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))) else bool(v) for v in df[col]], dtype="boolean")
        elif typ == "DATE":
            df[col] = pd.Series([None if (v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))) else v for v in df[col]], dtype=object, index=df.index)
        elif typ == "VARCHAR":
            df[col] = pd.Series([None if (v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))) else str(v) for v in df[col]], dtype=object, index=df.index)
    return df[list(columns)].reset_index(drop=True)


def sign_for(direction: str) -> int:
    return -1 if direction == "lower" else 1


__all__ = [
    "EFFECT_FIELDS", "Effect", "make_effect", "effect_column_types", "q_value_column_types", "add_q_values",
    "finalize", "sign_for", "LOG",
]
