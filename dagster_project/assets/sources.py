"""Source exports -> landing contract files, one asset per configured source mapping."""

from pathlib import Path

import dagster as dg

from dagster_project import settings
from dagster_project.catalog import GROUPS, owners
from dagster_project.importers import import_source, load_mapping
from dagster_project.resources import WarehouseResource


def source_import_asset(mapping_path: Path, input_dir: Path) -> dg.AssetsDefinition:
    name = load_mapping(mapping_path).source

    @dg.asset(
        key=["sources", name],
        group_name="sources",
        owners=owners("sources"),
        description=f"{GROUPS['sources']['description']} Mapping {mapping_path.name}, input {input_dir}.",
        kinds={"python", "csv"},
        metadata={"mapping": str(mapping_path), "input_dir": str(input_dir)},
    )
    def _import(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        report = import_source(mapping_path, input_dir, warehouse.landing)
        context.log.info(report.format())
        return dg.MaterializeResult(
            metadata={
                "rows_read": report.rows_read,
                "contacts_written": report.contacts_written,
                "rows_quarantined": report.quarantined_total,
                "report": dg.MetadataValue.md(f"```\n{report.format()}\n```"),
            }
        )

    return _import


source_imports = [source_import_asset(m, i) for m, i in settings.source_imports()]
