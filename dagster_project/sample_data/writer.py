"""Writes generated frames to the landing layout with DuckDB (CSV or Parquet).

Frames hold numbers only (indexes, day offsets, local epoch seconds, UTC offsets in
minutes); the SELECT of each table turns them into the contract's text forms: ids with
leading zeros, dates YYYY-MM-DD, timestamps ISO 8601 with the campaign's UTC offset.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

NULL_INT = -1  # null sentinel for ids, seconds, timestamps in the frames
NULL_DAY = -(10**6)


def _offset_text(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class Writer:
    def __init__(self, out_dir: Path, fmt: str, start: date, offsets=(0,)):
        if fmt not in ("csv", "parquet"):
            raise ValueError("fmt must be 'csv' or 'parquet'")
        self.out_dir = Path(out_dir)
        self.fmt = fmt
        self.start = start
        self.offsets = sorted({int(o) for o in offsets})  # every UTC offset (minutes) that can occur
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        self.rows: dict[str, int] = {}
        self.files: dict[str, int] = {}

    # --- SQL expression helpers --------------------------------------------------------
    @staticmethod
    def id(col: str, prefix: str, width: int) -> str:
        return f"CASE WHEN ({col}) >= 0 THEN '{prefix}' || lpad(({col})::VARCHAR, {width}, '0') END"

    def day(self, col: str) -> str:
        return f"CASE WHEN ({col}) > {NULL_DAY} THEN (DATE '{self.start.isoformat()}' + ({col})::INTEGER)::VARCHAR END"

    def ts(self, col: str, off: str) -> str:
        """Local epoch seconds + offset minutes -> 2024-03-31T10:00:00+02:00."""
        cases = " ".join(f"WHEN {o} THEN '{_offset_text(o)}'" for o in self.offsets)
        return (
            f"CASE WHEN {col} >= 0 THEN replace(make_timestamp({col}::BIGINT * 1000000)::VARCHAR, ' ', 'T')"
            f" || CASE {off} {cases} END END"
        )

    @staticmethod
    def lookup(col: str, values: tuple[str, ...] | list[str]) -> str:
        lst = "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"
        return f"{lst}[{col} + 1]"

    # --- writing -----------------------------------------------------------------------
    def write(self, table: str, stem: str, frame: pd.DataFrame, columns: list[tuple[str, str]], order: str) -> Path:
        folder = self.out_dir / table
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stem}.{self.fmt}"
        select = ", ".join(f"{expr} AS {name}" for name, expr in columns)
        opts = "FORMAT parquet, COMPRESSION zstd" if self.fmt == "parquet" else "FORMAT csv, HEADER true, DELIMITER ','"
        sql_path = path.as_posix().replace("'", "''")
        self.con.register("_frame", frame)
        try:
            self.con.execute(
                f"COPY (SELECT {select} FROM _frame ORDER BY {order}) TO '{sql_path}' ({opts})"
            )
        finally:
            self.con.unregister("_frame")
        self.rows[table] = self.rows.get(table, 0) + len(frame)
        self.files[table] = self.files.get(table, 0) + 1
        return path

    def close(self) -> None:
        self.con.close()
