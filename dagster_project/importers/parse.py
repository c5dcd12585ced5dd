"""Vectorised typing of source columns, with a per-row first error for the quarantine."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.importers.mapping import ColumnSpec

_INT_RE = r"[+-]?\d+"
_DURATION_RE = r"(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2})"


class Errors:
    """First error per row: (column, reason, detail). Later errors on a row are ignored."""

    def __init__(self, n: int):
        self.n = n
        self.has = np.zeros(n, dtype=bool)
        self.column = np.full(n, "", dtype=object)
        self.reason = np.full(n, "", dtype=object)
        self.detail = np.full(n, "", dtype=object)

    def add(self, mask, column: str, reason: str, detail) -> None:
        """detail: a text, an array/Series aligned with the rows, or a function of the row
        mask returning that (called only when some row fails: details cost nothing otherwise)."""
        mask = np.asarray(mask, dtype=bool) & ~self.has
        if not mask.any():
            return
        self.has |= mask
        self.column[mask] = column
        self.reason[mask] = reason
        if callable(detail):
            detail = detail(mask)
        if isinstance(detail, (pd.Series, np.ndarray)):
            self.detail[mask] = np.asarray(detail, dtype=object)[mask]
        else:
            self.detail[mask] = detail


def clean_text(s: pd.Series, spec: ColumnSpec) -> pd.Series:
    """Stripped text; empty strings and the column's null sentinels become NA."""
    s = s.astype(object).str.strip()
    null = s.isna() | (s == "")
    if spec.null_values:
        null |= s.isin(spec.null_values)
    return s.where(~null, None)


def quoted(s: pd.Series, suffix: str = ""):
    """Lazy detail for Errors.add: "value '<text>'<suffix>" for the failing rows only."""

    def build(mask: np.ndarray) -> np.ndarray:
        out = np.full(len(s), "", dtype=object)
        out[mask] = ["value " + repr(str(v)) + suffix for v in s.to_numpy()[mask]]
        return out

    return build


def parse_column(raw: pd.Series, spec: ColumnSpec, errors: Errors) -> tuple[pd.Series, pd.Series]:
    """(typed values, cleaned text). Invalid values are NA in the typed series and recorded."""
    text = clean_text(raw, spec)
    present = text.notna().to_numpy()
    col = spec.source
    if spec.required:
        errors.add(
            ~present,
            col,
            "missing_value",
            "required value is empty" + (f" or one of {list(spec.null_values)}" if spec.null_values else ""),
        )

    t = spec.type
    if t == "string":
        return text, text
    if t == "integer":
        ok = text.str.fullmatch(_INT_RE).fillna(False).to_numpy(dtype=bool)
        errors.add(present & ~ok, col, "invalid_integer", quoted(text, " is not an integer"))
        values = pd.to_numeric(text.where(ok), errors="coerce").astype("Int64")
    elif t == "decimal":
        norm = text.str.replace(" ", "", regex=False)
        if spec.decimal_separator != ".":
            norm = norm.str.replace(".", "", regex=False).str.replace(spec.decimal_separator, ".", regex=False)
        values = pd.to_numeric(norm, errors="coerce")
        errors.add(present & values.isna().to_numpy(), col, "invalid_decimal", quoted(text, " is not a number"))
    elif t == "duration":
        if spec.format in (None, "seconds"):
            ok = text.str.fullmatch(_INT_RE).fillna(False).to_numpy(dtype=bool)
            values = pd.to_numeric(text.where(ok), errors="coerce").astype("Int64")
        else:
            parts = text.str.extract(_DURATION_RE)
            parts = parts.where(text.str.fullmatch(_DURATION_RE).fillna(False).astype(bool))
            h = pd.to_numeric(parts["h"], errors="coerce").fillna(0)
            m = pd.to_numeric(parts["m"], errors="coerce")
            s = pd.to_numeric(parts["s"], errors="coerce")
            ok = (m.notna() & s.notna() & (s < 60)).to_numpy(dtype=bool)
            values = (h * 3600 + m * 60 + s).where(ok).astype("Int64")
        errors.add(
            present & ~ok, col, "invalid_duration", quoted(text, f" is not a duration ({spec.format or 'seconds'})")
        )
    elif t in ("date", "datetime", "time"):
        parsed = pd.to_datetime(text, format=spec.format, errors="coerce")
        bad = present & parsed.isna().to_numpy()
        errors.add(bad, col, f"invalid_{t}", quoted(text, f" does not match {spec.format}"))
        if t == "date":
            values = parsed.dt.normalize()
        elif t == "time":
            values = parsed - parsed.dt.normalize()
        else:
            values = parsed
        return values, text
    else:  # pragma: no cover - guarded by the mapping validation
        raise ValueError(t)

    if spec.min is not None or spec.max is not None:
        out = np.zeros(len(values), dtype=bool)
        v = values.astype("Float64")
        if spec.min is not None:
            out |= (v < spec.min).fillna(False).to_numpy(dtype=bool)
        if spec.max is not None:
            out |= (v > spec.max).fillna(False).to_numpy(dtype=bool)
        errors.add(out, col, "out_of_range", quoted(text, f" outside [{spec.min}, {spec.max}]"))
    return values, text
