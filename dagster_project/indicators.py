"""The indicator registry, read from dbt/dbt_project.yml (vars.indicators).

dbt builds dim_indicators and the value columns of the marts from the same list, so an
indicator is defined in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from dagster_project.settings import DBT_PROJECT_DIR


@dataclass(frozen=True)
class Indicator:
    code: str
    label_en: str
    label_fr: str
    unit: str
    direction: str  # "higher" or "lower": which way is an improvement
    numerator: str
    denominator: str
    scale: float
    window: str | None
    definition_en: str

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "lower"

    def label(self, lang: str = "en") -> str:
        return self.label_fr if lang == "fr" else self.label_en


@lru_cache(maxsize=1)
def load_registry() -> tuple[Indicator, ...]:
    with open(DBT_PROJECT_DIR / "dbt_project.yml", encoding="utf-8") as f:
        project = yaml.safe_load(f)
    return tuple(Indicator(**{**row, "scale": float(row["scale"])}) for row in project["vars"]["indicators"])


def by_code() -> dict[str, Indicator]:
    return {ind.code: ind for ind in load_registry()}
