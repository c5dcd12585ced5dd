"""Words of the report in French and English, and number formatting per language.

Indicator names come from the registry (label_fr / label_en), never from here.
"""

from __future__ import annotations

import datetime as dt
import math
import os

import pandas as pd

LANGS = ("fr", "en")
NBSP = "\u00a0"  # French: non-breaking space before % and between thousands


def default_lang() -> str:
    lang = (os.environ.get("REPORT_LANG") or "fr").strip().lower()
    return lang if lang in LANGS else "fr"


TEXT: dict[str, dict[str, str]] = {
    "title": {"fr": "Impact de la formation sur les indicateurs des campagnes", "en": "Training impact on campaign indicators"},
    "generated": {"fr": "Rapport généré le", "en": "Report generated on"},
    "source": {"fr": "Source", "en": "Source"},
    "source_published": {"fr": "copie publiée (lecture seule)", "en": "published copy (read-only)"},
    "source_warehouse": {
        "fr": "entrepôt du pipeline (copie publiée absente)",
        "en": "pipeline warehouse (no published copy found)",
    },
    "data_period": {"fr": "Données", "en": "Data"},
    "contents": {"fr": "Sommaire", "en": "Contents"},
    # sections
    "sec_headline": {"fr": "Le chiffre clé", "en": "Headline"},
    "sec_campaigns": {"fr": "Résultat par campagne", "en": "Results by campaign"},
    "sec_forest": {"fr": "Avant / après par campagne et indicateur", "en": "Before / after by campaign and indicator"},
    "sec_event": {"fr": "Évolution mois par mois depuis la formation", "en": "Month by month since training"},
    "sec_adopters": {"fr": "Adoptants intensifs vs leur équipe", "en": "Heavy adopters vs their team"},
    "sec_control": {"fr": "Cartes de contrôle hebdomadaires", "en": "Weekly control charts"},
    "sec_selection": {"fr": "Indicateurs suivis", "en": "Indicators followed"},
    "sec_caveats": {"fr": "Limites et points d'attention", "en": "Caveats"},
    "sec_method": {"fr": "Méthode", "en": "Method"},
    # headline
    "plain": {"fr": "Simple avant / après", "en": "Plain before / after"},
    "adjusted": {"fr": "Ajusté (vs conseillers non encore formés)", "en": "Adjusted (vs not-yet-trained advisors)"},
    "plain_short": {"fr": "simple", "en": "plain"},
    "adjusted_short": {"fr": "ajusté", "en": "adjusted"},
    "mean_improvement": {"fr": "Amélioration moyenne", "en": "Mean improvement"},
    "ci95": {"fr": "IC à {level} %", "en": "{level}% CI"},
    "n_campaigns": {"fr": "Campagnes", "en": "Campaigns"},
    "range": {"fr": "De … à", "en": "Range"},
    "share_above": {"fr": "Part des campagnes à {thr} ou plus", "en": "Share of campaigns at {thr} or more"},
    "eligible": {
        "fr": "{n} campagne(s) où la méthode est bien assimilée (score d'adoption moyen > {thr}), sur leurs indicateurs principaux.",
        "en": "{n} campaign(s) where the method is well assimilated (mean adoption score > {thr}), on their primary indicators.",
    },
    "no_ci": {"fr": "pas d'intervalle", "en": "no interval"},
    "what_data_says": {"fr": "Ce que les données permettent de dire", "en": "What the data can and cannot support"},
    # headline sentences (filled by report.build.headline_sentences)
    "s_none": {
        "fr": "Aucune campagne n'atteint le seuil d'adoption : les données ne permettent pas d'évaluer le chiffre annoncé.",
        "en": "No campaign reaches the adoption threshold: the data cannot assess the claimed figure.",
    },
    "s_no_adjusted": {
        "fr": "Aucun chiffre ajusté n'est calculable (groupes trop petits ou pas de conseillers de comparaison) : le chiffre simple seul ne permet pas d'attribuer l'évolution à la formation.",
        "en": "No adjusted figure can be computed (groups too small or no comparison advisors): the plain figure alone cannot attribute the change to training.",
    },
    "s_positive": {
        "fr": "Les données soutiennent une amélioration due à la formation : {mean} en moyenne, probablement entre {lo} et {hi}.",
        "en": "The data support an improvement due to training: {mean} on average, plausibly between {lo} and {hi}.",
    },
    "s_negative": {
        "fr": "Les données indiquent une dégradation après la formation : {mean} en moyenne (entre {lo} et {hi}).",
        "en": "The data point to a deterioration after training: {mean} on average (between {lo} and {hi}).",
    },
    "s_inconclusive": {
        "fr": "Les données ne permettent pas de distinguer l'effet de la formation de zéro : {mean} en moyenne, entre {lo} et {hi}.",
        "en": "The data cannot tell the effect of training apart from zero: {mean} on average, between {lo} and {hi}.",
    },
    "s_no_ci": {
        "fr": "Le chiffre ajusté moyen est de {mean}, sans intervalle de confiance calculable : il ne vaut pas preuve.",
        "en": "The mean adjusted figure is {mean}, with no computable confidence interval: it is not evidence.",
    },
    "s_claim_ok": {
        "fr": "Un gain moyen de {claim} reste compatible avec les données.",
        "en": "An average gain of {claim} remains compatible with the data.",
    },
    "s_claim_below": {
        "fr": "Un gain moyen de {claim} n'est pas soutenu : l'intervalle reste en dessous.",
        "en": "An average gain of {claim} is not supported: the interval stays below it.",
    },
    "s_claim_above": {
        "fr": "Le gain moyen dépasse vraisemblablement {claim}.",
        "en": "The average gain is likely above {claim}.",
    },
    "s_never_below_yes": {
        "fr": "Toutes les campagnes ajustées sont à {thr} ou plus (estimations ponctuelles, chacune avec sa marge d'erreur).",
        "en": "Every adjusted campaign is at {thr} or more (point estimates, each with its own margin of error).",
    },
    "s_never_below_no": {
        "fr": "« Jamais en dessous de {thr} » n'est pas vérifié : {k} campagne(s) sur {n} sont en dessous en ajusté (minimum {min}).",
        "en": "\"Never below {thr}\" does not hold: {k} of {n} campaign(s) are below it once adjusted (minimum {min}).",
    },
    "s_plain_vs_adjusted": {
        "fr": "Le chiffre simple ({plain}) compare chaque conseiller à lui-même avant et après : il inclut aussi la saison, la tendance et les événements que les conseillers non formés ont vécus. Le chiffre ajusté ({adjusted}) les retire.",
        "en": "The plain figure ({plain}) compares advisors with themselves before and after: it also contains the season, the trend and the events that untrained advisors went through. The adjusted figure ({adjusted}) removes them.",
    },
    "s_few_campaigns": {
        "fr": "Attention : seulement {n} campagne(s) ; chaque campagne pèse lourd dans la moyenne.",
        "en": "Note: only {n} campaign(s); each campaign weighs heavily in the average.",
    },
    "s_causal": {
        "fr": "Ni l'un ni l'autre ne prouve un lien de cause à effet : la formation n'a pas été attribuée au hasard.",
        "en": "Neither proves cause and effect: training was not assigned at random.",
    },
    # tables
    "campaign": {"fr": "Campagne", "en": "Campaign"},
    "indicator": {"fr": "Indicateur", "en": "Indicator"},
    "indicators": {"fr": "Indicateurs", "en": "Indicators"},
    "adoption_score": {"fr": "Score d'adoption moyen", "en": "Mean adoption score"},
    "well_assimilated": {"fr": "Bien assimilée", "en": "Well assimilated"},
    "in_headline": {"fr": "Dans le chiffre clé", "en": "In the headline"},
    "source_of_indicators": {"fr": "Origine", "en": "Source"},
    "declared": {"fr": "déclaré", "en": "declared"},
    "selected": {"fr": "sélectionné", "en": "selected"},
    "note": {"fr": "Remarque", "en": "Note"},
    "yes": {"fr": "oui", "en": "yes"},
    "no": {"fr": "non", "en": "no"},
    "n_stable": {"fr": "Formés stables", "en": "Stable trained"},
    "n_comparison": {"fr": "Comparaison", "en": "Comparison"},
    "before": {"fr": "Avant", "en": "Before"},
    "after": {"fr": "Après", "en": "After"},
    "plain_improvement": {"fr": "Amélioration simple", "en": "Plain improvement"},
    "adjusted_improvement": {"fr": "Amélioration ajustée", "en": "Adjusted improvement"},
    "ci": {"fr": "IC", "en": "CI"},
    "q_value": {"fr": "q (FDR)", "en": "q (FDR)"},
    "flags": {"fr": "Alertes", "en": "Flags"},
    "reason": {"fr": "Motif", "en": "Reason"},
    "primary": {"fr": "principal", "en": "primary"},
    "forest_intro": {
        "fr": "Pour chaque campagne, l'amélioration de chaque indicateur entre les {before} mois avant et les {after} mois après la formation (droite = mieux ; pour les indicateurs où moins est mieux, le signe est inversé). Gris : simple avant / après. Bleu : ajusté, avec son intervalle de confiance à {level} %. Cercle vide : données insuffisantes. Les indicateurs principaux sont en gras (★).",
        "en": "For each campaign, the improvement of each indicator between the {before} months before and the {after} months after training (right = better; for lower-is-better indicators the sign is flipped). Grey: plain before / after. Blue: adjusted, with its {level}% confidence interval. Hollow circle: insufficient data. Primary indicators are in bold (★).",
    },
    "x_improvement": {"fr": "amélioration (%) — à droite = mieux", "en": "improvement (%) — right is better"},
    "insufficient": {"fr": "données insuffisantes", "en": "insufficient data"},
    "event_intro": {
        "fr": "Indicateurs principaux, mois par mois autour de la formation (0 = mois de formation), par rapport aux mois de référence avant la formation. Trait plein : ajusté (bande : IC à {level} %). Tirets : simple.",
        "en": "Primary indicators, month by month around training (0 = training month), relative to the reference months before training. Solid: adjusted (band: {level}% CI). Dashed: plain.",
    },
    "x_month_since": {"fr": "mois depuis la formation", "en": "months since training"},
    "adopters_intro": {
        "fr": "Les {top} % de conseillers formés qui appliquent le plus la méthode (score d'adoption) comparés au reste de leur équipe sur les {months} mois après la formation. « Écart simple » : écart après formation, qui mélange l'effet et le fait que ces conseillers étaient peut-être déjà meilleurs. « Ajusté » : écart après moins écart avant.",
        "en": "The top {top}% of trained advisors by adoption score compared with the rest of their team over the {months} months after training. \"Plain gap\": the gap after training, which mixes the effect with these advisors possibly being better already. \"Adjusted\": gap after minus gap before.",
    },
    "all_campaigns": {"fr": "toutes campagnes", "en": "all campaigns"},
    "n_adopters": {"fr": "Adoptants", "en": "Adopters"},
    "n_rest": {"fr": "Reste de l'équipe", "en": "Rest of team"},
    "plain_gap": {"fr": "Écart simple vs équipe", "en": "Plain gap vs team"},
    "gap_before": {"fr": "Écart avant", "en": "Gap before"},
    "control_intro": {
        "fr": "Chaque semaine, l'indicateur de la campagne (points) et sa moyenne lissée EWMA (λ = {lam}, trait). Les limites (zone grise) sont calculées sur les semaines avant la première formation et s'élargissent les semaines de faible volume. Un point rouge sort des limites : un changement réel plutôt que du bruit (taux de fausse alerte d'environ {fa} par semaine). Une alerte ne dit pas pourquoi l'indicateur a bougé : la saison, une tendance ou un événement font aussi sortir la courbe ; la part due à la formation se lit dans les résultats ajustés.",
        "en": "Each week, the campaign's indicator (dots) and its EWMA smoothed average (λ = {lam}, line). The limits (grey band) are set on the weeks before the first training and widen in low-volume weeks. A red point is outside the limits: a real change rather than noise (false-alarm rate about {fa} per week). A signal does not say why the indicator moved: season, a trend or an event move it too; the part due to training is in the adjusted results.",
    },
    "first_training": {"fr": "1re formation", "en": "first training"},
    "baseline_weeks": {"fr": "Semaines de référence", "en": "Baseline weeks"},
    "first_signal": {"fr": "1re alerte après formation", "en": "First signal after training"},
    "signals_after": {"fr": "Semaines hors limites après formation", "en": "Weeks outside limits after training"},
    "latest": {"fr": "Dernière semaine", "en": "Latest week"},
    "improvement": {"fr": "amélioration", "en": "improvement"},
    "deterioration": {"fr": "dégradation", "en": "deterioration"},
    "in_control": {"fr": "dans les limites", "en": "within limits"},
    "no_limits": {"fr": "pas de limites", "en": "no limits"},
    "week": {"fr": "semaine", "en": "week"},
    "value": {"fr": "valeur", "en": "value"},
    "ewma": {"fr": "EWMA", "en": "EWMA"},
    "limits": {"fr": "limites", "en": "limits"},
    "centre": {"fr": "ligne centrale", "en": "centre line"},
    "selection_intro": {
        "fr": "Par campagne, les 2 ou 3 indicateurs suivis : ceux déclarés par la campagne, sinon ceux choisis sur les données avant formation (volume suffisant, stables d'un mois à l'autre, qui bougent).",
        "en": "Per campaign, the 2 or 3 indicators followed: those the campaign declared, else those chosen on pre-training data (enough volume, stable month to month, responsive).",
    },
    "monthly_cv": {"fr": "CV mensuel", "en": "Monthly CV"},
    "volume": {"fr": "Volume / conseiller-mois", "en": "Volume / advisor-month"},
    "pre_value": {"fr": "Valeur avant formation", "en": "Pre-training value"},
    "eligible_n": {"fr": "Indicateurs éligibles", "en": "Eligible indicators"},
    "caveat_flags": {"fr": "Alertes sur les résultats par campagne", "en": "Flags on campaign results"},
    "caveat_flags_intro": {
        "fr": "Lignes campagne × indicateur à lire avec prudence.",
        "en": "Campaign x indicator rows to read with care.",
    },
    "flag_pretrend_failed": {"fr": "tendance avant formation différente (test placebo)", "en": "different trend before training (placebo test)"},
    "flag_event_in_window": {"fr": "événement dans la fenêtre", "en": "event inside the window"},
    "flag_insufficient_data": {"fr": "données insuffisantes", "en": "insufficient data"},
    "flag_zero_variance": {"fr": "variance nulle", "en": "zero variance"},
    "flag_no_comparison_group": {"fr": "pas de groupe de comparaison", "en": "no comparison group"},
    "flag_suppressed": {"fr": "masqué (petit groupe)", "en": "suppressed (small group)"},
    "rows": {"fr": "Lignes", "en": "Rows"},
    "caveat_excluded": {"fr": "Conseillers formés exclus de la comparaison", "en": "Trained advisors excluded from the comparison"},
    "caveat_excluded_intro": {
        "fr": "Un conseiller formé n'entre dans la comparaison que s'il a assez d'heures sur la campagne chaque mois des deux fenêtres. Les autres sont exclus, pour le premier motif applicable :",
        "en": "A trained advisor enters the comparison only with enough hours on the campaign in every month of both windows. The others are left out, for the first reason that applies:",
    },
    "excl_left": {"fr": "parti avant la fin de la fenêtre", "en": "left before the end of the window"},
    "excl_joined": {"fr": "arrivé après le début de la fenêtre", "en": "joined after the start of the window"},
    "excl_changed_campaign": {"fr": "a changé de campagne", "en": "changed campaign"},
    "excl_too_few_hours": {"fr": "trop peu d'heures", "en": "too few hours"},
    "excl_window_outside_data": {"fr": "fenêtre hors des données", "en": "window outside the data"},
    "n_advisors": {"fr": "Conseillers", "en": "Advisors"},
    "total": {"fr": "Total", "en": "Total"},
    "caveat_events": {"fr": "Événements pendant les fenêtres", "en": "Events inside the windows"},
    "caveat_events_intro": {
        "fr": "Événements datés (prix, rémunération, pannes, marketing…) qui chevauchent une fenêtre avant / après : ils peuvent expliquer une partie du chiffre simple.",
        "en": "Dated events (price, pay, outages, marketing…) overlapping a before / after window: they may explain part of the plain figure.",
    },
    "event": {"fr": "Événement", "en": "Event"},
    "kind": {"fr": "Type", "en": "Kind"},
    "starts_on": {"fr": "Début", "en": "Start"},
    "ends_on": {"fr": "Fin", "en": "End"},
    "description": {"fr": "Description", "en": "Description"},
    "caveat_insufficient": {"fr": "Données insuffisantes", "en": "Insufficient data"},
    "caveat_quarantine": {"fr": "Lignes mises en quarantaine à l'import", "en": "Rows quarantined at load"},
    "caveat_quarantine_intro": {
        "fr": "Lignes des fichiers livrés écartées des indicateurs (format, référence inconnue, doublon).",
        "en": "Delivered rows kept out of the indicators (format, unknown reference, duplicate).",
    },
    "table": {"fr": "Table", "en": "Table"},
    "no_quarantine": {"fr": "Aucune ligne écartée.", "en": "No row was kept out."},
    "none": {"fr": "aucun", "en": "none"},
    "suppressed_rows": {
        "fr": "{n} ligne(s) de résultats portent sur moins de {k} conseillers : leurs estimations sont masquées dans la copie publiée.",
        "en": "{n} result row(s) are about fewer than {k} advisors: their estimates are withheld in the published copy.",
    },
    "method_text": {
        "fr": "Chaque indicateur est un ratio de sommes (par exemple contacts argumentés ÷ heures de production), recalculé sur chaque période et chaque groupe ; on ne fait jamais la moyenne de ratios. « Simple » : les conseillers formés et stables, {before} mois avant contre {after} mois après la formation (mois de formation exclu). « Ajusté » : la même évolution moins celle des conseillers de la même campagne pas encore (ou jamais) formés sur les mêmes mois (différences de différences échelonnées) ; intervalles de confiance à {level} % avec le conseiller comme unité, valeurs q corrigées pour les tests multiples (Benjamini-Hochberg). Cartes de contrôle : EWMA du ratio hebdomadaire, limites à ±{L} écarts-types calculées avant la première formation, ajustées au volume de chaque semaine.",
        "en": "Every indicator is a ratio of sums (for example argued contacts ÷ production hours), recomputed over each period and group; ratios are never averaged. \"Plain\": stable trained advisors, {before} months before vs {after} months after training (training month excluded). \"Adjusted\": the same change minus that of advisors of the same campaign not yet (or never) trained over the same months (staggered difference-in-differences); {level}% confidence intervals with the advisor as the unit, q-values corrected for multiple testing (Benjamini-Hochberg). Control charts: EWMA of the weekly ratio, limits at ±{L} standard deviations set before the first training, scaled to each week's volume.",
    },
    "empty": {"fr": "Aucune donnée.", "en": "No data."},
    "excel_readme": {"fr": "Lisez-moi", "en": "Read me"},
}

TEXT.update({
    "relative_month": {"fr": "Mois depuis formation", "en": "Month since training"},
    "n_treated": {"fr": "Formés", "en": "Trained"},
    "n_campaigns_col": {"fr": "Campagnes", "en": "Campaigns"},
    "phase": {"fr": "Phase", "en": "Phase"},
    "baseline": {"fr": "référence", "en": "baseline"},
    "monitoring": {"fr": "suivi", "en": "monitoring"},
    "lower_limit": {"fr": "Limite basse", "en": "Lower limit"},
    "upper_limit": {"fr": "Limite haute", "en": "Upper limit"},
    "out_of_control": {"fr": "Hors limites", "en": "Out of control"},
    "signal_meaning": {"fr": "Sens", "en": "Meaning"},
    "week_start": {"fr": "Semaine (lundi)", "en": "Week (Monday)"},
    "centre_line": {"fr": "Ligne centrale", "en": "Centre line"},
    "status": {"fr": "État", "en": "Status"},
    "declared_col": {"fr": "Déclaré", "en": "Declared"},
    "eligible_col": {"fr": "Éligible", "en": "Eligible"},
    "selected_col": {"fr": "Suivi", "en": "Followed"},
    "ci_low": {"fr": "IC bas", "en": "CI low"},
    "ci_high": {"fr": "IC haut", "en": "CI high"},
    "code": {"fr": "Code", "en": "Code"},
    "eligible_campaigns": {"fr": "Campagnes bien assimilées", "en": "Well-assimilated campaigns"},
    "campaign_list": {"fr": "Campagnes du chiffre clé", "en": "Campaigns in the headline"},
    "adoption_threshold": {"fr": "Seuil d'adoption", "en": "Adoption threshold"},
    "improvement_threshold": {"fr": "Seuil « jamais en dessous »", "en": "\"Never below\" threshold"},
    "stage": {"fr": "Étape", "en": "Stage"},
    "suppressed": {"fr": "Masqué", "en": "Suppressed"},
    "campaign_name": {"fr": "Nom", "en": "Name"},
    "events_campaigns": {"fr": "Campagnes concernées", "en": "Campaigns concerned"},
    "all": {"fr": "toutes", "en": "all"},
    "primary_rows": {"fr": "Indicateurs principaux", "en": "Primary indicators"},
    "no_signal": {"fr": "aucune", "en": "none"},
    "claim_note": {
        "fr": "Chiffre annoncé testé : {claim} en moyenne, jamais moins de {thr}.",
        "en": "Claim tested: {claim} on average, never below {thr}.",
    },
    "readme_text": {
        "fr": "Classeur généré avec le rapport HTML, mêmes tableaux et mêmes chiffres. Les améliorations sont des proportions (0,05 = +5 %) : positives = mieux, y compris pour les indicateurs où moins est mieux.",
        "en": "Workbook generated with the HTML report: the same tables and figures. Improvements are fractions (0.05 = +5%): positive = better, including for lower-is-better indicators.",
    },
    "excel_link": {"fr": "Classeur Excel des mêmes tableaux", "en": "Excel workbook of the same tables"},
    "flag_count_intro": {"fr": "Nombre de lignes campagne × indicateur par alerte", "en": "Campaign x indicator rows per flag"},
    "flagged_primary": {"fr": "Indicateurs principaux avec une alerte (hors événements)", "en": "Primary indicators with a flag (events aside)"},
})

# Excel sheet names (<= 31 characters, no []:*?/\)
SHEETS: dict[str, dict[str, str]] = {
    "readme": {"fr": "Lisez-moi", "en": "Read me"},
    "headline": {"fr": "Chiffre clé", "en": "Headline"},
    "campaigns": {"fr": "Par campagne", "en": "By campaign"},
    "impact": {"fr": "Avant-après", "en": "Before-after"},
    "event": {"fr": "Mois depuis formation", "en": "Months since training"},
    "adopters": {"fr": "Adoptants vs équipe", "en": "Adopters vs team"},
    "control": {"fr": "Cartes de contrôle", "en": "Control charts"},
    "selection": {"fr": "Indicateurs suivis", "en": "Indicators followed"},
    "flags": {"fr": "Alertes", "en": "Flags"},
    "excluded": {"fr": "Exclusions", "en": "Exclusions"},
    "events": {"fr": "Événements", "en": "Events"},
    "quarantine": {"fr": "Quarantaine", "en": "Quarantine"},
}


def t(key: str, lang: str, **kw) -> str:
    s = TEXT[key][lang]
    return s.format(**kw) if kw else s


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return bool(math.isnan(float(x)))
    except (TypeError, ValueError):
        return x is pd.NA or x is pd.NaT


def fmt_number(x, lang: str, digits: int = 1, signed: bool = False) -> str:
    """12345.678 -> '12,345.7' (en) / '12 345,7' (fr, non-breaking space)."""
    if _missing(x):
        return "–"
    s = f"{float(x):{'+' if signed else ''},.{digits}f}"
    if lang == "fr":
        s = s.replace(",", "\u202f").replace(".", ",")
    return s


def fmt_pct(x, lang: str, digits: int = 1, signed: bool = True) -> str:
    """0.1034 -> '+10.3%' (en) / '+10,3 %' (fr)."""
    if _missing(x):
        return "–"
    s = fmt_number(float(x) * 100, lang, digits, signed)
    return f"{s}{NBSP}%" if lang == "fr" else f"{s}%"


def fmt_ci(lo, hi, lang: str, digits: int = 1) -> str:
    """'[+3.1%, +12.0%]' (en) / '[+3,1 % ; +12,0 %]' (fr)."""
    if _missing(lo) or _missing(hi):
        return "–"
    sep = f"{NBSP}; " if lang == "fr" else ", "
    return f"[{fmt_pct(lo, lang, digits)}{sep}{fmt_pct(hi, lang, digits)}]"


def fmt_int(x, lang: str) -> str:
    if _missing(x):
        return "–"
    return fmt_number(int(x), lang, 0)


def fmt_date(x) -> str:
    if x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, dt.datetime):  # also pd.Timestamp
        x = x.date()
    return x.isoformat() if isinstance(x, dt.date) else str(x)


def fmt_bool(x, lang: str) -> str:
    if _missing(x):
        return "–"
    return t("yes", lang) if bool(x) else t("no", lang)


def fmt_value(x, unit: str | None, lang: str) -> str:
    """An indicator value in its unit: shares as %, others as numbers."""
    if _missing(x):
        return "–"
    if unit == "share":
        return fmt_pct(x, lang, 1, signed=False)
    if unit in ("eur", "eur_per_hour"):
        return fmt_number(x, lang, 2) + (f"{NBSP}€" if lang == "fr" else " €")
    return fmt_number(x, lang, 2)
