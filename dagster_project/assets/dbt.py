"""dbt models, seeds and tests as Dagster assets and asset checks."""


from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from dagster_project.catalog import GROUPS, WAREHOUSE_WRITER_POOL, owners
from dagster_project.resources import WarehouseResource, dbt_project
from dagster_project.settings import DBT_BUILD_ARGS
from dagster_project.warehouse import write_lock


class Translator(DagsterDbtTranslator):
    """Groups and owners by dbt folder (staging / intermediate / marts), from catalog.py."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "landing"
        fqn = dbt_resource_props.get("fqn", [])
        for group in ("staging", "intermediate", "marts"):
            if group in fqn:
                return group
        return "staging"  # seeds (shipped defaults) sit with staging

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return owners(self.get_group_name(dbt_resource_props) or "staging")


translator = Translator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_code_references=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_WRITER_POOL,
    name="dbt_models",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """`dbt build`: seeds, models and their tests (tests surface as asset checks)."""
    with write_lock(warehouse.path):
        yield from dbt.cli(list(DBT_BUILD_ARGS), context=context).stream()
