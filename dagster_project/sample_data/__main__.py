"""CLI: uv run python -m dagster_project.sample_data --out DIR [--seed N] [--scenario NAME]
[--size X] [--format csv|parquet] [--months N] [--set knob=value ...]"""

from __future__ import annotations

import argparse
import ast
import json
import sys

from .generator import generate
from .scenario import DEMO_SIZE, PRESETS


def _value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dagster_project.sample_data", description=__doc__)
    ap.add_argument("--out", required=True, help="landing folder to write (one sub-folder per table)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--scenario", default="default", choices=sorted(PRESETS))
    ap.add_argument("--size", type=float, default=DEMO_SIZE, help=f"scales advisors and contacts (default {DEMO_SIZE}: the demo; 10 -> ~2,000 advisors)")
    ap.add_argument("--format", dest="fmt", default="csv", choices=["csv", "parquet"])
    ap.add_argument("--months", type=int, default=None, help="number of months (default: the scenario's, 24)")
    ap.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE",
                    help="override a Scenario knob, e.g. --set season_amplitude=0 (repeatable)")
    args = ap.parse_args(argv)
    overrides = {}
    for item in args.set:
        key, _, val = item.partition("=")
        overrides[key.strip()] = _value(val.strip())
    summary = generate(args.out, seed=args.seed, scenario=args.scenario, size=args.size, fmt=args.fmt,
                       months=args.months, **overrides)
    json.dump(summary, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
