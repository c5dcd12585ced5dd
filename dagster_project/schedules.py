"""The nightly job and its schedule."""

from __future__ import annotations

import dagster as dg

from dagster_project import settings

# The whole pipeline, in one process so warehouse writers never overlap within a run.
nightly_job = dg.define_asset_job(
    name="nightly_pipeline",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Landing files -> raw -> dbt staging and marts (with tests) -> analyses -> published copy.",
    tags={"cr/warehouse": str(settings.warehouse_path())},  # queued one at a time per warehouse
)

# 04:30 Europe/Paris: after the exports of the day before have landed, and outside the
# 02:00-03:00 window that does not exist (March) or happens twice (October).
nightly_schedule = dg.ScheduleDefinition(
    name="nightly_pipeline_schedule",
    job=nightly_job,
    cron_schedule="30 4 * * *",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
