"""The landing contract as the importer needs it: column order and accepted values per table.

Read through the landing loader's parser of `dbt/models/staging/_sources.yml`, the
contract's one machine-readable form, so the importer writes exactly what the loader reads.
"""

from __future__ import annotations

from dagster_project.landing import load_contract


def accepted(table: str, column: str) -> tuple[str, ...]:
    return load_contract()[table].accepted_values[column]


def columns(table: str) -> tuple[str, ...]:
    return load_contract()[table].columns
