"""The Excel workbook (openpyxl): the report's tables, same language, numbers kept as numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .labels import SHEETS, fmt_date, t
from .tables import Col, Context, cell_text, is_missing

PCT_SIGNED = "+0.0%;-0.0%;0.0%"
PCT = "0.0%"
POINTS = '+0.0" pts";-0.0" pts";0.0" pts"'
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")


def _num(v):
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _date(v):
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, dt.datetime):
        return v.date()
    return v if isinstance(v, dt.date) else None


def _expand(cols: list[Col], lang: str) -> list[tuple[str, Col, int]]:
    """Excel columns: (header, col, part) where a CI becomes low and high, an indicator its
    label and its code."""
    out = []
    for c in cols:
        if c.kind == "ci":
            out += [(t("ci_low", lang), c, 0), (t("ci_high", lang), c, 1)]
        elif c.kind == "indicator":
            out += [(c.header(lang), c, 0), (t("code", lang), c, 1)]
        else:
            out.append((c.header(lang), c, 0))
    return out


def _cell(row: dict, c: Col, part: int, ctx: Context):
    """(value, number_format or None)."""
    k = c.kind
    pts = row.get("effect_scale") == "points"
    if k == "ci":
        return _num(row.get(c.name[part])), POINTS if pts else PCT_SIGNED
    v = row.get(c.name)
    if k == "pct" and pts:
        return _num(v), POINTS
    if k == "indicator":
        return (cell_text(row, c, ctx), None) if part == 0 else (None if is_missing(v) else str(v), None)
    if k == "pct":
        return _num(v), PCT_SIGNED
    if k == "pct_plain":
        return _num(v), PCT
    if k == "int":
        n = _num(v)
        return (None if n is None else int(n)), "0"
    if k in ("num", "num1", "q"):
        return _num(v), {"num": "0.00", "num1": "0.0", "q": "0.0000"}[k]
    if k == "value":
        unit = ctx.units.get(str(row.get("indicator")))
        return _num(v), PCT if unit == "share" else "0.000"
    if k == "date":
        d = _date(v)
        return (d, "yyyy-mm-dd") if d else (fmt_date(v) if v is not None else None, None)
    text = cell_text(row, c, ctx)
    return (text or None), None


def add_sheet(wb: Workbook, title: str, df: pd.DataFrame, cols: list[Col], ctx: Context) -> None:
    ws = wb.create_sheet(title[:31])
    spec = _expand(cols, ctx.lang)
    for j, (header, _, _) in enumerate(spec, start=1):
        cell = ws.cell(row=1, column=j, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [min(max(len(h), 8), 40) for h, _, _ in spec]
    for i, row in enumerate(df.to_dict("records") if df is not None else [], start=2):
        for j, (_, c, part) in enumerate(spec, start=1):
            value, fmt = _cell(row, c, part, ctx)
            cell = ws.cell(row=i, column=j, value=value)
            if fmt and value is not None:
                cell.number_format = fmt
            if isinstance(value, str):
                widths[j - 1] = min(max(widths[j - 1], len(value)), 60)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w + 2
    ws.freeze_panes = "A2"
    if len(spec):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(spec))}{max(ws.max_row, 1)}"


def write_workbook(data, lang: str, path: Path, ctx: Context, sentences: list[str]) -> Path:
    from . import build as b

    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS["readme"][lang]
    src = t("source_published", lang) if data.published else t("source_warehouse", lang)
    lines = [
        (t("title", lang), True),
        (f"{t('generated', lang)} {dt.date.today().isoformat()} · {t('source', lang)}: {src} ({data.source_path.name})", False),
        (t("readme_text", lang), False),
        ("", False),
        (t("what_data_says", lang), True),
        *[(s, False) for s in sentences],
    ]
    for i, (text, bold) in enumerate(lines, start=1):
        c = ws.cell(row=i, column=1, value=text)
        c.font = Font(bold=bold, size=14 if i == 1 else 11)
    ws.column_dimensions["A"].width = 140

    h = data["impact_headline"]
    overall = h[h["level"] == "overall"] if len(h) else h
    headline_cols = [
        Col("n_campaigns_eligible", "eligible_campaigns", "int"),
        Col("plain_n_campaigns", f"{t('plain', lang)} · {t('n_campaigns', lang)}", "int", literal=True),
        Col("plain_mean_improvement", f"{t('plain', lang)} · {t('mean_improvement', lang)}", "pct", literal=True),
        Col("plain_min_improvement", f"{t('plain', lang)} · min", "pct", literal=True),
        Col("plain_max_improvement", f"{t('plain', lang)} · max", "pct", literal=True),
        Col("plain_share_at_or_above_threshold", f"{t('plain', lang)} · ≥ seuil" if lang == "fr" else f"{t('plain', lang)} · ≥ threshold", "pct_plain", literal=True),
        Col("adjusted_n_campaigns", f"{t('adjusted', lang)} · {t('n_campaigns', lang)}", "int", literal=True),
        Col("adjusted_mean_improvement", f"{t('adjusted', lang)} · {t('mean_improvement', lang)}", "pct", literal=True),
        Col(("adjusted_mean_ci_low", "adjusted_mean_ci_high"), "ci", "ci"),
        Col("adjusted_min_improvement", f"{t('adjusted', lang)} · min", "pct", literal=True),
        Col("adjusted_max_improvement", f"{t('adjusted', lang)} · max", "pct", literal=True),
        Col("adjusted_share_at_or_above_threshold", f"{t('adjusted', lang)} · ≥ seuil" if lang == "fr" else f"{t('adjusted', lang)} · ≥ threshold", "pct_plain", literal=True),
        Col("adoption_threshold", "adoption_threshold", "num1"),
        Col("improvement_threshold", "improvement_threshold", "pct_plain"),
        Col("campaigns", "campaign_list", "text"),
    ]
    add_sheet(wb, SHEETS["headline"][lang], overall, headline_cols, ctx)
    add_sheet(wb, SHEETS["campaigns"][lang], h[h["level"] == "campaign"] if len(h) else h, b.HEADLINE_CAMPAIGN_COLS, ctx)
    rows = b.campaign_rows(data)
    add_sheet(wb, SHEETS["impact"][lang], rows.sort_values(["campaign_id", "indicator"]) if len(rows) else rows, b.IMPACT_XLS_COLS, ctx)
    es = data["impact_by_month_since_training"]
    add_sheet(wb, SHEETS["event"][lang], es.sort_values(["campaign_id", "indicator", "relative_month"]) if len(es) else es, b.EVENT_COLS, ctx)
    ad = data["adopters_vs_team"]
    if len(ad):
        ad = ad.assign(_l=(ad["level"] != "all_campaigns")).sort_values(["_l", "campaign_id", "indicator"], na_position="first")
    add_sheet(wb, SHEETS["adopters"][lang], ad, b.ADOPTERS_COLS, ctx)
    cc = data["control_charts"]
    add_sheet(wb, SHEETS["control"][lang], cc.sort_values(["campaign_id", "indicator", "week_start"]) if len(cc) else cc, b.CONTROL_XLS_COLS, ctx)
    sel = data["indicator_selection"]
    add_sheet(wb, SHEETS["selection"][lang], sel.sort_values(["campaign_id", "rank", "indicator"], na_position="last") if len(sel) else sel, b.SELECTION_COLS, ctx)
    flagged = rows[rows["flags"].notna()] if len(rows) else rows
    add_sheet(wb, SHEETS["flags"][lang], flagged, b.FLAGGED_COLS, ctx)
    add_sheet(wb, SHEETS["excluded"][lang], b.excluded_counts(data), b.EXCLUDED_COLS, ctx)
    add_sheet(wb, SHEETS["events"][lang], b.events_in_windows(data, lang), b.EVENTS_COLS, ctx)
    add_sheet(wb, SHEETS["quarantine"][lang], data.quarantine, b.QUARANTINE_COLS, ctx)
    tmp = path.with_suffix(".xlsx.tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path
