"""Reference monthly panel: the indicator components straight from the landing files.

``monthly_indicators.sql`` is ONE hand-written DuckDB query that computes, per advisor x
campaign x local month, the same component columns as ``marts.fct_advisor_campaign_monthly``
(hours and every numerator / denominator the registry names, plus logged_seconds, contacts,
appointment_contacts, nps_promoters, nps_detractors and active_days) directly from
``landing_dir/<table>/*.csv|*.parquet``: latest delivery per natural key (a file later in name
order wins), local dates in the campaign's zone (empty zone = Europe/Paris), follow-up flags
with window functions, maturity against the data horizon (start of the local day after the
latest contact or sale).

It validates nothing (no quarantine, no reference checks): on clean landing data it must equal
the warehouse (tests/test_reference_sql.py), and it is
- the speed floor of the performance benchmark (time ``monthly_panel`` or run
  ``render_sql(landing_dir)`` in any DuckDB session with TimeZone = 'UTC');
- the fast path of scripts/validate_estimators.py (no warehouse, no dbt).

``analysis_inputs(landing_dir)`` also returns the other tidy inputs of the analyses (advisors
with their training date in ONE programme, adoption scores, events), read the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from dagster_project.landing import load_contract
from dagster_project.settings import DBT_PROJECT_DIR

SQL_FILE = Path(__file__).with_name("monthly_indicators.sql")
TREATMENT_PROGRAMME = "connivence_relationnelle"

#: Columns of the panel after the keys (advisor_id, campaign_id, month), as in
#: marts.fct_advisor_campaign_monthly (components) plus active_days.
COMPONENT_COLUMNS: tuple[str, ...] = (
    "logged_seconds", "hours", "contacts", "handled_contacts", "handle_seconds",
    "outbound_handled_contacts", "outbound_blocked_contacts", "argued_contacts",
    "appointment_contacts", "retention_saved_contacts", "fcr_eligible_contacts",
    "fcr_resolved_contacts", "repeat_eligible_contacts", "repeat_followed_contacts",
    "attrition_eligible_contacts", "churned_contacts", "sales", "revenue", "primary_sales",
    "additional_sales", "primary_sales_with_services", "sales_or_appointments",
    "withdrawal_eligible_sales", "withdrawn_sales", "survival_eligible_sales", "surviving_sales",
    "csat_answers", "csat_top2_answers", "cr_answers", "cr_top2_answers", "nps_answers",
    "nps_promoters", "nps_detractors", "nps_net_promoters",
)
WINDOW_VARS = (
    "fcr_window_hours", "repeat_window_days", "attrition_window_days",
    "default_withdrawal_window_days", "default_survival_window_days",
)
_PLACEHOLDER = re.compile(r"\{\{\s*(table|var):(\w+)\s*\}\}")


@lru_cache(maxsize=1)
def window_vars() -> dict[str, int]:
    """The follow-up window vars of dbt/dbt_project.yml (the registry's windows)."""
    with open(DBT_PROJECT_DIR / "dbt_project.yml", encoding="utf-8") as f:
        vars_ = yaml.safe_load(f)["vars"]
    return {k: int(vars_[k]) for k in WINDOW_VARS}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reader(con: duckdb.DuckDBPyConnection, landing_dir: Path, table: str) -> str:
    """A subquery over every landing file of `table`: the contract columns as VARCHAR (NULL
    when no file has the column), _file = the file's path (delivery order = name order)."""
    columns = load_contract()[table].columns
    parts = []
    for ext, fn, opts in (
        ("csv", "read_csv", "header = true, delim = ',', quote = '\"', escape = '\"', all_varchar = true, "),
        ("parquet", "read_parquet", ""),
    ):
        folder = landing_dir / table
        if not any(folder.glob(f"*.{ext}")):
            continue
        scan = f"{fn}({_quote((folder / f'*.{ext}').as_posix())}, {opts}filename = true, union_by_name = true)"
        present = {r[0] for r in con.execute(f"describe select * from {scan}").fetchall()}
        cols = ", ".join(
            (f'cast("{c}" as varchar)' if c in present else "cast(null as varchar)") + f' as "{c}"' for c in columns
        )
        parts.append(f"select {cols}, filename as _file from {scan}")
    if not parts:
        cols = ", ".join(f'cast(null as varchar) as "{c}"' for c in columns)
        parts.append(f"select {cols}, cast(null as varchar) as _file where false")
    return "(" + " union all ".join(parts) + ")"


def render_sql(landing_dir, con: duckdb.DuckDBPyConnection | None = None) -> str:
    """monthly_indicators.sql with its placeholders filled for this landing folder."""
    landing_dir = Path(landing_dir).resolve()
    own = con is None
    con = con or duckdb.connect()
    try:
        sql = SQL_FILE.read_text(encoding="utf-8")
        vars_ = window_vars()
        return _PLACEHOLDER.sub(
            lambda m: _reader(con, landing_dir, m.group(2)) if m.group(1) == "table" else str(vars_[m.group(2)]), sql
        )
    finally:
        if own:
            con.close()


def _session(con: duckdb.DuckDBPyConnection | None) -> tuple[duckdb.DuckDBPyConnection, bool]:
    own = con is None
    con = con or duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    return con, own


def monthly_panel(landing_dir, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Advisor x campaign x month components (COMPONENT_COLUMNS) from the landing files.

    con: an open DuckDB connection to run on (its TimeZone is set to UTC); default: a new
    in-memory one, closed afterwards.
    """
    con, own = _session(con)
    try:
        return con.execute(render_sql(landing_dir, con)).df()
    finally:
        if own:
            con.close()


def analysis_inputs(
    landing_dir, con: duckdb.DuckDBPyConnection | None = None, programme: str | None = TREATMENT_PROGRAMME
) -> dict[str, pd.DataFrame]:
    """The other inputs of the analyses, from the landing files (latest delivery wins):
    advisors (advisor_id, team_id, hired_on, left_on, trained_on, training_month: the
    training in `programme` only; programme=None: the first training of any programme, as
    marts.dim_advisors has it), adoption (advisor_id, campaign_id, evaluated_on, score),
    events (event_id, campaign_id, starts_on, ends_on, kind), campaigns (campaign_id, kind,
    timezone, primary_indicators)."""
    landing_dir = Path(landing_dir).resolve()
    con, own = _session(con)
    try:
        def src(table: str) -> str:
            return _reader(con, landing_dir, table)

        def latest(key: str) -> str:
            return f"qualify row_number() over (partition by {key} order by _file desc) = 1"

        advisors = con.execute(
            f"""
            with a as (select * from {src('advisors')} {latest('advisor_id')}),
                 t as (select advisor_id, min(cast(trained_on as date)) as trained_on
                       from (select * from {src('trainings')} {latest('advisor_id, programme')})
                       where programme = ? or ? is null group by advisor_id)
            select a.advisor_id, a.team_id, cast(nullif(a.hired_on, '') as date) as hired_on,
                   cast(nullif(a.left_on, '') as date) as left_on, t.trained_on,
                   cast(date_trunc('month', t.trained_on) as date) as training_month
            from a left join t using (advisor_id) order by a.advisor_id""",
            [programme, programme],
        ).df()
        adoption = con.execute(
            f"""select advisor_id, campaign_id, cast(evaluated_on as date) as evaluated_on,
                       cast(score as double) as score
                from {src('adoption_scores')} {latest('advisor_id, campaign_id, evaluated_on')}"""
        ).df()
        events = con.execute(
            f"""select event_id, nullif(campaign_id, '') as campaign_id, cast(starts_on as date) as starts_on,
                       cast(nullif(ends_on, '') as date) as ends_on, kind, description
                from {src('events')} {latest('event_id')}"""
        ).df()
        campaigns = con.execute(
            f"""select campaign_id, kind, coalesce(nullif(timezone, ''), 'Europe/Paris') as timezone,
                       nullif(primary_indicators, '') as primary_indicators
                from {src('campaigns')} {latest('campaign_id')} order by campaign_id"""
        ).df()
        return {"advisors": advisors, "adoption": adoption, "events": events, "campaigns": campaigns}
    finally:
        if own:
            con.close()


__all__ = ["COMPONENT_COLUMNS", "SQL_FILE", "TREATMENT_PROGRAMME", "analysis_inputs", "monthly_panel", "render_sql", "window_vars"]
