"""What the report reads: the published copy (read-only), else the pipeline's warehouse."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dagster_project import analysis, settings
from dagster_project.publish import published_path_for
from dagster_project.warehouse import connect

log = logging.getLogger(__name__)

ANALYSIS_TABLES = (
    "impact_headline",
    "training_impact",
    "training_impact_membership",
    "impact_by_month_since_training",
    "adopters_vs_team",
    "control_charts",
    "indicator_selection",
)


@dataclass
class ReportData:
    source_path: Path
    published: bool
    tables: dict[str, pd.DataFrame]
    campaigns: pd.DataFrame
    events: pd.DataFrame
    quarantine: pd.DataFrame  # table_name, check_stage, reason, rows
    period: tuple[object, object]  # first and last month of the marts
    missing_tables: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def overall(self) -> pd.Series | None:
        h = self.tables["impact_headline"]
        o = h[h["level"] == "overall"]
        return o.iloc[0] if len(o) else None


def resolve_source(source: Path | None = None) -> tuple[Path, bool]:
    """(path, is_published). The published copy of settings.warehouse_path() when it exists,
    else the warehouse itself (with a warning): reports never write."""
    if source is not None:
        source = Path(source).expanduser().resolve()
        return source, source == published_path_for(settings.warehouse_path()) or source.name.endswith(".published.duckdb")
    wh = settings.warehouse_path()
    pub = published_path_for(wh)
    if pub.exists():
        return pub, True
    log.warning("Published copy %s not found: reading the pipeline's warehouse %s (read-only)", pub, wh)
    return wh, False


def _exists(con, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
        ).fetchone()[0]
    )


def load_report_data(source: Path | None = None) -> ReportData:
    path, published = resolve_source(source)
    if not path.exists():
        raise FileNotFoundError(f"No warehouse at {path}: run the pipeline first (make run / make demo)")
    tables: dict[str, pd.DataFrame] = {}
    missing: list[str] = []
    with connect(path, read_only=True) as con:
        for name in ANALYSIS_TABLES:
            if _exists(con, "analysis", name):
                tables[name] = con.execute(f"select * from analysis.{name}").df()
            else:
                missing.append(name)
                tables[name] = pd.DataFrame({c: pd.Series(dtype=object) for c in analysis.TABLES[name]})
        campaigns = con.execute("select * from marts.dim_campaigns order by campaign_id").df() if _exists(con, "marts", "dim_campaigns") else pd.DataFrame(columns=["campaign_id", "campaign_name"])
        events = con.execute("select * from marts.dim_events order by starts_on, event_id").df() if _exists(con, "marts", "dim_events") else pd.DataFrame(columns=["event_id", "campaign_id", "starts_on", "ends_on", "kind", "description"])
        quarantine = (
            con.execute(
                "select table_name, check_stage, reason, count(*) as rows from marts.fct_quarantine group by all order by rows desc, 1, 2, 3"
            ).df()
            if _exists(con, "marts", "fct_quarantine")
            else pd.DataFrame(columns=["table_name", "check_stage", "reason", "rows"])
        )
        period = (
            con.execute("select min(month), max(month) from marts.fct_advisor_campaign_monthly").fetchone()
            if _exists(con, "marts", "fct_advisor_campaign_monthly")
            else (None, None)
        )
    if missing:
        log.warning("Analysis tables missing from %s: %s", path, ", ".join(missing))
    return ReportData(path, published, tables, campaigns, events, quarantine, period, missing)
