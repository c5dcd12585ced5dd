"""CLI: uv run python -m dagster_project.importers --mapping M --input DIR --out DIR"""

from __future__ import annotations

import argparse
import sys
import time

from dagster_project.importers.core import run_import, write_outputs
from dagster_project.importers.mapping import MappingError, load_mapping


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m dagster_project.importers",
        description="Import a source export into landing contract CSVs through a YAML mapping (docs/importing.md).",
    )
    p.add_argument("--mapping", required=True, help="mapping file, e.g. mappings/anonymous_bank.yml")
    p.add_argument("--input", required=True, help="folder holding the source files (matched by input.glob)")
    p.add_argument("--out", required=True, help="landing folder to write: <out>/<table>/<source>.csv")
    p.add_argument("--json", action="store_true", help="print the report as JSON instead of text")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    try:
        result = run_import(load_mapping(args.mapping), args.input)
    except MappingError as e:
        print(f"import refused: {e}", file=sys.stderr)
        return 2
    write_outputs(result, args.out)
    if args.json:
        print(result.report.to_json(), end="")
    else:
        print(result.report.format())
        print(f"written to {args.out} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
