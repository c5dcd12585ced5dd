"""The published read-only copy and the warehouse-wide asset checks."""

import os

import dagster as dg

from dagster_project.assets.analysis import analysis_assets, mart_key
from dagster_project.catalog import WAREHOUSE_WRITER_POOL, owners
from dagster_project.publish import publish, published_path_for
from dagster_project.resources import WarehouseResource
from dagster_project.warehouse import connect, write_lock

PUBLISHED_MARTS = [
    "fct_advisor_campaign_daily", "fct_advisor_campaign_monthly", "dim_advisors", "dim_campaigns",
    "dim_indicators", "dim_trainings", "dim_events", "fct_adoption_scores", "fct_quarantine",
]


@dg.asset(
    key=["published", "warehouse"],
    group_name="published",
    owners=owners("published"),
    deps=[*(mart_key(m) for m in PUBLISHED_MARTS), *(a.key for a in analysis_assets), dg.AssetKey(["analysis", "control_charts"])],
    pool=WAREHOUSE_WRITER_POOL,  # reads the warehouse: never while a writer runs
    kinds={"duckdb"},
    description=(
        "Read-only copy of the marts and analyses for analysts and reports, replaced atomically "
        "only after a build whose blocking checks passed. No raw layer; small groups suppressed."
    ),
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    min_group = int(os.environ.get("PUBLISH_MIN_GROUP_SIZE", "5"))
    with write_lock(warehouse.path):  # nobody writes the warehouse while it is copied
        report = publish(warehouse.path, published_path_for(warehouse.path), min_group_size=min_group)
    context.log.info(f"Published {report.tables} tables to {report.path} ({report.rows_suppressed} rows suppressed)")
    return dg.MaterializeResult(
        metadata={
            "path": str(report.path),
            "tables": report.tables,
            "rows_suppressed_small_groups": report.rows_suppressed,
            "min_group_size": min_group,
        }
    )


@dg.asset_check(
    asset=mart_key("fct_quarantine"),
    name="quarantine_share_below_threshold",
    description="Warns when a landing table has more than QUARANTINE_WARN_SHARE (default 1%) of its rows quarantined.",
    blocking=False,
)
def quarantine_share_below_threshold(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    threshold = float(os.environ.get("QUARANTINE_WARN_SHARE", "0.01"))
    with connect(warehouse.path, read_only=True) as con:
        rows = con.execute(
            """select d.table_name, sum(d.rows_loaded + d.rows_rejected) as delivered,
                      coalesce(max(q.quarantined), 0) as quarantined
               from raw._deliveries d
               left join (select table_name, count(*) as quarantined from marts.fct_quarantine group by 1) q
                 using (table_name)
               group by 1 order by 1"""
        ).fetchall()
    shares = {t: (q / d if d else 0.0) for t, d, q in rows}
    worst = max(shares.values(), default=0.0)
    return dg.AssetCheckResult(
        passed=worst <= threshold,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "threshold": threshold,
            "worst_share": worst,
            "quarantined_rows": sum(q for _, _, q in rows),
            **{f"share_{t}": s for t, s in shares.items()},
        },
    )
