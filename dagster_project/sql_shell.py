"""Read-only SQL shell on the published copy (marts.* and analysis.*).

    uv run python -m dagster_project.sql_shell                 # interactive prompt
    uv run python -m dagster_project.sql_shell -c "select ..."  # one-shot, then exit
    uv run python -m dagster_project.sql_shell --db other.duckdb

Statements end with ';' (several lines are fine). Meta-commands: .tables, .describe <table>,
.indicators, .help, .quit. The file is always opened read-only. The pipeline's own warehouse
(WAREHOUSE_PATH) is refused: a session holding it open would block the nightly run; read the
published copy, which is replaced atomically under open sessions (they keep the old copy
until they reconnect). `--allow-warehouse` overrides, still read-only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from dagster_project import settings
from dagster_project.publish import published_path_for
from dagster_project.warehouse import connect

PROMPT, CONTINUATION = "sql> ", "...> "
HELP = """Statements end with ';'. Meta-commands (no ';'):
  .tables               schemas and tables
  .describe TABLE       columns of a table (e.g. .describe marts.fct_advisor_campaign_monthly)
  .indicators           the indicator registry (marts.dim_indicators)
  .help                 this text
  .quit                 leave (or Ctrl-D)
Ratios: sum the numerator and the denominator, then divide (docs/analyst_guide.md)."""


class ShellError(Exception):
    pass


def resolve_db(db: Path | None, allow_warehouse: bool = False) -> Path:
    warehouse = settings.warehouse_path()
    path = Path(db).expanduser().resolve() if db else published_path_for(warehouse)
    if path == warehouse.resolve() and not allow_warehouse:
        raise ShellError(
            f"{path} is the pipeline's warehouse: analysts read the published copy "
            f"({published_path_for(warehouse)}). Use --allow-warehouse to open it read-only anyway "
            "(the nightly run cannot write while you are connected)."
        )
    if not path.exists():
        raise ShellError(f"No database at {path}. Run the pipeline (make run / make demo) to publish a copy.")
    return path


def split_statements(buffer: str) -> tuple[list[str], str]:
    """Complete statements (ending with ';' outside quotes) and the unfinished rest."""
    out, cur, quote = [], [], None
    i = 0
    while i < len(buffer):
        ch = buffer[i]
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            cur.append(ch)
        elif ch == "-" and buffer[i:i + 2] == "--":  # comment to end of line
            j = buffer.find("\n", i)
            j = len(buffer) if j < 0 else j
            cur.append(buffer[i:j])
            i = j
            continue
        elif ch == ";":
            stmt = "".join(cur).strip()
            if stmt:
                out.append(stmt)
            cur = []
        else:
            cur.append(ch)
        i += 1
    return out, "".join(cur)


def run_statement(con: duckdb.DuckDBPyConnection, sql: str, out=None, max_rows: int | None = None) -> None:
    out = out or sys.stdout
    rel = con.sql(sql)
    if rel is None:
        print("OK", file=out)
        return
    if out is sys.stdout:
        rel.show(max_rows=max_rows) if max_rows else rel.show()  # duckdb's box rendering
    else:
        print(rel.fetchdf().to_string(index=False, max_rows=max_rows), file=out)


def meta_command(con: duckdb.DuckDBPyConnection, line: str, out=None) -> bool:
    """Run a '.' command; False means quit."""
    out = out or sys.stdout
    cmd, _, arg = line.strip().partition(" ")
    if cmd in (".quit", ".exit", "\\q"):
        return False
    if cmd == ".help":
        print(HELP, file=out)
    elif cmd == ".tables":
        run_statement(con, "select table_schema as schema, table_name as table from information_schema.tables "
                           "where table_schema in ('marts', 'analysis') order by 1, 2", out)
    elif cmd == ".describe" and arg.strip():
        run_statement(con, f"describe {arg.strip().rstrip(';')}", out)
    elif cmd == ".indicators":
        run_statement(con, "select code, label_en, label_fr, unit, direction, numerator, denominator, scale "
                           "from marts.dim_indicators order by indicator_position", out)
    else:
        print(f"Unknown command {line.strip()!r}. Type .help", file=out)
    return True


def repl(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    try:
        import readline  # noqa: F401  (line editing and history where available)
    except ImportError:
        pass
    print(f"Read-only SQL on {path}\nType .help for commands; end statements with ';'.")
    buffer = ""
    while True:
        try:
            line = input(CONTINUATION if buffer.strip() else PROMPT)
        except EOFError:
            print()
            return
        except KeyboardInterrupt:
            print()
            buffer = ""
            continue
        if not buffer.strip() and line.strip().startswith((".", "\\q")):
            if not meta_command(con, line):
                return
            continue
        buffer += line + "\n"
        statements, buffer = split_statements(buffer)
        for stmt in statements:
            try:
                run_statement(con, stmt)
            except duckdb.Error as exc:
                print(f"Error: {exc}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project.sql_shell", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--command", help="run these statements and exit")
    parser.add_argument("--db", type=Path, help="DuckDB file (default: the published copy of WAREHOUSE_PATH)")
    parser.add_argument("--allow-warehouse", action="store_true", help="allow opening the pipeline's warehouse (read-only)")
    parser.add_argument("--max-rows", type=int, default=None, help="rows shown per result (duckdb's default otherwise)")
    args = parser.parse_args(argv)
    try:
        path = resolve_db(args.db, args.allow_warehouse)
    except ShellError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with connect(path, read_only=True) as con:
        if args.command is not None:
            statements, rest = split_statements(args.command)
            if rest.strip():
                statements.append(rest.strip())
            for stmt in statements:
                try:
                    run_statement(con, stmt, max_rows=args.max_rows)
                except duckdb.Error as exc:
                    print(f"error: {exc}", file=sys.stderr)
                    return 1
            return 0
        repl(con, path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
