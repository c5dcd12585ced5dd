"""Dagster resources: where the warehouse and landing files are, and the dbt CLI."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject

from dagster_project import settings

dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file and the landing folder (defaults from the environment)."""

    warehouse_path: str
    landing_dir: str

    @property
    def path(self) -> Path:
        return Path(self.warehouse_path)

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)


def build_resources() -> dict:
    return {
        "warehouse": WarehouseResource(
            warehouse_path=str(settings.warehouse_path()), landing_dir=str(settings.landing_dir())
        ),
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(settings.DBT_PROJECT_DIR),
            dbt_executable=str(settings.dbt_executable()),
        ),
    }
