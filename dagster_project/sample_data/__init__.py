"""Deterministic sample data for the landing contract (dbt/models/staging/_sources.yml).

    from dagster_project.sample_data import generate
    generate("data/landing", seed=42, scenario="default", size=1.0, fmt="csv")

or ``uv run python -m dagster_project.sample_data --out DIR --seed N --scenario NAME``.

Writes one folder per contract table (monthly files for the big tables) and the truth
(true training effects, confounders, trainings) in ``DIR/_truth/truth.json``. Scenarios:
see scenario.PRESETS; any knob of the Scenario dataclass can be overridden.
"""

from .generator import TABLES, generate
from .model import CR_PROGRAMME
from .scenario import DEMO_SEED, DEMO_SIZE, PRESETS, Scenario, get_scenario

__all__ = ["generate", "Scenario", "PRESETS", "get_scenario", "TABLES", "CR_PROGRAMME"]
