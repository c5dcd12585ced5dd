"""Placebo training assignment for sources that carry no training records.

A seeded random half of the advisors is marked "trained" on a date, with programme
`placebo`. Nobody was trained: an analysis that finds an "effect" of this programme is
finding noise, which is the point (docs/real_data.md).

- Population: the advisors with at least one contact on or after `trained_on` (an agent
  who had already left cannot be trained); the same import rules as the real import.
- Draw: advisors are ordered by SHA-256 of "<seed>:<advisor_id>" and the first
  floor(share x population) are trained. This is a seeded uniform random permutation that
  depends on nothing but the seed and the ids (no library RNG whose stream could change
  between versions), so the file is reproducible byte for byte.

    uv run python -m dagster_project.importers.placebo --mapping mappings/anonymous_bank.yml \
        --input sample_sources/anonymous_bank
writes the file named by `trainings.file` in the mapping.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import pandas as pd

from dagster_project.importers import contract
from dagster_project.importers.core import run_import
from dagster_project.importers.mapping import Mapping, MappingError, load_mapping


def placebo_trainings(mapping: Mapping, input_dir: str | Path) -> pd.DataFrame:
    if mapping.trainings is None or mapping.trainings.placebo is None:
        raise MappingError("trainings.placebo: the mapping declares no placebo assignment")
    spec = mapping.trainings.placebo
    contacts = run_import(mapping, input_dir, include_trainings=False).tables["contacts"]
    local_date = contacts["started_at"].str[:10]  # ISO local wall-clock date
    population = sorted(
        contacts.loc[
            (local_date >= spec.trained_on.isoformat()) & (contacts["advisor_id"] != ""), "advisor_id"
        ].unique()
    )
    order = sorted(population, key=lambda a: hashlib.sha256(f"{spec.seed}:{a}".encode()).hexdigest())
    chosen = sorted(order[: int(len(population) * spec.share)])
    out = pd.DataFrame({"advisor_id": chosen, "programme": spec.programme, "trained_on": spec.trained_on.isoformat()})
    return out[list(contract.columns("trainings"))]


def write_placebo(mapping: Mapping, input_dir: str | Path, out: str | Path | None = None) -> Path:
    path = Path(out) if out else mapping.trainings.file
    placebo_trainings(mapping, input_dir).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m dagster_project.importers.placebo", description=__doc__.split("\n\n")[0]
    )
    p.add_argument("--mapping", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--out", help="default: the mapping's trainings.file")
    args = p.parse_args(argv)
    try:
        mapping = load_mapping(args.mapping)
        path = write_placebo(mapping, args.input, args.out)
    except MappingError as e:
        print(f"placebo refused: {e}", file=sys.stderr)
        return 2
    n = len(path.read_text(encoding="utf-8").splitlines()) - 1
    spec = mapping.trainings.placebo
    print(f"{n} advisors trained (programme {spec.programme}, {spec.trained_on}) -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
