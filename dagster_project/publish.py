"""The published copy: what analysts and reports read, replaced atomically.

The pipeline writes `WAREHOUSE_PATH`; analysts never open that file (DuckDB allows one
writer or many readers). After a successful build whose blocking checks passed, the
schemas analysts need are copied into a new file beside the published one, which then
replaces it with an atomic rename. An analyst holding the old copy open keeps reading it
undisturbed; a failed or killed run never reaches the rename, so the published copy is
unchanged.

Privacy: only the schemas listed in PUBLISHED_SCHEMAS are copied (never raw, staging or
intermediate, which hold landing values), columns listed in WITHHELD_COLUMNS are left out,
and analysis rows about groups smaller than `min_group_size` advisors are suppressed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.warehouse import connect

PUBLISHED_SCHEMAS = ("marts", "analysis")
# Columns that may carry raw landing values (e.g. a quarantined row as text).
WITHHELD_COLUMNS = frozenset({"raw_row", "row_json", "raw_line", "raw_values"})
# Analysis columns that count advisors in a compared group: a row where any of them is
# below the minimum has its estimates suppressed (set to NULL) and `suppressed` = true.
GROUP_SIZE_COLUMNS = ("n_stable", "n_comparison", "n_adopters", "n_rest", "n_treated", "n_control", "n_advisors")
ESTIMATE_PREFIXES = ("plain_", "adjusted_", "lift", "att", "gap", "ci_", "p_", "q_", "estimate", "value", "se")


@dataclass(frozen=True)
class PublishReport:
    path: Path
    tables: int
    rows_suppressed: int


def published_path_for(warehouse_path: Path) -> Path:
    env = os.environ.get("PUBLISHED_PATH")
    if env:
        return Path(env).expanduser().resolve()
    return warehouse_path.with_name(warehouse_path.stem + ".published.duckdb")


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'src' and schema_name = ? order by 1", [schema]
        ).fetchall()
    ]


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() where database_name = 'src' and schema_name = ? and table_name = ?"
            " order by column_index",
            [schema, table],
        ).fetchall()
    ]


def publish(warehouse_path: Path, published_path: Path, min_group_size: int = 5) -> PublishReport:
    """Copy the published schemas to `published_path`, atomically."""
    published_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = published_path.with_name(f".{published_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    tables = suppressed = 0
    try:
        with connect(tmp) as con:
            con.execute(f"attach '{warehouse_path}' as src (read_only)")
            for schema in PUBLISHED_SCHEMAS:
                names = _tables(con, schema)
                if not names:
                    continue
                con.execute(f"create schema if not exists {schema}")
                for table in names:
                    cols = [c for c in _columns(con, schema, table) if c not in WITHHELD_COLUMNS]
                    select = ", ".join(f'"{c}"' for c in cols)
                    con.execute(f'create table {schema}."{table}" as select {select} from src.{schema}."{table}"')
                    tables += 1
                    if schema == "analysis":
                        suppressed += _suppress_small_groups(con, schema, table, cols, min_group_size)
            con.execute("detach src")
            con.execute("checkpoint")
        os.replace(tmp, published_path)  # atomic on one filesystem
    finally:
        tmp.unlink(missing_ok=True)
    return PublishReport(published_path, tables, suppressed)


def _suppress_small_groups(con, schema: str, table: str, cols: list[str], min_group_size: int) -> int:
    size_cols = [c for c in cols if c in GROUP_SIZE_COLUMNS]
    estimate_cols = [c for c in cols if c.startswith(ESTIMATE_PREFIXES)]
    if not size_cols or not estimate_cols:
        return 0
    small = " or ".join(f'coalesce("{c}", 0) < {int(min_group_size)}' for c in size_cols)
    con.execute(f'alter table {schema}."{table}" add column suppressed boolean default false')
    n = con.execute(f'select count(*) from {schema}."{table}" where {small}').fetchone()[0]
    if n:
        sets = ", ".join(f'"{c}" = null' for c in estimate_cols)
        con.execute(f'update {schema}."{table}" set {sets}, suppressed = true where {small}')
    return n
