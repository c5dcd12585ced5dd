"""Table specifications shared by the HTML report and the Excel workbook, and the French
rendering of the analyses' technical notes (reasons, flags)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd

from .labels import fmt_bool, fmt_ci, fmt_date, fmt_int, fmt_number, fmt_pct, fmt_value, t

EVENT_KINDS = {
    "product_change": {"fr": "changement d'offre", "en": "product change"},
    "price_change": {"fr": "changement de prix", "en": "price change"},
    "pay_scheme_change": {"fr": "changement de rémunération", "en": "pay scheme change"},
    "staffing_change": {"fr": "changement d'effectifs", "en": "staffing change"},
    "outage": {"fr": "panne", "en": "outage"},
    "marketing": {"fr": "marketing", "en": "marketing"},
    "other": {"fr": "autre", "en": "other"},
}

# English note (regex) -> French. Unknown notes are shown as they are.
_REASONS_FR: list[tuple[str, str]] = [
    (r"mean adoption score ([\d.]+) <= ([\d.]+): not in the headline", r"score d'adoption moyen \1 ≤ \2 : hors du chiffre clé"),
    (r"no adoption score", "pas de score d'adoption"),
    (r"points-scale indicator\(s\) left out of the % headline: (.+)", r"indicateur(s) en points exclus du chiffre clé en % : \1"),
    (r"no primary indicator \(declared or selected\)", "aucun indicateur principal (déclaré ou sélectionné)"),
    (r"no reportable adjusted figure \(insufficient data\)", "pas de chiffre ajusté publiable (données insuffisantes)"),
    (r"no campaign with a mean adoption score above ([\d.]+)", r"aucune campagne avec un score d'adoption moyen supérieur à \1"),
    (r"(\d+) cohort\(s\) left out of the adjusted estimate \(fewer than (\d+) advisors in a group, or no usable value\)",
     r"\1 cohorte(s) écartée(s) du chiffre ajusté (moins de \2 conseillers dans un groupe, ou pas de valeur exploitable)"),
    (r"(\d+) cohort\(s\) with windows beyond the data left out", r"\1 cohorte(s) écartée(s) : fenêtres au-delà des données"),
    (r"adjusted estimate not computable \(no cohort with (\d+)\+ advisors in both groups\)",
     r"chiffre ajusté non calculable (aucune cohorte avec \1 conseillers ou plus dans les deux groupes)"),
    (r"no comparison group: no stable not-yet-trained or never-trained advisor over the same months",
     "pas de groupe de comparaison : aucun conseiller stable non encore formé sur les mêmes mois"),
    (r"no comparison group in these calendar months", "pas de groupe de comparaison sur ces mois"),
    (r"no stable trained advisor", "aucun conseiller formé stable"),
    (r"pre-trend test failed \(p = ([\d.e-]+) < ([\d.]+)\): treated and comparison advisors were already diverging before training",
     r"test de tendance préalable échoué (p = \1 < \2) : formés et comparaison divergeaient déjà avant la formation"),
    (r"(treated|trained|comparison) group below the minimum group size \((\d+) < (\d+)\)", r"groupe \1 sous la taille minimale (\2 < \3)"),
    (r"heavy adopters below the minimum group size \((\d+) < (\d+)\)", r"adoptants intensifs sous la taille minimale (\1 < \2)"),
    (r"variance not estimable \(a group has fewer than (\d+) advisors\)", r"variance non estimable (un groupe a moins de \1 conseillers)"),
    (r"zero variance: every advisor moved identically, no significance claimed", "variance nulle : aucune conclusion statistique"),
    (r"windows extend beyond the data", "fenêtres au-delà des données"),
    (r"(.+): after window: pooled value is 0 or negative: relative change undefined",
     r"\1 : valeur nulle ou négative après formation, variation relative indéfinie"),
    (r"declared primary indicator not in the registry", "indicateur déclaré absent du référentiel"),
    (r"declared primary indicator", "indicateur principal déclaré"),
    (r"the campaign declares its primary indicators", "la campagne déclare ses indicateurs principaux"),
    (r"eligible but rank (\d+) > (\d+)", r"éligible mais rang \1 > \2"),
    (r"selected: rank (\d+) by month-to-month stability among eligible indicators", r"sélectionné : rang \1 en stabilité mensuelle parmi les éligibles"),
    (r"no pre-training advisor-month with enough hours", "aucun mois-conseiller avant formation avec assez d'heures"),
    (r"not eligible", "non éligible"),
    (r"not responsive \(all zero\)", "ne bouge pas (toujours zéro)"),
    (r"not responsive \(constant\)", "ne bouge pas (constant)"),
    (r"not stable before training \(monthly CV ([\d.]+) > ([\d.]+)\)", r"instable avant formation (CV mensuel \1 > \2)"),
    (r"too few pre-training months to judge stability \((\d+) < (\d+)\)", r"trop peu de mois avant formation pour juger la stabilité (\1 < \2)"),
    (r"too little volume \(([\d.]+) (\w+) per advisor-month < ([\d.]+)\)", r"volume trop faible (\1 \2 par mois-conseiller < \3)"),
    (r"no training on this campaign: limits from all weeks", "pas de formation sur cette campagne : limites calculées sur toutes les semaines"),
    (r"baseline too short \((\d+) weeks with volume < (\d+)\): no limits", r"période de référence trop courte (\1 semaines < \2) : pas de limites"),
    (r"no variation in the baseline: no limits", "aucune variation sur la période de référence : pas de limites"),
]


def translate_reason(text, lang: str) -> str:
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return ""
    if lang != "fr":
        return str(text)
    out = []
    for part in str(text).split("; "):
        for pattern, repl in _REASONS_FR:
            if re.fullmatch(pattern, part):
                part = re.sub(r"(\d)\.(\d)", r"\1,\2", re.sub(pattern, repl, part))
                break
        out.append(part)
    return " ; ".join(out)


def split_flags(flags) -> list[tuple[str, list[str]]]:
    """'pretrend_failed;event_in_window(outage;price_change)' -> [('pretrend_failed', []),
    ('event_in_window', ['outage', 'price_change'])]."""
    if flags is None or (isinstance(flags, float) and pd.isna(flags)) or flags is pd.NA or not str(flags):
        return []
    out = []
    for m in re.finditer(r"([a-z_]+)(?:\(([^)]*)\))?", str(flags)):
        out.append((m.group(1), [k for k in (m.group(2) or "").split(";") if k]))
    return out


def translate_flags(flags, lang: str) -> str:
    parts = []
    for name, args in split_flags(flags):
        key = f"flag_{name}"
        label = t(key, lang) if key in _flag_keys() else name
        if args:
            label += " (" + ", ".join(EVENT_KINDS.get(a, {}).get(lang, a) for a in args) + ")"
        parts.append(label)
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)


def _flag_keys() -> set[str]:
    from .labels import TEXT

    return {k for k in TEXT if k.startswith("flag_")}


@dataclass(frozen=True)
class Col:
    """A displayed column: `name` is a column (or (low, high) for a CI), `label` a TEXT key
    (or literal text when `literal`), `kind` how to format it."""

    name: str | tuple[str, str]
    label: str
    kind: str = "text"  # text|indicator|campaign|pct|pct_plain|ci|int|num|value|bool|date|q|reason|flags|event_kind
    literal: bool = False

    def header(self, lang: str) -> str:
        return self.label if self.literal else t(self.label, lang)


@dataclass
class Context:
    lang: str
    indicator_labels: dict[str, str]
    units: dict[str, str]
    campaign_names: dict[str, str]


def is_missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def is_points(row: dict) -> bool:
    """Points-scale rows (NPS): effects are differences in indicator units, not %."""
    return row.get("effect_scale") == "points"


def fmt_points(v, lang: str) -> str:
    return "–" if is_missing(v) else fmt_number(v, lang, 1, signed=True) + "\u00a0pts"


def cell_text(row: dict, col: Col, ctx: Context) -> str:
    lang = ctx.lang
    if col.kind == "ci":
        lo, hi = col.name
        if is_points(row):
            if is_missing(row.get(lo)) or is_missing(row.get(hi)):
                return "–"
            sep = "\u00a0; " if lang == "fr" else ", "
            return f"[{fmt_points(row.get(lo), lang)}{sep}{fmt_points(row.get(hi), lang)}]"
        return fmt_ci(row.get(lo), row.get(hi), lang)
    v = row.get(col.name)
    k = col.kind
    if k == "pct" and is_points(row):
        return fmt_points(v, lang)
    if k == "indicator":
        return "" if is_missing(v) else ctx.indicator_labels.get(str(v), str(v))
    if k == "indicators":
        codes = [c for c in str(v).split(";") if c] if isinstance(v, str) else []
        return ", ".join(ctx.indicator_labels.get(c, c) for c in codes) or "–"
    if k == "campaign":
        if is_missing(v):
            return t("all_campaigns", lang)
        name = ctx.campaign_names.get(str(v))
        return f"{v} · {name}" if name else str(v)
    if k == "pct":
        return fmt_pct(v, lang)
    if k == "pct_plain":
        return fmt_pct(v, lang, signed=False)
    if k == "int":
        return fmt_int(v, lang)
    if k == "num":
        return fmt_number(v, lang, 2)
    if k == "num1":
        return fmt_number(v, lang, 1)
    if k == "value":
        return fmt_value(v, ctx.units.get(str(row.get("indicator"))), lang)
    if k == "bool":
        return fmt_bool(v, lang)
    if k == "date":
        return fmt_date(v)
    if k == "q":
        if is_missing(v):
            return "–"
        return "< 0,001" if (lang == "fr" and v < 0.001) else ("< 0.001" if v < 0.001 else fmt_number(v, lang, 3))
    if k == "reason":
        return translate_reason(v, lang)
    if k == "flags":
        return translate_flags(v, lang)
    if k == "event_kind":
        return EVENT_KINDS.get(str(v), {}).get(lang, str(v))
    if k == "campaign_id":
        return t("all_campaigns", lang) if is_missing(v) else str(v)
    if k in ("phase", "meaning"):
        return t(str(v), lang) if isinstance(v, str) and v else ""
    if k == "source":
        return t(str(v), lang) if v in ("declared", "selected") else ""
    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return ""
    return str(v)


NUMERIC_KINDS = {"pct", "pct_plain", "ci", "int", "num", "num1", "value", "q"}
NOWRAP_KINDS = {"date"}


def _td_class(c: "Col") -> str:
    return "num" if c.kind in NUMERIC_KINDS else ("nowrap" if c.kind in NOWRAP_KINDS else "")


def html_table(df: pd.DataFrame, cols: list[Col], ctx: Context, table_id: str | None = None,
               row_class=None) -> str:
    if df is None or len(df) == 0:
        return f'<p class="empty">{html.escape(t("empty", ctx.lang))}</p>'
    head = "".join(f'<th class="{_td_class(c)}">{html.escape(c.header(ctx.lang))}</th>' for c in cols)
    body = []
    for row in df.to_dict("records"):
        cls = row_class(row) if row_class else ""
        cells = "".join(
            f'<td class="{_td_class(c)}">{html.escape(cell_text(row, c, ctx))}</td>' for c in cols
        )
        body.append(f'<tr class="{cls}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    tid = f' id="{table_id}"' if table_id else ""
    return f'<div class="tablewrap"><table{tid}><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
