"""Print a short summary of what the warehouse holds (after `make run` / `make demo`)."""

from __future__ import annotations

import duckdb

from dagster_project import settings
from dagster_project.warehouse import connect


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
        ).fetchone()[0]
    )


def summary_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    lines = []
    if _table_exists(con, "marts", "fct_advisor_campaign_monthly"):
        campaigns, advisors, months, contacts, hours = con.execute(
            """select count(distinct campaign_id), count(distinct advisor_id), count(distinct month),
                      sum(contacts), sum(hours)
               from marts.fct_advisor_campaign_monthly"""
        ).fetchone()
        lines.append(
            f"Marts: {campaigns} campaigns, {advisors} advisors, {months} months, "
            f"{int(contacts or 0):,} contacts, {float(hours or 0):,.0f} production hours"
        )
    if _table_exists(con, "marts", "fct_quarantine"):
        rows = con.execute("select table_name, reason, count(*) from marts.fct_quarantine group by all order by 3 desc").fetchall()
        total = sum(r[2] for r in rows)
        lines.append(f"Quarantined rows: {total}" + "".join(f"\n  {t}: {r} ({n})" for t, r, n in rows[:10]))
    if _table_exists(con, "analysis", "impact_headline"):
        lines.append("Headline: improvement on each campaign's primary indicators, 6 months after vs before training")
        overall = con.execute(
            """select plain_n_campaigns, plain_mean_improvement, adjusted_n_campaigns, adjusted_mean_improvement,
                      adjusted_mean_ci_low, adjusted_mean_ci_high
               from analysis.impact_headline where level = 'overall'"""
        ).fetchone()
        if overall and overall[0]:
            pn, pm, an, am, lo, hi = overall
            lines.append(f"  plain (as users compute it): {pm:+.1%} mean over {pn} well-assimilated campaigns")
            if an:
                lines.append(f"  adjusted (vs not-yet-trained advisors): {am:+.1%} (95% CI {lo:+.1%} to {hi:+.1%}) over {an} campaigns")
        for cid, wa, p, a, lo, hi, reason in con.execute(
            """select campaign_id, well_assimilated, plain_improvement, adjusted_improvement,
                      adjusted_improvement_ci_low, adjusted_improvement_ci_high, reason
               from analysis.impact_headline where level = 'campaign' order by campaign_id"""
        ).fetchall():
            fmt = lambda v: "   n/a" if v is None or v != v else f"{v:+6.1%}"  # noqa: E731
            ci = f"[{fmt(lo)}, {fmt(hi)}]" if lo is not None and lo == lo else ""
            lines.append(f"  {cid:<8} plain {fmt(p)}  adjusted {fmt(a)} {ci:<18} {reason or ''}")
    return lines


def main() -> None:
    path = settings.warehouse_path()
    print(f"Warehouse: {path}")
    with connect(path, read_only=True) as con:
        for line in summary_lines(con):
            print(line)


if __name__ == "__main__":
    main()
