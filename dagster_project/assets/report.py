"""What people see: weekly control charts (analysis/control_charts) and the HTML + Excel report
(report/html_report), plus the code references helper for the UI."""


import inspect
import os
import warnings
from pathlib import Path

import dagster as dg
import pandas as pd

from dagster_project import analysis, settings
from dagster_project.analysis.control_charts import DEFAULT_CHART_SETTINGS, ControlChartSettings
from dagster_project.assets.analysis import (
    AnalysisConfig,
    analysis_assets,
    indicator_selection,
    mart_key,
    png_markdown,
    read_table,
    table_markdown,
    write_table,
)
from dagster_project.catalog import WAREHOUSE_WRITER_POOL, owners
from dagster_project.indicators import load_registry
from dagster_project.report.build import render_html
from dagster_project.report.excel import write_workbook
from dagster_project.resources import WarehouseResource
from dagster_project.warehouse import connect, write_lock

C = DEFAULT_CHART_SETTINGS
PUBLISHED_KEY = dg.AssetKey(["published", "warehouse"])


def _code_references(*objects_and_labels) -> dict:
    """Asset metadata pointing the UI at the Python behind an asset (beyond its own body)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # code references are marked beta
        refs = [
            dg.LocalFileCodeReference(file_path=inspect.getsourcefile(obj), line_number=inspect.getsourcelines(obj)[1], label=label)
            for obj, label in objects_and_labels
        ]
        return {"dagster/code_references": dg.CodeReferencesMetadataValue(code_references=refs)}


def weekly_panel_sql(columns: list[str]) -> str:
    """Advisor x campaign x ISO week (Monday), components summed: ratios are recomputed from
    these sums, never averaged."""
    sums = ", ".join(f'sum("{c}") as "{c}"' for c in columns)
    return f"""select advisor_id, campaign_id, date_trunc('week', activity_date)::date as week_start, {sums}
               from marts.fct_advisor_campaign_daily
               group by all
               order by campaign_id, week_start, advisor_id"""


def read_weekly_panel(warehouse_path: Path, hours_column: str = "hours") -> pd.DataFrame:
    registry = load_registry()
    cols = list(dict.fromkeys([hours_column, *(c for i in registry for c in (i.numerator, i.denominator))]))
    with connect(warehouse_path, read_only=True) as con:
        return con.execute(weekly_panel_sql(cols)).df()


class ControlChartConfig(dg.Config):
    """Control-chart parameters (launchpad); defaults from ControlChartSettings."""

    ewma_lambda: float = C.ewma_lambda
    limit_sigmas: float = C.limit_sigmas
    min_baseline_weeks: int = C.min_baseline_weeks
    training_presence_weeks: int = C.training_presence_weeks
    def chart_settings(self) -> ControlChartSettings:
        return ControlChartSettings(**self.model_dump())


def read_training_dates(warehouse_path: Path) -> pd.DataFrame:
    """advisor_id, trained_on: first completion of a measured programme (marts.dim_advisors)."""
    with connect(warehouse_path, read_only=True) as con:
        return con.execute("select advisor_id, trained_on from marts.dim_advisors").df()


@dg.asset(
    key=["analysis", "control_charts"],
    group_name="analysis",
    owners=owners("analysis"),
    deps=[mart_key("fct_advisor_campaign_daily"), mart_key("dim_advisors"), mart_key("dim_trainings"), mart_key("dim_campaigns"),
          indicator_selection.key],
    pool=WAREHOUSE_WRITER_POOL,
    kinds={"python", "duckdb"},
    description=(
        "Weekly EWMA control charts per campaign x primary indicator: limits set on the weeks before the "
        "campaign's first training, scaled to each week's volume; points outside the limits flagged."
    ),
    metadata=_code_references((analysis.control_charts, "analysis.control_charts (pure function)")),
)
def control_charts(
    context: dg.AssetExecutionContext, config: ControlChartConfig, warehouse: WarehouseResource, analysis_settings: AnalysisConfig
) -> dg.MaterializeResult:
    s = analysis_settings.settings()
    with write_lock(warehouse.path):
        weekly = read_weekly_panel(warehouse.path, s.hours_column)
        advisors = read_training_dates(warehouse.path)
        with connect(warehouse.path, read_only=True) as con:
            campaigns = con.execute("select * from marts.dim_campaigns").df()
        selection = read_table(warehouse.path, "indicator_selection")
        df = analysis.control_charts(weekly, advisors, campaigns, load_registry(), s, selection=selection, chart=config.chart_settings())
        write_table(warehouse.path, "control_charts", df)
    mon = df[df["phase"] == "monitoring"]
    last_week = df["week_start"].max() if len(df) else None
    recent = df[(df["week_start"] == last_week) & df["out_of_control"].fillna(False)] if len(df) else df
    charts = df.groupby(["campaign_id", "indicator"]).size() if len(df) else pd.Series(dtype=int)
    metadata = {
        "rows": len(df),
        "charts": len(charts),
        "charts_without_limits": int(df.groupby(["campaign_id", "indicator"])["upper_limit"].apply(lambda x: x.isna().all()).sum()) if len(df) else 0,
        "monitoring_weeks_out_of_control": int(mon["out_of_control"].fillna(False).sum()),
        "baseline_weeks_out_of_control": int(df.loc[df["phase"] == "baseline", "out_of_control"].fillna(False).sum()),
        "latest_week": str(last_week) if last_week is not None else "",
        "latest_week_signals": float(len(recent)),
    }
    if len(recent):
        metadata["latest_week_signal_table"] = table_markdown(recent, ["campaign_id", "indicator", "value", "ewma", "lower_limit", "upper_limit", "signal_meaning"])
    if len(df):
        from dagster_project.report import charts as report_charts

        cid, code = charts.index[0]
        labels = {i.code: i.label("en") for i in load_registry()}
        units = {i.code: i.unit for i in load_registry()}
        png = report_charts.control_chart_png(df[df["campaign_id"] == cid], [code], labels, units, "en", f"{cid}")
        metadata["example_chart"] = png_markdown(png, f"control chart {cid} {code}")
    return dg.MaterializeResult(metadata=metadata)


def report_dir(warehouse_path: Path) -> Path:
    """Where the report asset writes: env REPORT_DIR, else reports/ beside the warehouse
    (data/reports/ for the demo; a test's temporary warehouse gets temporary reports)."""
    value = os.environ.get("REPORT_DIR")
    if not value:
        return Path(warehouse_path).resolve().parent / "reports"
    p = Path(value).expanduser()
    return p if p.is_absolute() else (settings.PROJECT_ROOT / p).resolve()


@dg.asset(
    key=["report", "html_report"],
    group_name="report",
    owners=owners("report"),
    deps=[PUBLISHED_KEY, control_charts.key, *(a.key for a in analysis_assets)],
    kinds={"python", "html", "excel"},
    description=(
        "Self-contained HTML report (inline CSS, embedded charts, no network) and Excel workbook, in French "
        "and English, read from the published copy: headline plain vs adjusted, forest plots, event study, "
        "adopters vs team, control charts, indicator selection, caveats."
    ),
    metadata=_code_references((render_html, "report.build.render_html (the page)"), (write_workbook, "report.excel.write_workbook")),
)
def html_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from dagster_project.publish import published_path_for
    from dagster_project.report import build_report, load_report_data

    pub = published_path_for(warehouse.path)
    source = pub if pub.exists() else warehouse.path
    if not pub.exists():
        context.log.warning(f"No published copy at {pub}: the report reads the warehouse {warehouse.path}")
    data = load_report_data(source)
    if data.missing_tables:
        context.log.warning(f"Tables missing from {source}: {', '.join(data.missing_tables)}")
    out = report_dir(warehouse.path)
    files = {lang: build_report(out, lang=lang, data=data) for lang in ("fr", "en")}
    en = files["en"]
    metadata: dict = {
        "source": str(source),
        "read_published_copy": data.published,
        "html_fr": dg.MetadataValue.path(str(files["fr"].html)),
        "html_en": dg.MetadataValue.path(str(en.html)),
        "excel_fr": dg.MetadataValue.path(str(files["fr"].excel)),
        "excel_en": dg.MetadataValue.path(str(en.excel)),
        "headline": dg.MetadataValue.md(
            "| | plain | adjusted |\n|---|---|---|\n"
            f"| mean improvement | {en.headline['hl-plain-mean']} | {en.headline['hl-adjusted-mean']} {en.headline['hl-adjusted-ci']} |\n"
            f"| campaigns | {en.headline['hl-plain-n']} | {en.headline['hl-adjusted-n']} |\n"
            f"| range | {en.headline['hl-plain-range']} | {en.headline['hl-adjusted-range']} |\n"
            f"| share at or above threshold | {en.headline['hl-plain-share']} | {en.headline['hl-adjusted-share']} |"
        ),
    }
    for col in ("plain_mean_improvement", "adjusted_mean_improvement", "adjusted_mean_ci_low", "adjusted_mean_ci_high",
                "plain_n_campaigns", "adjusted_n_campaigns", "n_campaigns_eligible", "adjusted_share_at_or_above_threshold"):
        v = en.overall.get(col)
        if v is not None and not pd.isna(v):
            metadata[col] = float(v)  # floats: the UI plots them across runs
    from dagster_project.report import headline_sentences

    metadata["what_the_data_supports"] = dg.MetadataValue.md("\n".join(f"- {s}" for s in headline_sentences(data, "en")))
    return dg.MaterializeResult(metadata=metadata)


def with_code_references(assets_defs: list) -> list:
    """Attach the file and line of each asset's Python body (shown in the UI), and turn them
    into links to the hosted repository when DAGSTER_GIT_URL is set (branch DAGSTER_GIT_BRANCH,
    default main). dbt assets already carry references to their SQL files."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both helpers are marked beta
        out = dg.with_source_code_references(assets_defs)
        url = os.environ.get("DAGSTER_GIT_URL")
        if url:
            out = dg.link_code_references_to_git(
                out,
                git_url=url,
                git_branch=os.environ.get("DAGSTER_GIT_BRANCH", "main"),
                file_path_mapping=dg.AnchorBasedFilePathMapping(
                    local_file_anchor=settings.PROJECT_ROOT / "pyproject.toml", file_anchor_path_in_repository="pyproject.toml"
                ),
            )
    return list(out)



