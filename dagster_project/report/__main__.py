"""CLI: uv run python -m dagster_project.report [--lang fr|en] [--out reports/] [--source FILE]"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .build import DEFAULT_CLAIM, build_report
from .labels import LANGS, default_lang


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m dagster_project.report", description=__doc__)
    parser.add_argument("--lang", choices=[*LANGS, "all"], default=default_lang(),
                        help="language of the labels (default: env REPORT_LANG, else fr); 'all' writes both")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")
    parser.add_argument("--source", type=Path, default=None,
                        help="DuckDB file to read (default: the published copy of WAREHOUSE_PATH, else the warehouse)")
    parser.add_argument("--claim", type=float, default=DEFAULT_CLAIM,
                        help="mean improvement claimed by the method's users, tested by the headline sentence (default 0.10)")
    args = parser.parse_args(argv)
    langs = LANGS if args.lang == "all" else (args.lang,)
    try:
        for lang in langs:
            files = build_report(args.out, lang=lang, source=args.source, claim=args.claim)
            print(f"[{lang}] {files.html}")
            print(f"[{lang}] {files.excel}")
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    origin = "published copy" if files.published else "WAREHOUSE (no published copy)"
    print(f"Read from {files.source} ({origin})")
    h = files.headline
    print(f"Headline: plain {h['hl-plain-mean']} over {h['hl-plain-n']} campaign(s); "
          f"adjusted {h['hl-adjusted-mean']} {h['hl-adjusted-ci']} over {h['hl-adjusted-n']} campaign(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
