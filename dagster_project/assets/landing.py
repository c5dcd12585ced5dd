"""Landing -> raw: one multi-asset, one asset key per contract table (raw/<table>)."""


import dagster as dg

from dagster_project.assets.sources import source_imports
from dagster_project.catalog import GROUPS, WAREHOUSE_WRITER_POOL, owners
from dagster_project.landing import load_contract, load_landing
from dagster_project.resources import WarehouseResource
from dagster_project.warehouse import write_lock

RAW_TABLE_SPECS = [
    dg.AssetSpec(
        key=["raw", name],
        group_name="landing",
        owners=owners("landing"),
        description=f"Landing files of `{name}` as text (raw.{name}); natural key: {', '.join(table.natural_key)}.",
        kinds={"duckdb", "python"},
        skippable=True,
        deps=[imp.key for imp in source_imports],  # lineage starts at the source file
    )
    for name, table in load_contract().items()
]


@dg.multi_asset(
    specs=RAW_TABLE_SPECS,
    name="landing_files",
    description=GROUPS["landing"]["description"],
    pool=WAREHOUSE_WRITER_POOL,
    can_subset=True,
)
def landing_files(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Load every new landing file (same bytes twice -> loaded once) into raw.*."""
    with write_lock(warehouse.path):
        report = load_landing(warehouse.landing, warehouse.path)
    context.log.info(report.summary())
    for name in report.unknown_folders:
        context.log.warning(f"Folder {warehouse.landing / name} is not a contract table: ignored")
    for key in context.selected_asset_keys:
        stats = report.tables[key.path[-1]]
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "new_files": stats.files_loaded,
                "already_loaded_files": stats.files_skipped,
                "rows_loaded": stats.rows_loaded,
                "rows_rejected_unsplittable": stats.rows_rejected,
                "ignored_extra_columns": ", ".join(sorted(stats.extra_columns)) or "none",
                "landing_folder": str(warehouse.landing / key.path[-1]),
            },
        )
