"""The generator's world: campaigns, per-kind rate parameters, how a training effect moves
them, and the expected value of every indicator under a parameter set (used for truth.json).

Rates are per production hour. An advisor-day's parameters are the campaign's base values x
advisor skill x season x trend x confounders, then `apply_effects` (training), then `clip`.
The contact counts of each outcome are Poisson draws around `outcome_rates(...) x hours`.

This module states the *generator's* model, not the indicators' definitions (those live in
the registry, dbt/dbt_project.yml); `expected_indicators` mirrors them only to write the truth.
"""

from __future__ import annotations

import numpy as np

KINDS = ("outbound_sales", "inbound_sales", "customer_service", "retention", "b2b_appointments")
K_OUT, K_IN, K_CS, K_RET, K_B2B = range(5)
OUTBOUND_KINDS = (K_OUT, K_B2B)

OUTCOMES = (
    "no_answer",
    "gatekeeper_blocked",
    "not_argued",
    "argued",
    "sale",
    "appointment",
    "retention_saved",
    "retention_lost",
    "service",
)
O_NA, O_GK, O_NOTARG, O_ARG, O_SALE, O_APPT, O_SAVED, O_LOST, O_SERV = range(9)
ARGUED_OUTCOMES = (O_ARG, O_SALE, O_APPT, O_SAVED, O_LOST)

CR_PROGRAMME = "connivence_relationnelle"

# Retention: churn probability after a lost / saved retention call (lost: within 1-30 days,
# saved: within 30-90 days), on top of the base churn hazard of the kind.
P_CHURN_LOST = 0.85
P_CHURN_SAVED = 0.08
CANCEL_MEAN_DAYS = 200.0  # cancellations: exponential delay after the sale
# Outbound re-contacts (not moved by training): redial after no answer, call back after an
# argued contact without sale, any other contact.
OUT_REDIAL_NA = 0.5
OUT_REDIAL_NA_48H_SHARE = 0.7
OUT_CALLBACK_ARGUED = 0.15
OUT_OTHER_FOLLOWUP = 0.04

# Base parameters per kind (per production hour; shares in [0,1]).
#   c handled contacts/h (outcome other than no_answer), na no_answer/h, g gatekeeper share of
#   outbound handled, A argued-type contacts/h (argued, sale, appointment, retention_*),
#   S primary sales or appointments/h, R retention_saved/h, AD additional sales/h,
#   amt_p / amt_a mean amounts EUR, sa share of primary sales with services, w withdrawal
#   probability, pc cancellation probability (lifetime), u48 / u7 probability that an
#   identified inbound contact is followed by another contact of the customer within 48 h /
#   between 48 h and 7 days, t_csat / t_cr top-2 shares, p_pro / p_det NPS promoter /
#   detractor shares, survey share of handled contacts, ident share of identified callers
#   (inbound service/argued contacts only), churn annual hazard of a customer.
KIND_PARAMS: dict[int, dict[str, float]] = {
    K_OUT: dict(c=2.8, na=1.4, g=0.05, A=1.4, S=0.28, R=0.0, AD=0.06, amt_p=240.0, amt_a=55.0, sa=0.35,
                w=0.08, pc=0.25, u48=0.0, u7=0.0, t_csat=0.72, t_cr=0.62, p_pro=0.40, p_det=0.22,
                survey=0.03, ident=1.0, churn=0.10),
    K_IN: dict(c=3.6, na=0.0, g=0.0, A=1.8, S=0.55, R=0.0, AD=0.12, amt_p=300.0, amt_a=60.0, sa=0.45,
               w=0.06, pc=0.20, u48=0.15, u7=0.07, t_csat=0.78, t_cr=0.66, p_pro=0.45, p_det=0.18,
               survey=0.08, ident=0.92, churn=0.12),
    K_CS: dict(c=4.0, na=0.0, g=0.0, A=0.35, S=0.0, R=0.0, AD=0.09, amt_p=0.0, amt_a=90.0, sa=0.0,
               w=0.05, pc=0.15, u48=0.19, u7=0.08, t_csat=0.74, t_cr=0.64, p_pro=0.38, p_det=0.24,
               survey=0.12, ident=0.90, churn=0.12),
    K_RET: dict(c=3.0, na=0.0, g=0.0, A=2.2, S=0.0, R=0.95, AD=0.0, amt_p=0.0, amt_a=0.0, sa=0.0,
                w=0.0, pc=0.0, u48=0.14, u7=0.05, t_csat=0.62, t_cr=0.58, p_pro=0.30, p_det=0.35,
                survey=0.08, ident=1.0, churn=0.15),
    K_B2B: dict(c=2.6, na=1.6, g=0.32, A=0.9, S=0.20, R=0.0, AD=0.0, amt_p=0.0, amt_a=0.0, sa=0.0,
                w=0.0, pc=0.0, u48=0.0, u7=0.0, t_csat=0.70, t_cr=0.60, p_pro=0.35, p_det=0.25,
                survey=0.0, ident=1.0, churn=0.08),
}
PARAM_NAMES = tuple(KIND_PARAMS[K_OUT])

# Mean (talk, hold, wrap) seconds per kind and outcome; no_answer is (0, 0, 0).
HANDLE_MEANS = np.zeros((5, 9, 3))
HANDLE_MEANS[K_OUT, O_GK] = (40, 0, 10)
HANDLE_MEANS[K_OUT, O_NOTARG] = (70, 0, 20)
HANDLE_MEANS[K_OUT, O_ARG] = (320, 15, 60)
HANDLE_MEANS[K_OUT, O_SALE] = (620, 60, 150)
HANDLE_MEANS[K_B2B, O_GK] = (50, 0, 15)
HANDLE_MEANS[K_B2B, O_NOTARG] = (90, 0, 25)
HANDLE_MEANS[K_B2B, O_ARG] = (300, 10, 60)
HANDLE_MEANS[K_B2B, O_APPT] = (420, 20, 120)
HANDLE_MEANS[K_IN, O_SERV] = (300, 30, 60)
HANDLE_MEANS[K_IN, O_ARG] = (420, 40, 70)
HANDLE_MEANS[K_IN, O_SALE] = (700, 80, 160)
HANDLE_MEANS[K_CS, O_SERV] = (400, 45, 90)
HANDLE_MEANS[K_CS, O_ARG] = (480, 50, 90)
HANDLE_MEANS[K_CS, O_SALE] = (600, 60, 120)
HANDLE_MEANS[K_RET, O_SERV] = (320, 30, 70)
HANDLE_MEANS[K_RET, O_SAVED] = (640, 90, 120)
HANDLE_MEANS[K_RET, O_LOST] = (450, 40, 90)

# Indicators the generator moves directly (one parameter each); the others (revenue_per_hour,
# attrition_rate) only move through these.
DIRECT_INDICATORS = (
    "contacts_per_hour",
    "argued_contacts_per_hour",
    "sales_or_appointments_per_hour",
    "retentions_per_hour",
    "additional_sales_per_hour",
    "gatekeeper_block_rate",
    "revenue_per_sale",
    "service_attach_rate",
    "withdrawal_rate",
    "survival_rate",
    "fcr_d2_rate",
    "repeat_contact_rate",
    "csat_top2_rate",
    "cr_satisfaction_rate",
    "nps",
    "average_handle_seconds",
)

# Campaign catalogue. seats = advisor positions at size 1. effects = catalogue training
# effects (signed change of the indicator value, e.g. -0.12 = 12 % lower) for the default
# scenario. open: mon_fri / mon_sat / all. start_frac / end_frac: campaign starts / ends
# inside the period (fraction of months), else runs throughout.
CAMPAIGNS: list[dict] = [
    dict(id="C01", name="Offre duale gaz et électricité", client="Helios Énergie", kind=K_OUT,
         tz="Europe/Paris", seats=22, open="mon_sat", wd=14, sd=90, declared=True,
         primary=["sales_or_appointments_per_hour", "argued_contacts_per_hour"],
         effects={"sales_or_appointments_per_hour": 0.10, "argued_contacts_per_hour": 0.06},
         params=dict(amt_p=240.0)),
    dict(id="C02", name="Fibre et options TV", client="Nordtel", kind=K_OUT,
         tz="Europe/Paris", seats=20, open="mon_sat", wd=14, sd=60, declared=True,
         primary=["sales_or_appointments_per_hour", "revenue_per_hour", "service_attach_rate"],
         effects={"sales_or_appointments_per_hour": 0.15, "service_attach_rate": 0.10},
         params=dict(amt_p=360.0, sa=0.40)),
    dict(id="C03", name="Assurance auto", client="Assurea", kind=K_OUT,
         tz="Africa/Casablanca", seats=24, open="mon_sat", wd=30, sd=90, declared=False,
         primary=["sales_or_appointments_per_hour", "withdrawal_rate"],
         effects={"sales_or_appointments_per_hour": 0.40, "withdrawal_rate": -0.20},
         params=dict(amt_p=420.0, w=0.10, S=0.24)),
    dict(id="C04", name="Prise de rendez-vous commerciaux", client="ProBureau", kind=K_B2B,
         tz="Europe/Paris", seats=14, open="mon_fri", wd=None, sd=None, declared=True,
         primary=["gatekeeper_block_rate", "sales_or_appointments_per_hour"],
         effects={"gatekeeper_block_rate": -0.12, "sales_or_appointments_per_hour": 0.18},
         params={}),
    dict(id="C05", name="Audits énergétiques PME", client="Helios Énergie Pro", kind=K_B2B,
         tz="Europe/Paris", seats=10, open="mon_fri", wd=None, sd=None, declared=True, end_frac=0.875,
         primary=["argued_contacts_per_hour", "sales_or_appointments_per_hour"],
         effects={}, params=dict(g=0.28)),
    dict(id="C06", name="Ventes entrantes santé", client="Mutuelle Horizon", kind=K_IN,
         tz="Europe/Paris", seats=16, open="mon_sat", wd=14, sd=90, declared=True,
         primary=["sales_or_appointments_per_hour", "additional_sales_per_hour", "revenue_per_sale"],
         effects={"sales_or_appointments_per_hour": 0.08, "additional_sales_per_hour": 0.12,
                  "revenue_per_sale": 0.05},
         params=dict(amt_p=480.0)),
    dict(id="C07", name="Ventes box internet Antilles", client="Nordtel", kind=K_IN,
         tz="America/Martinique", seats=12, open="mon_sat", wd=14, sd=60, declared=False,
         primary=["sales_or_appointments_per_hour", "service_attach_rate"],
         effects={"sales_or_appointments_per_hour": 0.10, "service_attach_rate": 0.10},
         params=dict(amt_p=300.0)),
    dict(id="C08", name="Service clients énergie", client="Helios Énergie", kind=K_CS,
         tz="Europe/Paris", seats=22, open="all", wd=14, sd=None, declared=True, late_line=True,
         primary=["fcr_d2_rate", "csat_top2_rate", "cr_satisfaction_rate"],
         effects={"fcr_d2_rate": 0.06, "csat_top2_rate": 0.08, "cr_satisfaction_rate": 0.12},
         params=dict(u48=0.20)),
    dict(id="C09", name="Relation clients banque", client="Banque Alizé", kind=K_CS,
         tz="Europe/Paris", seats=18, open="mon_sat", wd=14, sd=None, declared=True,
         primary=["repeat_contact_rate", "nps"],
         effects={"repeat_contact_rate": -0.15, "nps": 0.20},
         params=dict(u48=0.25, u7=0.09)),
    dict(id="C10", name="Assistance technique box", client="Nordtel", kind=K_CS,
         tz="", seats=14, open="mon_sat", wd=None, sd=None, declared=False,
         primary=["fcr_d2_rate", "average_handle_seconds"],
         effects={"fcr_d2_rate": 0.03}, params=dict(u48=0.22, c=3.7)),
    dict(id="C11", name="Fidélisation mobile", client="Nordtel", kind=K_RET,
         tz="Europe/Paris", seats=14, open="all", wd=None, sd=None, declared=True,
         primary=["retentions_per_hour", "attrition_rate"],
         effects={"retentions_per_hour": 0.20}, params={}),
    dict(id="C12", name="Rétention assurance habitation", client="Assurea", kind=K_RET,
         tz="Europe/Paris", seats=12, open="mon_sat", wd=None, sd=None, declared=False, start_frac=0.0834,
         primary=["retentions_per_hour", "csat_top2_rate"],
         effects={"retentions_per_hour": 0.25, "csat_top2_rate": 0.05}, params=dict(R=0.90)),
]
TRANSFER_TARGET = "C04"  # advisors of a campaign that ends move here

SITES_FR = ("Paris", "Lille", "Orléans")
SITE_BY_TZ = {"Africa/Casablanca": "Casablanca", "America/Martinique": "Fort-de-France"}

# Monthly season pattern (x amplitude): summer dip, December peak.
SEASON_PATTERN = np.array([0.0, -0.1, 0.1, 0.2, 0.2, 0.0, -0.5, -1.0, 0.2, 0.4, 0.5, 1.0])


def applicable(kind: int) -> dict[str, bool]:
    """Which indicators have a meaningful (non-empty) denominator for a campaign kind."""
    sales_kind = kind in (K_OUT, K_IN)
    has_sales = kind in (K_OUT, K_IN, K_CS)
    survey = KIND_PARAMS[kind]["survey"] > 0
    return {
        "gatekeeper_block_rate": kind in OUTBOUND_KINDS,
        "argued_contacts_per_hour": True,
        "sales_or_appointments_per_hour": kind in (K_OUT, K_IN, K_B2B),
        "revenue_per_hour": has_sales,
        "retentions_per_hour": kind == K_RET,
        "revenue_per_sale": has_sales,
        "additional_sales_per_hour": has_sales,
        "service_attach_rate": sales_kind,
        "fcr_d2_rate": kind not in OUTBOUND_KINDS,
        "repeat_contact_rate": True,
        "withdrawal_rate": has_sales,
        "attrition_rate": True,
        "survival_rate": sales_kind,
        "csat_top2_rate": survey,
        "cr_satisfaction_rate": survey,
        "nps": survey,
        "contacts_per_hour": True,
        "average_handle_seconds": True,
    }


def apply_effects(p: dict, e: dict) -> dict:
    """Training: move each parameter so that its indicator changes by e[code] (signed,
    multiplicative on the indicator's value). Works on scalars and on numpy arrays."""
    q = dict(p)

    def g(code):
        return e.get(code, 0.0)

    q["c"] = p["c"] * (1 + g("contacts_per_hour"))
    q["A"] = p["A"] * (1 + g("argued_contacts_per_hour"))
    q["S"] = p["S"] * (1 + g("sales_or_appointments_per_hour"))
    q["R"] = p["R"] * (1 + g("retentions_per_hour"))
    q["AD"] = p["AD"] * (1 + g("additional_sales_per_hour"))
    q["g"] = p["g"] * (1 + g("gatekeeper_block_rate"))
    q["amt"] = p["amt"] * (1 + g("revenue_per_sale"))
    q["sa"] = p["sa"] * (1 + g("service_attach_rate"))
    q["w"] = p["w"] * (1 + g("withdrawal_rate"))
    # survival = (1 - w) (1 - pc F): move pc so that (1 - pc F) scales by (1 + e)
    F = p["cancel_F"]
    k = p["pc"] * F
    k_new = 1 - (1 - k) * (1 + g("survival_rate"))
    q["pc"] = np.where(F > 0, k_new / np.maximum(F, 1e-12), p["pc"]) if isinstance(F, np.ndarray) else (
        k_new / F if F > 0 else p["pc"])
    r = 1 + g("repeat_contact_rate")
    u48 = p["u48"] * r
    q["u7"] = p["u7"] * r
    q["u48"] = 1 - (1 - u48) * (1 + g("fcr_d2_rate"))
    q["t_csat"] = p["t_csat"] * (1 + g("csat_top2_rate"))
    q["t_cr"] = p["t_cr"] * (1 + g("cr_satisfaction_rate"))
    d = g("nps") * (p["p_pro"] - p["p_det"])
    q["p_pro"] = p["p_pro"] + d / 2
    q["p_det"] = p["p_det"] - d / 2
    q["aht"] = p["aht"] * (1 + g("average_handle_seconds"))
    return q


def clip(q: dict, kind) -> dict:
    """Keep parameters feasible (shares in range, sub-rates below their totals)."""
    q = dict(q)
    q["g"] = np.clip(q["g"], 0.0, 0.9)
    q["sa"] = np.clip(q["sa"], 0.0, 0.95)
    q["w"] = np.clip(q["w"], 0.0, 0.5)
    q["pc"] = np.clip(q["pc"], 0.0, 0.95)
    q["u48"] = np.clip(q["u48"], 0.0, 0.8)
    q["u7"] = np.clip(q["u7"], 0.0, 0.8)
    q["t_csat"] = np.clip(q["t_csat"], 0.02, 0.985)
    q["t_cr"] = np.clip(q["t_cr"], 0.02, 0.985)
    q["p_det"] = np.clip(q["p_det"], 0.01, 0.9)
    q["p_pro"] = np.clip(q["p_pro"], 0.01, 0.98 - q["p_det"])
    outbound = np.isin(kind, OUTBOUND_KINDS)
    room = np.where(outbound, q["c"] * (1 - q["g"]), q["c"]) * 0.95
    q["A"] = np.minimum(q["A"], room)
    q["S"] = np.minimum(q["S"], 0.9 * q["A"])
    q["R"] = np.minimum(q["R"], 0.95 * q["A"])
    q["AD"] = np.where(np.asarray(kind) == K_CS, np.minimum(q["AD"], 0.9 * q["A"]), q["AD"])
    return q


def outcome_rates(kind, q: dict):
    """Expected contacts per hour for each outcome (last axis = OUTCOMES order)."""
    kind = np.asarray(kind)
    shape = np.broadcast(kind, q["c"]).shape
    lam = np.zeros(shape + (9,))
    c, A, S = q["c"], q["A"], q["S"]
    out = np.isin(kind, OUTBOUND_KINDS)
    blocked = c * q["g"]
    lam[..., O_NA] = np.where(out, q["na"], 0.0)
    lam[..., O_GK] = np.where(out, blocked, 0.0)
    lam[..., O_NOTARG] = np.where(out, c - blocked - A, 0.0)
    is_out, is_b2b, is_in = kind == K_OUT, kind == K_B2B, kind == K_IN
    is_cs, is_ret = kind == K_CS, kind == K_RET
    lam[..., O_ARG] = np.where(is_out | is_b2b | is_in, A - S, np.where(is_cs, A - q["AD"], 0.0))
    lam[..., O_SALE] = np.where(is_out | is_in, S, np.where(is_cs, q["AD"], 0.0))
    lam[..., O_APPT] = np.where(is_b2b, S, 0.0)
    lam[..., O_SAVED] = np.where(is_ret, q["R"], 0.0)
    lam[..., O_LOST] = np.where(is_ret, A - q["R"], 0.0)
    lam[..., O_SERV] = np.where(is_in | is_cs | is_ret, c - A, 0.0)
    return np.maximum(lam, 0.0)


def expected_indicators(
    kind: int, q: dict, churn_hazard: float, placed: tuple[float, float] = (1.0, 1.0)
) -> dict[str, float | None]:
    """Expected value of each registry indicator for one advisor with parameters q (scalars),
    as the generator draws them.

    placed = (p48, p7): probability that a planned follow-up of the first class (within 48 h:
    inbound u48, outbound redials after no answer) / of the second (48 h - 7 d) is actually
    placed. The generator draws a follow-up class per contact, then `_link` gives it a later
    contact of the campaign in its window, which fails for some (windows over nights and closed
    days, later contacts already taken): a failed follow-up leaves the contact resolved and not
    followed. The generator measures these shares and passes them (generator._truth)."""
    p48, p7 = placed
    lam = outcome_rates(kind, q)
    ok = applicable(kind)
    handled = lam[1:].sum()
    out = kind in OUTBOUND_KINDS
    primary = q["S"] if kind in (K_OUT, K_IN) else 0.0
    appts = q["S"] if kind == K_B2B else 0.0
    additional = q["AD"] if kind in (K_OUT, K_IN, K_CS) else 0.0
    amt = q["amt"]
    revenue = primary * q["amt_p"] * amt + additional * q["amt_a"] * amt
    sales = primary + additional
    handle = (lam * HANDLE_MEANS[kind].sum(axis=1)).sum() * q["aht"]
    b90 = 1 - np.exp(-churn_hazard * 90 / 365)
    if kind == K_RET:
        attr = (lam[O_LOST] * (1 - (1 - P_CHURN_LOST) * (1 - b90))
                + lam[O_SAVED] * (1 - (1 - P_CHURN_SAVED) * (1 - b90))
                + lam[O_SERV] * b90) / lam.sum()
    else:
        attr = b90
    if out:
        redial = OUT_REDIAL_NA * (OUT_REDIAL_NA_48H_SHARE * p48 + (1 - OUT_REDIAL_NA_48H_SHARE) * p7)
        followed = (lam[O_NA] * redial + lam[O_ARG] * OUT_CALLBACK_ARGUED * p7
                    + (lam.sum() - lam[O_NA] - lam[O_ARG]) * OUT_OTHER_FOLLOWUP * p7) / lam.sum()
    else:
        followed = q["u48"] * p48 + q["u7"] * p7
    v = {
        "gatekeeper_block_rate": float(q["g"]),
        "argued_contacts_per_hour": float(lam[list(ARGUED_OUTCOMES)].sum()),
        "sales_or_appointments_per_hour": float(primary + appts),
        "revenue_per_hour": float(revenue),
        "retentions_per_hour": float(lam[O_SAVED]),
        "revenue_per_sale": float(revenue / sales) if sales > 0 else None,
        "additional_sales_per_hour": float(additional),
        "service_attach_rate": float(q["sa"]),
        "fcr_d2_rate": float(1 - q["u48"] * p48),
        "repeat_contact_rate": float(followed),
        "withdrawal_rate": float(q["w"]),
        "attrition_rate": float(attr),
        "survival_rate": float((1 - q["w"]) * (1 - q["pc"] * q["cancel_F"])),
        "csat_top2_rate": float(q["t_csat"]),
        "cr_satisfaction_rate": float(q["t_cr"]),
        "nps": float(100 * (q["p_pro"] - q["p_det"])),
        "contacts_per_hour": float(handled),
        "average_handle_seconds": float(handle / handled) if handled > 0 else None,
    }
    return {k: (val if ok[k] else None) for k, val in v.items()}
