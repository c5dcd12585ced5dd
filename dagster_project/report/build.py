"""The report: one self-contained HTML file (inline CSS, PNG charts as base64) and an Excel
workbook of the same tables, in French or English."""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
from dataclasses import dataclass
from pathlib import Path
from string import Template

import numpy as np
import pandas as pd

from dagster_project.analysis.selection import parse_primary_indicators
from dagster_project.analysis.settings import DEFAULT_SETTINGS
from dagster_project.indicators import load_registry

from . import charts
from .data import ReportData, load_report_data
from .labels import LANGS, fmt_ci, fmt_date, fmt_int, fmt_number, fmt_pct, t
from .tables import Col, Context, html_table, split_flags

#: The users' claim tested by the headline sentence ("+10% on average").
DEFAULT_CLAIM = 0.10

# ------------------------------------------------------------------------------------------
# Table specifications (HTML and Excel)
# ------------------------------------------------------------------------------------------
CI = ("adjusted_improvement_ci_low", "adjusted_improvement_ci_high")

HEADLINE_CAMPAIGN_COLS = [
    Col("campaign_id", "campaign", "campaign"),
    Col("mean_adoption_score", "adoption_score", "num1"),
    Col("well_assimilated", "in_headline", "bool"),
    Col("indicators", "indicators", "indicators"),
    Col("indicator_source", "source_of_indicators", "source"),
    Col("plain_improvement", "plain_improvement", "pct"),
    Col("adjusted_improvement", "adjusted_improvement", "pct"),
    Col(CI, "ci", "ci"),
    Col("reason", "note", "reason"),
]
IMPACT_COLS = [
    Col("indicator", "indicator", "indicator"),
    Col("n_stable", "n_stable", "int"),
    Col("n_comparison", "n_comparison", "int"),
    Col("plain_before", "before", "value"),
    Col("plain_after", "after", "value"),
    Col("plain_improvement", "plain_improvement", "pct"),
    Col("adjusted_improvement", "adjusted_improvement", "pct"),
    Col(CI, "ci", "ci"),
    Col("adjusted_q_value", "q_value", "q"),
    Col("flags", "flags", "flags"),
]
IMPACT_XLS_COLS = [Col("campaign_id", "campaign", "campaign_id"), *IMPACT_COLS,
                   Col("effect_scale", "effect_scale", "text", literal=True),
                   Col("suppressed", "suppressed", "bool"), Col("reason", "reason", "reason")]
EVENT_COLS = [
    Col("campaign_id", "campaign", "campaign_id"),
    Col("indicator", "indicator", "indicator"),
    Col("relative_month", "relative_month", "int"),
    Col("n_treated", "n_treated", "int"),
    Col("n_comparison", "n_comparison", "int"),
    Col("plain_improvement", "plain_improvement", "pct"),
    Col("adjusted_improvement", "adjusted_improvement", "pct"),
    Col(CI, "ci", "ci"),
    Col("insufficient_data", "insufficient", "bool"),
    Col("reason", "reason", "reason"),
]
ADOPTERS_COLS = [
    Col("campaign_id", "campaign", "campaign"),
    Col("indicator", "indicator", "indicator"),
    Col("n_campaigns", "n_campaigns_col", "int"),
    Col("n_adopters", "n_adopters", "int"),
    Col("n_rest", "n_rest", "int"),
    Col("plain_improvement_vs_team", "plain_gap", "pct"),
    Col("adjusted_improvement", "adjusted_improvement", "pct"),
    Col(CI, "ci", "ci"),
    Col("adjusted_q_value", "q_value", "q"),
    Col("reason", "reason", "reason"),
]
CONTROL_SUMMARY_COLS = [
    Col("campaign_id", "campaign", "campaign"),
    Col("indicator", "indicator", "indicator"),
    Col("first_training_on", "first_training", "date"),
    Col("n_baseline_weeks", "baseline_weeks", "int"),
    Col("centre_line", "centre_line", "value"),
    Col("first_signal", "first_signal", "text"),
    Col("signals_after", "signals_after", "int"),
    Col("latest", "latest", "text"),
]
CONTROL_XLS_COLS = [
    Col("campaign_id", "campaign", "campaign_id"),
    Col("indicator", "indicator", "indicator"),
    Col("week_start", "week_start", "date"),
    Col("phase", "phase", "phase"),
    Col("n_advisors", "n_advisors", "int"),
    Col("numerator", "numerator", "num", literal=True),
    Col("denominator", "denominator", "num", literal=True),
    Col("value", "value", "value"),
    Col("ewma", "ewma", "value"),
    Col("centre_line", "centre_line", "value"),
    Col("lower_limit", "lower_limit", "value"),
    Col("upper_limit", "upper_limit", "value"),
    Col("out_of_control", "out_of_control", "bool"),
    Col("signal_meaning", "signal_meaning", "meaning"),
    Col("reason", "reason", "reason"),
]
SELECTION_COLS = [
    Col("campaign_id", "campaign", "campaign"),
    Col("indicator", "indicator", "indicator"),
    Col("source", "source_of_indicators", "source"),
    Col("denominator_per_advisor_month", "volume", "num1"),
    Col("monthly_cv", "monthly_cv", "pct_plain"),
    Col("pre_training_value", "pre_value", "value"),
    Col("eligible", "eligible_col", "bool"),
    Col("selected", "selected_col", "bool"),
    Col("reason", "reason", "reason"),
]
FLAGGED_COLS = [
    Col("campaign_id", "campaign", "campaign"),
    Col("indicator", "indicator", "indicator"),
    Col("flags", "flags", "flags"),
    Col("reason", "reason", "reason"),
]
EXCLUDED_COLS = [Col("campaign_id", "campaign", "campaign")] + [
    Col(r, f"excl_{r}", "int") for r in ("left", "joined", "changed_campaign", "too_few_hours", "window_outside_data")
] + [Col("total", "total", "int")]
EVENTS_COLS = [
    Col("event_id", "event", "text"),
    Col("campaigns", "events_campaigns", "text"),
    Col("kind", "kind", "event_kind"),
    Col("starts_on", "starts_on", "date"),
    Col("ends_on", "ends_on", "date"),
    Col("description", "description", "text"),
]
QUARANTINE_COLS = [
    Col("table_name", "table", "text"),
    Col("check_stage", "stage", "text"),
    Col("reason", "reason", "text"),
    Col("rows", "rows", "int"),
]
FLAG_COUNT_COLS = [Col("flag", "flags", "text"), Col("rows", "rows", "int")]


# ------------------------------------------------------------------------------------------
# Derived tables
# ------------------------------------------------------------------------------------------
def primary_indicators(data: ReportData) -> dict[str, list[str]]:
    """campaign -> primary indicators: declared win, else selected (as the analyses do)."""
    out: dict[str, list[str]] = {}
    sel = data["indicator_selection"]
    if len(sel):
        s = sel[sel["selected"].fillna(False).astype(bool)]
        for cid, g in s.sort_values(["campaign_id", "rank"], na_position="last").groupby("campaign_id"):
            out[str(cid)] = list(g["indicator"])
    if "primary_indicators" in data.campaigns:
        for cid, v in zip(data.campaigns["campaign_id"], data.campaigns["primary_indicators"]):
            codes = parse_primary_indicators(v)
            if codes:
                out[str(cid)] = codes
    return out


def campaign_rows(data: ReportData) -> pd.DataFrame:
    ti = data["training_impact"]
    return ti[ti["level"] == "campaign"] if "level" in ti and len(ti) else ti


def control_summary(cc: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    rows = []
    lang = ctx.lang
    for (cid, code), g in cc.groupby(["campaign_id", "indicator"], sort=True):
        g = g.sort_values("week_start")
        mon = g[g["phase"] == "monitoring"]
        sig = mon[mon["out_of_control"].fillna(False).astype(bool)]
        first = "–"
        if len(sig):
            r = sig.iloc[0]
            first = f"{fmt_date(r['week_start'])} ({t(r['signal_meaning'], lang) if isinstance(r['signal_meaning'], str) else ''})"
        elif len(mon) and g["upper_limit"].notna().any():
            first = t("no_signal", lang)
        last = g.iloc[-1]
        if pd.isna(last["upper_limit"]):
            latest = t("no_limits", lang)
        elif bool(last["out_of_control"]):
            latest = f"{fmt_date(last['week_start'])}: {t(last['signal_meaning'], lang)}"
        else:
            latest = f"{fmt_date(last['week_start'])}: {t('in_control', lang)}"
        rows.append({
            "campaign_id": cid, "indicator": code, "first_training_on": g["first_training_on"].iloc[0],
            "n_baseline_weeks": g["n_baseline_weeks"].iloc[0], "centre_line": g["centre_line"].iloc[0],
            "first_signal": first, "signals_after": int(len(sig)), "latest": latest,
        })
    return pd.DataFrame(rows)


def flag_counts(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    counts: dict[str, int] = {}
    for f in rows["flags"] if "flags" in rows else []:
        for name, _ in split_flags(f):
            counts[name] = counts.get(name, 0) + 1
    if "suppressed" in rows:
        n = int(rows["suppressed"].fillna(False).astype(bool).sum())
        if n:
            counts["suppressed"] = n
    from .tables import translate_flags

    return pd.DataFrame([{"flag": translate_flags(k, lang) if k != "suppressed" else t("flag_suppressed", lang), "rows": v}
                         for k, v in sorted(counts.items(), key=lambda kv: -kv[1])])


def excluded_counts(data: ReportData) -> pd.DataFrame:
    m = data["training_impact_membership"]
    if not len(m):
        return pd.DataFrame()
    ex = m[m["role"] == "excluded"]
    if ex.empty:
        return pd.DataFrame()
    piv = ex.drop_duplicates(["campaign_id", "advisor_id", "reason"]).pivot_table(
        index="campaign_id", columns="reason", values="advisor_id", aggfunc="count", fill_value=0)
    for r in ("left", "joined", "changed_campaign", "too_few_hours", "window_outside_data"):
        if r not in piv:
            piv[r] = 0
    piv["total"] = piv[["left", "joined", "changed_campaign", "too_few_hours", "window_outside_data"]].sum(axis=1)
    return piv.reset_index()


def events_in_windows(data: ReportData, lang: str) -> pd.DataFrame:
    rows = campaign_rows(data)
    hits: dict[str, set[str]] = {}
    for cid, ids in zip(rows.get("campaign_id", []), rows.get("event_ids", [])):
        if isinstance(ids, str):
            for e in ids.split(";"):
                if e:
                    hits.setdefault(e, set()).add(str(cid))
    ev = data.events
    if ev.empty or not hits:
        return pd.DataFrame(columns=[c.name for c in EVENTS_COLS])
    ev = ev[ev["event_id"].isin(hits)].copy()
    ev["campaigns"] = [", ".join(sorted(hits[e])) for e in ev["event_id"]]
    return ev


# ------------------------------------------------------------------------------------------
# Headline
# ------------------------------------------------------------------------------------------
def _f(x) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return v


def headline_sentences(data: ReportData, lang: str, claim: float = DEFAULT_CLAIM) -> list[str]:
    o = data.overall
    if o is None or not _f(o.get("n_campaigns_eligible")) > 0:
        return [t("s_none", lang)]
    n_adj = int(_f(o.get("adjusted_n_campaigns")) if math.isfinite(_f(o.get("adjusted_n_campaigns"))) else 0)
    if n_adj == 0:
        return [t("s_no_adjusted", lang), t("s_causal", lang)]
    m, lo, hi = _f(o["adjusted_mean_improvement"]), _f(o["adjusted_mean_ci_low"]), _f(o["adjusted_mean_ci_high"])
    p = lambda x: fmt_pct(x, lang)  # noqa: E731
    out = []
    if not (math.isfinite(lo) and math.isfinite(hi)):
        out.append(t("s_no_ci", lang, mean=p(m)))
    else:
        key = "s_positive" if lo > 0 else ("s_negative" if hi < 0 else "s_inconclusive")
        out.append(t(key, lang, mean=p(m), lo=p(lo), hi=p(hi)))
        if claim is not None:
            ck = "s_claim_below" if hi < claim else ("s_claim_above" if lo > claim else "s_claim_ok")
            out.append(t(ck, lang, claim=fmt_pct(claim, lang, 0)))
    thr = _f(o.get("improvement_threshold"))
    if math.isfinite(thr):
        h = data["impact_headline"]
        camp = h[(h["level"] == "campaign") & h["well_assimilated"].fillna(False).astype(bool) & h["adjusted_improvement"].notna()]
        below = int((camp["adjusted_improvement"].astype(float) < thr - 1e-12).sum())
        if below == 0:
            out.append(t("s_never_below_yes", lang, thr=fmt_pct(thr, lang, 0)))
        else:
            out.append(t("s_never_below_no", lang, thr=fmt_pct(thr, lang, 0), k=below, n=n_adj, min=p(o["adjusted_min_improvement"])))
    out.append(t("s_plain_vs_adjusted", lang, plain=p(o["plain_mean_improvement"]), adjusted=p(m)))
    if n_adj < 5:
        out.append(t("s_few_campaigns", lang, n=n_adj))
    out.append(t("s_causal", lang))
    return out


#: DOM ids of the headline numbers -> (column(s), formatter); the browser test reads them.
HEADLINE_IDS = {
    "hl-eligible-n": ("n_campaigns_eligible", "int"),
    "hl-plain-mean": ("plain_mean_improvement", "pct"),
    "hl-plain-n": ("plain_n_campaigns", "int"),
    "hl-plain-range": (("plain_min_improvement", "plain_max_improvement"), "range"),
    "hl-plain-share": ("plain_share_at_or_above_threshold", "share"),
    "hl-adjusted-mean": ("adjusted_mean_improvement", "pct"),
    "hl-adjusted-ci": (("adjusted_mean_ci_low", "adjusted_mean_ci_high"), "ci"),
    "hl-adjusted-n": ("adjusted_n_campaigns", "int"),
    "hl-adjusted-range": (("adjusted_min_improvement", "adjusted_max_improvement"), "range"),
    "hl-adjusted-share": ("adjusted_share_at_or_above_threshold", "share"),
}


def format_headline_value(row, cols, kind: str, lang: str) -> str:
    """How the report shows a headline number (the test compares the DOM with this)."""
    get = (lambda c: None if row is None else row.get(c))
    if kind == "int":
        return fmt_int(get(cols), lang)
    if kind == "pct":
        return fmt_pct(get(cols), lang)
    if kind == "share":
        return fmt_pct(get(cols), lang, digits=0, signed=False)
    if kind == "ci":
        return fmt_ci(get(cols[0]), get(cols[1]), lang)
    if kind == "range":
        a, b = get(cols[0]), get(cols[1])
        if a is None or b is None or pd.isna(a) or pd.isna(b):
            return "–"
        return f"{fmt_pct(a, lang)} … {fmt_pct(b, lang)}"
    raise ValueError(kind)


def headline_numbers(data: ReportData, lang: str) -> dict[str, str]:
    o = data.overall
    return {k: format_headline_value(o, c, kind, lang) for k, (c, kind) in HEADLINE_IDS.items()}


# ------------------------------------------------------------------------------------------
# HTML
# ------------------------------------------------------------------------------------------
CSS = """
:root { --blue:#1f5fa8; --grey:#6b6b6b; --red:#c0392b; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:#222; margin:0; background:#fff; line-height:1.45; }
header.top { background:#16324f; color:#fff; padding:22px 32px; }
header.top h1 { margin:0 0 6px; font-size:24px; font-weight:600; }
header.top .meta { font-size:13px; opacity:.85; }
main { max-width:1080px; margin:0 auto; padding:12px 32px 48px; }
nav.toc { background:var(--bg); border-radius:6px; padding:10px 16px; margin:18px 0; font-size:14px; }
nav.toc a { margin-right:14px; color:var(--blue); text-decoration:none; white-space:nowrap; }
h2 { font-size:20px; border-bottom:2px solid #e3e6ea; padding-bottom:4px; margin-top:36px; }
h3 { font-size:16px; margin:24px 0 8px; }
p.intro { color:#444; font-size:14px; max-width:900px; }
.cards { display:flex; gap:18px; flex-wrap:wrap; }
.card { flex:1 1 300px; border:1px solid #dde1e6; border-radius:8px; padding:16px 20px; background:#fff; }
.card h3 { margin:0 0 4px; font-size:15px; color:var(--grey); font-weight:600; }
.card.adjusted { border-color:var(--blue); box-shadow:0 0 0 1px var(--blue) inset; }
.card.adjusted h3 { color:var(--blue); }
.card .big { font-size:40px; font-weight:700; line-height:1.1; margin:6px 0; }
.card.plain .big { color:#555; }
.card.adjusted .big { color:var(--blue); }
.card dl { display:grid; grid-template-columns:auto 1fr; gap:2px 12px; margin:8px 0 0; font-size:14px; }
.card dt { color:var(--grey); }
.card dd { margin:0; font-variant-numeric:tabular-nums; }
.verdict { background:#fdf8e7; border-left:4px solid #e0b400; padding:10px 18px; margin:18px 0; border-radius:4px; }
.verdict h3 { margin:4px 0 6px; font-size:15px; }
.verdict ul { margin:4px 0; padding-left:20px; }
.verdict li { margin:4px 0; }
.eligible { font-size:14px; color:#444; }
.tablewrap { overflow-x:auto; margin:8px 0 16px; }
table { border-collapse:collapse; font-size:12.5px; width:100%; }
th, td { border-bottom:1px solid #e6e8eb; padding:4px 8px; text-align:left; vertical-align:top; }
th { background:var(--bg); font-weight:600; position:sticky; top:0; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
td.nowrap { white-space:nowrap; }
tr.muted td { color:#888; }
figure { margin:10px 0 18px; }
figure img { max-width:100%; height:auto; border:1px solid #eef0f2; border-radius:4px; }
.campaign { border-top:1px dashed #dde1e6; margin-top:18px; }
p.empty { color:#888; font-style:italic; }
.note { font-size:13px; color:#555; }
footer { font-size:12px; color:#777; border-top:1px solid #e3e6ea; margin-top:40px; padding-top:10px; }
@media print { nav.toc { display:none; } th { position:static; } .campaign { page-break-inside:avoid; } }
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="$lang">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>$css</style>
</head>
<body>
<header class="top"><h1>$title</h1><div class="meta">$meta</div></header>
<main>
<nav class="toc"><strong>$contents_label</strong> · $toc</nav>
$sections
<footer>$footer</footer>
</main>
</body>
</html>
""")


def _img(png: bytes, alt: str) -> str:
    return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}"></figure>'


def _e(s: str) -> str:
    return html.escape(str(s))


@dataclass
class Rendered:
    html: str
    headline: dict[str, str]
    sentences: list[str]


def _context(data: ReportData, lang: str) -> Context:
    reg = load_registry()
    names = {}
    if "campaign_name" in data.campaigns:
        names = {str(c): str(n) for c, n in zip(data.campaigns["campaign_id"], data.campaigns["campaign_name"]) if isinstance(n, str)}
    return Context(lang, {i.code: i.label(lang) for i in reg}, {i.code: i.unit for i in reg}, names)


def _campaign_title(ctx: Context, cid) -> str:
    name = ctx.campaign_names.get(str(cid))
    return f"{cid} · {name}" if name else str(cid)


def render_html(data: ReportData, lang: str, claim: float = DEFAULT_CLAIM, excel_name: str | None = None) -> Rendered:
    ctx = _context(data, lang)
    s = DEFAULT_SETTINGS
    level = fmt_number((1 - s.alpha) * 100, lang, 0)
    primary = primary_indicators(data)
    rows = campaign_rows(data)
    o = data.overall
    sections: list[tuple[str, str, str]] = []  # (id, title, html)

    # --- headline ---------------------------------------------------------------------
    nums = headline_numbers(data, lang)
    sentences = headline_sentences(data, lang, claim)
    thr = _f(o.get("improvement_threshold")) if o is not None else s.headline_improvement_threshold
    thr = thr if math.isfinite(thr) else s.headline_improvement_threshold
    adopt = _f(o.get("adoption_threshold")) if o is not None else s.adoption_threshold
    share_label = t("share_above", lang, thr=fmt_pct(thr, lang, 0))

    def card(kind: str) -> str:
        ci = (f'<dt>{_e(t("ci95", lang, level=level))}</dt><dd id="hl-adjusted-ci">{_e(nums["hl-adjusted-ci"])}</dd>'
              if kind == "adjusted" else "")
        return (
            f'<div class="card {kind}"><h3>{_e(t(kind, lang))}</h3>'
            f'<div class="big" id="hl-{kind}-mean">{_e(nums[f"hl-{kind}-mean"])}</div>'
            f'<div class="note">{_e(t("mean_improvement", lang))}</div><dl>{ci}'
            f'<dt>{_e(t("n_campaigns", lang))}</dt><dd id="hl-{kind}-n">{_e(nums[f"hl-{kind}-n"])}</dd>'
            f'<dt>{_e(t("range", lang))}</dt><dd id="hl-{kind}-range">{_e(nums[f"hl-{kind}-range"])}</dd>'
            f'<dt>{_e(share_label)}</dt><dd id="hl-{kind}-share">{_e(nums[f"hl-{kind}-share"])}</dd></dl></div>'
        )

    h = data["impact_headline"]
    hc = h[h["level"] == "campaign"] if len(h) else h
    eligible_text = t("eligible", lang, n=f'<span id="hl-eligible-n">{_e(nums["hl-eligible-n"])}</span>', thr=fmt_number(adopt, lang, 0))
    headline_html = (
        f'<div class="cards">{card("plain")}{card("adjusted")}</div>'
        f'<p class="eligible">{eligible_text} {_e(t("claim_note", lang, claim=fmt_pct(claim, lang, 0), thr=fmt_pct(thr, lang, 0)))}</p>'
        f'<div class="verdict" id="verdict"><h3>{_e(t("what_data_says", lang))}</h3><ul>'
        + "".join(f"<li>{_e(x)}</li>" for x in sentences)
        + "</ul></div>"
        + html_table(hc, HEADLINE_CAMPAIGN_COLS, ctx, "headline-campaigns",
                     row_class=lambda r: "" if r.get("well_assimilated") is True else "muted")
    )
    sections.append(("headline", t("sec_headline", lang), headline_html))

    # --- forest plots per campaign ----------------------------------------------------------
    wb = int(rows["window_months_before"].dropna().iloc[0]) if len(rows) and rows["window_months_before"].notna().any() else s.window_months_before
    wa = int(rows["window_months_after"].dropna().iloc[0]) if len(rows) and rows["window_months_after"].notna().any() else s.window_months_after
    parts = [f'<p class="intro">{_e(t("forest_intro", lang, before=wb, after=wa, level=level))}</p>']
    for cid, g in rows.groupby("campaign_id", sort=True):
        prim = set(primary.get(str(cid), []))
        rel = g[g["effect_scale"] == "relative"] if "effect_scale" in g else g
        rel = rel[rel["plain_improvement"].notna() | rel["adjusted_improvement"].notna()]
        png = charts.forest_png(rel, ctx.indicator_labels, prim, lang, _campaign_title(ctx, cid), threshold=thr)
        prows = g[g["indicator"].isin(prim)].copy()
        prows["_o"] = prows["indicator"].map({c: i for i, c in enumerate(primary.get(str(cid), []))})
        parts.append(f'<div class="campaign" id="forest-{_e(cid)}"><h3>{_e(_campaign_title(ctx, cid))}</h3>'
                     + _img(png, f"forest {cid}")
                     + f'<div class="note">{_e(t("primary_rows", lang))}</div>'
                     + html_table(prows.sort_values("_o"), IMPACT_COLS, ctx) + "</div>")
    sections.append(("forest", t("sec_forest", lang), "".join(parts) if len(rows) else html_table(rows, [], ctx)))

    # --- event study ------------------------------------------------------------------------
    es = data["impact_by_month_since_training"]
    parts = [f'<p class="intro">{_e(t("event_intro", lang, level=level))}</p>']
    for cid in sorted(set(es["campaign_id"].dropna().astype(str))) if len(es) else []:
        codes = [c for c in primary.get(cid, []) if ctx.units.get(c) != "score"]
        g = es[(es["campaign_id"] == cid) & es["indicator"].isin(codes)]
        if g.empty:
            continue
        parts.append(f'<div class="campaign" id="event-{_e(cid)}">'
                     + _img(charts.event_study_png(g, codes, ctx.indicator_labels, lang, _campaign_title(ctx, cid)), f"event study {cid}")
                     + "</div>")
    sections.append(("event", t("sec_event", lang), "".join(parts) if len(parts) > 1 else parts[0] + html_table(es.head(0), [], ctx)))

    # --- adopters ---------------------------------------------------------------------------
    ad = data["adopters_vs_team"]
    parts = [f'<p class="intro">{_e(t("adopters_intro", lang, top=fmt_number(s.adopters_top_fraction * 100, lang, 0), months=s.adopters_window_months))}</p>']
    if len(ad):
        allc = ad[ad["level"] == "all_campaigns"]
        rel = allc[allc["effect_scale"] == "relative"] if "effect_scale" in allc else allc
        parts.append(_img(charts.forest_png(rel, ctx.indicator_labels, set(), lang, t("all_campaigns", lang).capitalize(),
                                            threshold=None, plain_col="plain_improvement_vs_team",
                                            plain_label=t("plain_gap", lang)), "adopters"))
        order = allc.assign(_l=allc["indicator"].map(ctx.indicator_labels).fillna(allc["indicator"])).sort_values("_l")
        parts.append(html_table(order, ADOPTERS_COLS[1:], ctx, "adopters-all"))
    else:
        parts.append(html_table(ad, ADOPTERS_COLS, ctx))
    sections.append(("adopters", t("sec_adopters", lang), "".join(parts)))

    # --- control charts ---------------------------------------------------------------------
    cc = data["control_charts"]
    lam = cc["ewma_lambda"].dropna().iloc[0] if len(cc) and cc["ewma_lambda"].notna().any() else 0.2
    L = cc["limit_sigmas"].dropna().iloc[0] if len(cc) and cc["limit_sigmas"].notna().any() else 3.0
    from scipy.stats import norm

    fa = fmt_pct(2 * norm.sf(float(L)), lang, digits=2, signed=False)
    parts = [f'<p class="intro">{_e(t("control_intro", lang, lam=fmt_number(lam, lang, 2), fa=fa))}</p>']
    if len(cc):
        parts.append(html_table(control_summary(cc, ctx), CONTROL_SUMMARY_COLS, ctx, "control-summary"))
        for cid, g in cc.groupby("campaign_id", sort=True):
            codes = [c for c in primary.get(str(cid), []) if (g["indicator"] == c).any()] or sorted(set(g["indicator"]))
            parts.append(f'<div class="campaign" id="control-{_e(cid)}">'
                         + _img(charts.control_chart_png(g, codes, ctx.indicator_labels, ctx.units, lang, _campaign_title(ctx, cid)), f"control chart {cid}")
                         + "</div>")
    else:
        parts.append(html_table(cc, [], ctx))
    sections.append(("control", t("sec_control", lang), "".join(parts)))

    # --- indicator selection ----------------------------------------------------------------
    sel = data["indicator_selection"]
    shown = sel[sel["selected"].fillna(False).astype(bool)] if len(sel) else sel
    if len(shown):
        shown = shown.sort_values(["campaign_id", "rank"], na_position="last")
    sections.append(("selection", t("sec_selection", lang),
                     f'<p class="intro">{_e(t("selection_intro", lang))}</p>' + html_table(shown, SELECTION_COLS, ctx, "selection-table")))

    # --- caveats ----------------------------------------------------------------------------
    parts = [f"<h3>{_e(t('caveat_flags', lang))}</h3><p class='note'>{_e(t('flag_count_intro', lang))}</p>",
             html_table(flag_counts(rows, lang), FLAG_COUNT_COLS, ctx, "flag-counts")]
    if len(rows):
        fl = rows[rows.apply(lambda r: r["indicator"] in primary.get(str(r["campaign_id"]), []), axis=1)]
        fl = fl[fl["flags"].apply(lambda f: any(n != "event_in_window" for n, _ in split_flags(f)))]
        parts.append(f"<p class='note'>{_e(t('flagged_primary', lang))}</p>" + html_table(fl, FLAGGED_COLS, ctx, "flagged"))
    parts.append(f"<h3>{_e(t('caveat_excluded', lang))}</h3><p class='note'>{_e(t('caveat_excluded_intro', lang))}</p>"
                 + html_table(excluded_counts(data), EXCLUDED_COLS, ctx, "excluded"))
    parts.append(f"<h3>{_e(t('caveat_events', lang))}</h3><p class='note'>{_e(t('caveat_events_intro', lang))}</p>"
                 + html_table(events_in_windows(data, lang), EVENTS_COLS, ctx, "events"))
    n_sup = sum(int(df["suppressed"].fillna(False).astype(bool).sum()) for df in (rows, data["adopters_vs_team"], data["impact_by_month_since_training"]) if "suppressed" in df)
    if n_sup:
        parts.append(f"<p class='note'>{_e(t('suppressed_rows', lang, n=n_sup, k=s.min_group_size))}</p>")
    parts.append(f"<h3>{_e(t('caveat_quarantine', lang))}</h3><p class='note'>{_e(t('caveat_quarantine_intro', lang))}</p>"
                 + (html_table(data.quarantine, QUARANTINE_COLS, ctx, "quarantine") if len(data.quarantine)
                    else f'<p class="empty" id="quarantine">{_e(t("no_quarantine", lang))}</p>'))
    sections.append(("caveats", t("sec_caveats", lang), "".join(parts)))

    # --- method -----------------------------------------------------------------------------
    sections.append(("method", t("sec_method", lang),
                     f'<p class="intro">{_e(t("method_text", lang, before=wb, after=wa, level=level, L=fmt_number(L, lang, 0)))}</p>'))

    # --- page -------------------------------------------------------------------------------
    src = t("source_published", lang) if data.published else t("source_warehouse", lang)
    p0, p1 = data.period
    meta = (f'{_e(t("generated", lang))} {dt.date.today().isoformat()} · {_e(t("source", lang))}: {_e(src)} '
            f'(<code>{_e(data.source_path.name)}</code>) · {_e(t("data_period", lang))}: {_e(fmt_date(p0)[:7])} → {_e(fmt_date(p1)[:7])}')
    if excel_name:
        meta += f' · {_e(t("excel_link", lang))}: <a style="color:#cfe3ff" href="{_e(excel_name)}">{_e(excel_name)}</a>'
    toc = " ".join(f'<a href="#{sid}">{_e(title)}</a>' for sid, title, _ in sections)
    body = "\n".join(f'<section id="{sid}"><h2>{_e(title)}</h2>{content}</section>' for sid, title, content in sections)
    page = PAGE.substitute(lang=lang, title=_e(t("title", lang)), css=CSS, meta=meta, contents_label=_e(t("contents", lang)),
                           toc=toc, sections=body, footer=_e(t("title", lang)) + " · " + _e(src))
    return Rendered(page, nums, sentences)


# ------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------
@dataclass
class ReportFiles:
    html: Path
    excel: Path
    lang: str
    source: Path
    published: bool
    headline: dict[str, str]
    overall: dict


def build_report(out_dir: Path, lang: str = "fr", source: Path | None = None, claim: float = DEFAULT_CLAIM,
                 data: ReportData | None = None) -> ReportFiles:
    """Write <out_dir>/training_impact_<lang>.html and .xlsx; return their paths and the
    headline numbers as shown."""
    from .excel import write_workbook

    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    data = data or load_report_data(source)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"training_impact_{lang}.html"
    xlsx_path = out_dir / f"training_impact_{lang}.xlsx"
    rendered = render_html(data, lang, claim, excel_name=xlsx_path.name)
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(rendered.html, encoding="utf-8")
    tmp.replace(html_path)
    write_workbook(data, lang, xlsx_path, _context(data, lang), rendered.sentences)
    o = data.overall
    overall = {} if o is None else {k: (None if pd.isna(v) else (float(v) if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else v))
                                    for k, v in o.items()}
    return ReportFiles(html_path, xlsx_path, lang, data.source_path, data.published, rendered.headline, overall)
