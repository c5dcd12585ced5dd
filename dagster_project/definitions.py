"""The Dagster code location: every asset, check, job, schedule and resource, in one place."""

from __future__ import annotations

import dagster as dg

from dagster_project import settings
from dagster_project.resources import build_resources, dbt_project

settings.export_environment()
settings.ensure_dbt_manifest(dbt_project)

from dagster_project.assets.analysis import AnalysisConfig, analysis_assets, analysis_checks  # noqa: E402
from dagster_project.assets.dbt import dbt_models  # noqa: E402  (needs the manifest)
from dagster_project.assets.landing import landing_files  # noqa: E402
from dagster_project.assets.publish import published_warehouse, quarantine_share_below_threshold  # noqa: E402
from dagster_project.assets.report import control_charts, html_report, with_code_references  # noqa: E402
from dagster_project.assets.sources import source_imports  # noqa: E402
from dagster_project.schedules import nightly_job, nightly_schedule  # noqa: E402

defs = dg.Definitions(
    # Code references: each asset links to the Python (or, for dbt, the SQL) behind it.
    assets=with_code_references(
        [*source_imports, landing_files, dbt_models, *analysis_assets, control_charts, published_warehouse, html_report]
    ),
    asset_checks=[*analysis_checks, quarantine_share_below_threshold],
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    resources={**build_resources(), "analysis_settings": AnalysisConfig()},
)
