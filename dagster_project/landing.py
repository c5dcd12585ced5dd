"""Landing loader: copies landing files into the warehouse's `raw` schema as text.

One folder per contract table under the landing folder, any number of CSV (UTF-8, comma,
header) or Parquet files in each. Every contract column lands as VARCHAR, with the file's
delivery id and the row's line number, so staging can cast, validate and quarantine each
value with file, line and column. Rules:

- a file whose exact bytes were already loaded for that table is skipped (re-delivery of the
  same file adds nothing); a changed file is a new delivery, and staging keeps the latest
  delivery per natural key;
- a file missing a required column refuses the whole load, before anything is written;
- rows DuckDB cannot split into fields (too many / too few columns, bad quoting, invalid
  UTF-8) go to raw._load_rejects with their line; the other rows of the file still load;
- everything is written in one transaction: a failed load leaves the warehouse unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb
import yaml

from dagster_project.settings import CONTRACT_FILE
from dagster_project.warehouse import connect

log = logging.getLogger(__name__)

FILE_PATTERNS = ("*.csv", "*.parquet")


class LandingSchemaError(ValueError):
    """A landing file does not have the columns the contract requires."""


@dataclass(frozen=True)
class TableContract:
    name: str
    columns: tuple[str, ...]
    required: frozenset[str]
    natural_key: tuple[str, ...]
    accepted_values: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def load_contract() -> dict[str, TableContract]:
    """The landing contract, from the dbt sources file (its one machine-readable form)."""
    with open(CONTRACT_FILE, encoding="utf-8") as f:
        sources = yaml.safe_load(f)["sources"]
    (raw,) = [s for s in sources if s["name"] == "raw"]
    contract = {}
    for table in raw["tables"]:
        cols = table["columns"]
        contract[table["name"]] = TableContract(
            name=table["name"],
            columns=tuple(c["name"] for c in cols),
            required=frozenset(c["name"] for c in cols if (c.get("meta") or {}).get("required")),
            natural_key=tuple(table["meta"]["natural_key"]),
            accepted_values={
                c["name"]: tuple(str(v) for v in c["meta"]["accepted_values"])
                for c in cols
                if "accepted_values" in (c.get("meta") or {})
            },
        )
    return contract


@dataclass
class TableLoad:
    files_loaded: int = 0
    files_skipped: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    extra_columns: set[str] = field(default_factory=set)


@dataclass
class LoadReport:
    tables: dict[str, TableLoad] = field(default_factory=dict)
    unknown_folders: list[str] = field(default_factory=list)

    @property
    def files_loaded(self) -> int:
        return sum(t.files_loaded for t in self.tables.values())

    @property
    def rows_loaded(self) -> int:
        return sum(t.rows_loaded for t in self.tables.values())

    @property
    def rows_rejected(self) -> int:
        return sum(t.rows_rejected for t in self.tables.values())

    def summary(self) -> str:
        parts = [
            f"{name}: {t.files_loaded} new file(s), {t.rows_loaded} rows, {t.rows_rejected} rejected,"
            f" {t.files_skipped} already loaded"
            for name, t in self.tables.items()
            if t.files_loaded or t.files_skipped
        ]
        return "; ".join(parts) or "no landing files"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    if path.suffix == ".parquet":
        rows = con.execute("select name from parquet_schema(?) where num_children is null", [str(path)]).fetchall()
        return [r[0] for r in rows]
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f), [])
    return [h.strip() for h in header]


def discover(landing_dir: Path) -> tuple[dict[str, list[Path]], list[str]]:
    """Files per contract table, in name order; folders that are not contract tables."""
    contract = load_contract()
    files = {name: sorted(p for pat in FILE_PATTERNS for p in (landing_dir / name).glob(pat)) for name in contract}
    unknown = sorted(
        p.name for p in landing_dir.iterdir() if p.is_dir() and p.name not in contract and not p.name.startswith(("_", "."))
    ) if landing_dir.is_dir() else []
    return files, unknown


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    con.execute("create sequence if not exists raw._delivery_seq start 1")
    con.execute(
        """create table if not exists raw._deliveries (
            delivery_id integer primary key, table_name varchar, file_name varchar,
            file_sha256 varchar, rows_loaded bigint, rows_rejected bigint,
            loaded_at timestamptz default current_timestamp)"""
    )
    con.execute(
        """create table if not exists raw._load_rejects (
            delivery_id integer, table_name varchar, file_name varchar, line bigint,
            column_name varchar, reason varchar, raw_line varchar)"""
    )
    for table in load_contract().values():
        cols = ", ".join(f'"{c}" varchar' for c in table.columns)
        con.execute(f"create table if not exists raw.{table.name} ({cols}, _delivery_id integer, _line bigint)")


def _load_file(
    con: duckdb.DuckDBPyConnection, table: TableContract, path: Path, file_name: str, present: set[str]
) -> tuple[int, int, int]:
    """Insert one file; returns (delivery_id, rows loaded, rows rejected)."""
    delivery_id = con.execute("select nextval('raw._delivery_seq')").fetchone()[0]
    select_cols = ", ".join(f'"{c}"::varchar' if c in present else "null::varchar" for c in table.columns)
    if path.suffix == ".parquet":
        con.execute(
            f"""insert into raw.{table.name}
                select {select_cols}, {delivery_id}, row_number() over ()
                from read_parquet(?)""",
            [str(path)],
        )
        rejected = 0
    else:
        con.execute("drop table if exists _rejects_errors; drop table if exists _rejects_scans")
        con.execute(
            f"""create temp table _file_rows as
                select *, row_number() over () as _rn
                from read_csv(?, all_varchar = true, header = true, delim = ',', quote = '"',
                              escape = '"', encoding = 'utf-8', store_rejects = true,
                              rejects_table = '_rejects_errors', rejects_scan = '_rejects_scans',
                              auto_detect = false, columns = {{{', '.join(f"'{c}': 'VARCHAR'" for c in _file_columns(con, path))}}})""",
            [str(path)],
        )
        # DuckDB numbers rows after dropping rejects; recover the file line of each row
        # from the reject lines (header = line 1, one line per record).
        con.execute(
            """create temp table _reject_lines as
               select line, row_number() over (order by line) as j
               from (select distinct line from _rejects_errors)"""
        )
        con.execute(
            f"""insert into raw.{table.name}
                select {select_cols}, {delivery_id},
                       _rn + 1 + (select count(*) from _reject_lines r where r.line - 1 - r.j < _rn)
                from _file_rows"""
        )
        rejected = con.execute("select count(distinct line) from _rejects_errors").fetchone()[0]
        con.execute(
            """insert into raw._load_rejects
               select ?, ?, ?, line, column_name, error_type::varchar || ': ' || error_message, csv_line
               from _rejects_errors
               qualify row_number() over (partition by line order by column_idx) = 1""",
            [delivery_id, table.name, file_name],
        )
        con.execute("drop table _file_rows; drop table _reject_lines")
    loaded = con.execute(f"select count(*) from raw.{table.name} where _delivery_id = ?", [delivery_id]).fetchone()[0]
    return delivery_id, loaded, rejected


def load_landing(landing_dir: Path, warehouse_path: Path) -> LoadReport:
    """Load every new landing file into raw.* in one transaction."""
    landing_dir = Path(landing_dir)
    if not landing_dir.is_dir():
        raise FileNotFoundError(f"Landing folder {landing_dir} does not exist (set LANDING_DIR)")
    contract = load_contract()
    files, unknown = discover(landing_dir)
    report = LoadReport(tables={name: TableLoad() for name in contract}, unknown_folders=unknown)
    for name in unknown:
        log.warning("Landing folder %s is not a contract table; ignored", landing_dir / name)

    with connect(warehouse_path) as con:
        ensure_raw_schema(con)
        loaded_hashes = set(con.execute("select table_name, file_sha256 from raw._deliveries").fetchall())

        # First pass: decide what is new and check every new file's columns before writing.
        todo: list[tuple[TableContract, Path, str, set[str]]] = []
        errors: list[str] = []
        for name, paths in files.items():
            table = contract[name]
            for path in paths:
                sha = file_sha256(path)
                if (name, sha) in loaded_hashes:
                    report.tables[name].files_skipped += 1
                    continue
                loaded_hashes.add((name, sha))  # the same bytes twice in one delivery load once
                cols = _file_columns(con, path)
                missing = sorted(table.required - set(cols))
                if missing:
                    errors.append(
                        f"{path}: missing required column(s) {', '.join(missing)} for table '{name}'"
                        f" (header has: {', '.join(cols) or 'nothing'})"
                    )
                    continue
                report.tables[name].extra_columns |= set(cols) - set(table.columns)
                todo.append((table, path, sha, set(cols)))
        if errors:
            raise LandingSchemaError("Landing load refused, nothing was written:\n" + "\n".join(errors))

        con.execute("begin transaction")
        try:
            for table, path, sha, present in todo:
                file_name = path.relative_to(landing_dir).as_posix()
                delivery_id, rows, rejected = _load_file(con, table, path, file_name, present)
                con.execute(
                    "insert into raw._deliveries (delivery_id, table_name, file_name, file_sha256, rows_loaded, rows_rejected)"
                    " values (?, ?, ?, ?, ?, ?)",
                    [delivery_id, table.name, file_name, sha, rows, rejected],
                )
                stats = report.tables[table.name]
                stats.files_loaded += 1
                stats.rows_loaded += rows
                stats.rows_rejected += rejected
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return report
