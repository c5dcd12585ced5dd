"""Analyses as thin Dagster assets: read marts, call the pure functions, write `analysis.*`."""

import base64
import functools
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from dagster_dbt import get_asset_key_for_model

from dagster_project import analysis
from dagster_project.assets.dbt import dbt_models
from dagster_project.analysis.settings import DEFAULT_SETTINGS, AnalysisSettings
from dagster_project.catalog import WAREHOUSE_WRITER_POOL, owners
from dagster_project.indicators import load_registry
from dagster_project.resources import WarehouseResource
from dagster_project.warehouse import connect, write_lock

D = DEFAULT_SETTINGS


class AnalysisConfig(dg.ConfigurableResource):
    """Analysis settings, editable in the launchpad (resources > analysis_settings).

    Defaults come from AnalysisSettings (dagster_project/analysis/settings.py), the one place
    they are set.
    """

    window_months_before: int = D.window_months_before
    window_months_after: int = D.window_months_after
    exclude_training_month: bool = D.exclude_training_month
    dip_months: int = D.dip_months
    min_hours_per_month: float = D.min_hours_per_month
    min_group_size: int = D.min_group_size
    alpha: float = D.alpha
    pretrend_alpha: float = D.pretrend_alpha
    weighting: str = D.weighting
    adopters_top_fraction: float = D.adopters_top_fraction
    adopters_window_months: int = D.adopters_window_months
    adoption_threshold: float = D.adoption_threshold
    event_study_months: list[int] = list(D.event_study_months)
    zero_variance_tol: float = D.zero_variance_tol
    fdr_family: str = D.fdr_family
    fdr_family_cohorts: str = D.fdr_family_cohorts
    headline_improvement_threshold: float = D.headline_improvement_threshold
    selection_max_indicators: int = D.selection_max_indicators
    selection_min_denominator_per_advisor_month: float = D.selection_min_denominator_per_advisor_month
    selection_max_monthly_cv: float = D.selection_max_monthly_cv
    selection_min_months: int = D.selection_min_months

    def settings(self) -> AnalysisSettings:
        return AnalysisSettings.from_dict(self.model_dump())


def mart_key(name: str) -> dg.AssetKey:
    return get_asset_key_for_model([dbt_models], name)


MART_DEPS = [
    mart_key(name)
    for name in ("fct_advisor_campaign_monthly", "dim_advisors", "dim_campaigns", "dim_events", "fct_adoption_scores")
]


def read_inputs(warehouse_path: Path) -> dict[str, pd.DataFrame]:
    """The tidy tables the analyses take, from the marts (read-only connection)."""
    with connect(warehouse_path, read_only=True) as con:
        return {
            "panel": con.execute(
                """select m.*, a.team_id
                   from marts.fct_advisor_campaign_monthly m
                   left join marts.dim_advisors a using (advisor_id)"""
            ).df(),
            "advisors": con.execute("select * from marts.dim_advisors").df(),
            "adoption": con.execute("select advisor_id, campaign_id, evaluated_on, score from marts.fct_adoption_scores").df(),
            "events": con.execute("select * from marts.dim_events").df(),
            "campaigns": con.execute("select * from marts.dim_campaigns").df(),
        }


def write_table(warehouse_path: Path, name: str, df: pd.DataFrame) -> None:
    columns = analysis.TABLES[name]
    with connect(warehouse_path) as con:
        con.execute("create schema if not exists analysis")
        con.register("result_df", df)
        casts = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in columns.items())
        con.execute(f"create or replace table analysis.{name} as select {casts} from result_df")
        con.unregister("result_df")


def read_table(warehouse_path: Path, name: str) -> pd.DataFrame:
    with connect(warehouse_path, read_only=True) as con:
        return con.execute(f"select * from analysis.{name}").df()


def png_markdown(png: bytes, alt: str) -> dg.MetadataValue:
    return dg.MetadataValue.md(f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode()})")


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def table_markdown(df: pd.DataFrame, columns: list[str], max_rows: int = 30) -> dg.MetadataValue:
    cols = [c for c in columns if c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in df[cols].head(max_rows).itertuples(index=False)]
    return dg.MetadataValue.md("\n".join(lines))


def _asset(name: str, deps: list, description: str):
    """An analysis asset: reads marts and writes analysis.<name> under the warehouse write lock."""

    def decorate(fn):
        @functools.wraps(fn)
        def locked(warehouse: WarehouseResource, analysis_settings: AnalysisConfig) -> dg.MaterializeResult:
            with write_lock(warehouse.path):
                return fn(warehouse, analysis_settings)

        return dg.asset(
            key=["analysis", name],
            group_name="analysis",
            owners=owners("analysis"),
            deps=deps,
            description=description,
            pool=WAREHOUSE_WRITER_POOL,
            kinds={"python", "duckdb"},
        )(locked)

    return decorate


@_asset("training_impact", MART_DEPS, "Each indicator 6 months before vs 6 months after training: plain and adjusted (staggered DiD).")
def training_impact(warehouse: WarehouseResource, analysis_settings: AnalysisConfig) -> dg.MaterializeResult:
    inputs, settings = read_inputs(warehouse.path), analysis_settings.settings()
    df = analysis.training_impact(inputs["panel"], inputs["advisors"], inputs["events"], load_registry(), settings)
    write_table(warehouse.path, "training_impact", df)
    members = analysis.training_impact_membership(inputs["panel"], inputs["advisors"], load_registry(), settings)
    write_table(warehouse.path, "training_impact_membership", members)
    campaign_rows = df[df["level"] == "campaign"] if "level" in df else df
    return dg.MaterializeResult(
        metadata={
            "rows": len(df),
            "campaign_indicator_rows": len(campaign_rows),
            "findings_q_below_alpha": int((campaign_rows["adjusted_q_value"] < settings.alpha).sum()),
            "insufficient_data_rows": int(campaign_rows["insufficient_data"].sum()),
            "pretrend_failed_rows": int(campaign_rows["pretrend_failed"].fillna(False).sum()),
            "table": table_markdown(
                campaign_rows,
                ["campaign_id", "indicator", "n_stable", "n_comparison", "plain_improvement", "adjusted_improvement",
                 "adjusted_improvement_ci_low", "adjusted_improvement_ci_high", "adjusted_q_value", "flags"],
            ),
            "forest_plot": png_markdown(analysis.forest_plot_png(campaign_rows), "forest plot"),
        }
    )


@_asset("adopters_vs_team", MART_DEPS, "Heavy adopters (top 10% by adoption score) vs their team over the 4 months after training.")
def adopters_vs_team(warehouse: WarehouseResource, analysis_settings: AnalysisConfig) -> dg.MaterializeResult:
    inputs = read_inputs(warehouse.path)
    df = analysis.adopters_vs_team(
        inputs["panel"], inputs["advisors"], inputs["adoption"], load_registry(), analysis_settings.settings()
    )
    write_table(warehouse.path, "adopters_vs_team", df)
    return dg.MaterializeResult(metadata={"rows": len(df), "table": table_markdown(df, list(df.columns)[:10])})


@_asset("impact_by_month_since_training", MART_DEPS, "Event-study curve: indicator by month since training, -6..+12.")
def impact_by_month_since_training(warehouse: WarehouseResource, analysis_settings: AnalysisConfig) -> dg.MaterializeResult:
    inputs = read_inputs(warehouse.path)
    df = analysis.impact_by_month_since_training(inputs["panel"], inputs["advisors"], load_registry(), analysis_settings.settings())
    write_table(warehouse.path, "impact_by_month_since_training", df)
    return dg.MaterializeResult(metadata={"rows": len(df)})


@_asset("indicator_selection", MART_DEPS, "Per campaign, the 2-3 indicators to follow (declared primary indicators win).")
def indicator_selection(warehouse: WarehouseResource, analysis_settings: AnalysisConfig) -> dg.MaterializeResult:
    inputs = read_inputs(warehouse.path)
    df = analysis.indicator_selection(
        inputs["panel"], inputs["advisors"], inputs["campaigns"], load_registry(), analysis_settings.settings()
    )
    write_table(warehouse.path, "indicator_selection", df)
    return dg.MaterializeResult(metadata={"rows": len(df), "table": table_markdown(df, list(df.columns)[:8])})


@_asset(
    "impact_headline",
    [training_impact.key, indicator_selection.key, mart_key("fct_adoption_scores"), mart_key("dim_campaigns")],
    "Headline over campaigns where the method is well assimilated: plain and adjusted lifts side by side.",
)
def impact_headline(warehouse: WarehouseResource, analysis_settings: AnalysisConfig) -> dg.MaterializeResult:
    inputs = read_inputs(warehouse.path)
    df = analysis.impact_headline(
        read_table(warehouse.path, "training_impact"),
        inputs["adoption"],
        inputs["campaigns"],
        analysis_settings.settings(),
        selection=read_table(warehouse.path, "indicator_selection"),
    )
    write_table(warehouse.path, "impact_headline", df)
    metadata = {"table": table_markdown(df, list(df.columns))}
    overall = df[df["level"] == "overall"]
    if len(overall):  # key numbers as floats, so the UI plots them across runs
        row = overall.iloc[0]
        for col in ("plain_mean_improvement", "adjusted_mean_improvement", "adjusted_mean_ci_low", "adjusted_mean_ci_high",
                    "plain_n_campaigns", "adjusted_n_campaigns", "adjusted_share_at_or_above_threshold"):
            if pd.notna(row[col]):
                metadata[col] = float(row[col])
    return dg.MaterializeResult(metadata=metadata)


analysis_assets = [training_impact, adopters_vs_team, impact_by_month_since_training, indicator_selection, impact_headline]


@dg.asset_check(
    asset=training_impact,
    name="adjusted_estimates_have_enough_advisors",
    description="Warns when campaign x indicator rows cannot support an adjusted conclusion (group below the minimum, zero variance or no comparison group).",
)
def adjusted_estimates_have_enough_advisors(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    df = read_table(warehouse.path, "training_impact")
    rows = df[df["level"] == "campaign"]
    unsupported = rows[rows["insufficient_data"].fillna(False) | rows["no_comparison_group"].fillna(False)]
    share = len(unsupported) / len(rows) if len(rows) else 1.0
    return dg.AssetCheckResult(
        passed=share <= 0.5,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "rows": len(rows),
            "rows_without_adjusted_conclusion": len(unsupported),
            "share": share,
            "campaigns_affected": ", ".join(sorted(unsupported["campaign_id"].astype(str).unique())) or "none",
        },
    )


@dg.asset_check(
    asset=training_impact,
    name="pre_trends_parallel",
    description="Warns when trained and comparison advisors already diverged before training (placebo test on the before window).",
)
def pre_trends_parallel(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    df = read_table(warehouse.path, "training_impact")
    rows = df[(df["level"] == "campaign") & df["pretrend_p_value"].notna()]
    failed = rows[rows["pretrend_failed"].fillna(False)]
    return dg.AssetCheckResult(
        passed=len(failed) <= 0.1 * max(len(rows), 1),  # ~5% fail by chance at alpha 0.05
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "tested_rows": len(rows),
            "failed_rows": len(failed),
            "failed": ", ".join(f"{c}/{i}" for c, i in zip(failed["campaign_id"], failed["indicator"])) or "none",
        },
    )


analysis_checks = [adjusted_estimates_have_enough_advisors, pre_trends_parallel]
