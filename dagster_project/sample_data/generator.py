"""Deterministic sample data for the landing contract (see package docstring)."""

from __future__ import annotations

import json
import math
import shutil
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from . import model as M
from .model import CAMPAIGNS, DIRECT_INDICATORS, KIND_PARAMS, KINDS, OUTCOMES
from .population import FAR, NONE_DAY, Calendar, Population, build_population
from .scenario import Scenario, get_scenario
from .writer import NULL_DAY, NULL_INT, Writer

TABLES = (
    "campaigns", "advisors", "production_hours", "contacts", "sales", "customers",
    "surveys", "survey_questions", "trainings", "adoption_scores", "events",
)
SURVEY_QUESTIONS = (  # question, scale_min, scale_max, is_cr_related, share of surveys answering it
    ("csat", 1, 5, False, 1.0),
    ("nps", 0, 10, False, 0.85),
    ("cr_listening", 1, 5, True, 0.75),
    ("cr_personalisation", 1, 5, True, 0.70),
)
NPS_DETRACTOR_CUM = np.cumsum([0.04, 0.03, 0.05, 0.08, 0.12, 0.28, 0.40])[:-1]  # scores 0..6
PAD = 3  # days of UTC-offset table before the start / after the end
DAY_S = 86400
GENERATOR_VERSION = 1
VOLUME_PARAMS = ("c", "na", "A", "S", "R", "AD")  # per-hour contact rates (Scenario.contact_volume)


# =========================================================================================
# helpers
# =========================================================================================
def _zone(c: dict) -> str:
    return c["tz"] or "Europe/Paris"


class Offsets:
    """UTC offset (minutes) of each campaign's zone by local date and hour."""

    def __init__(self, cal: Calendar):
        self.epoch0 = (cal.start - date(1970, 1, 1)).days
        zones = sorted({_zone(c) for c in CAMPAIGNS})
        self.zone_of_camp = np.array([zones.index(_zone(c)) for c in CAMPAIGNS])
        n = cal.ndays + 2 * PAD
        self.table = np.zeros((len(zones), n, 24), dtype=np.int16)
        for z, name in enumerate(zones):
            tz = ZoneInfo(name)
            for i in range(n):
                d = cal.date(i - PAD)
                for h in range(24):
                    self.table[z, i, h] = int(datetime(d.year, d.month, d.day, h, 30, tzinfo=tz).utcoffset().total_seconds() // 60)

    def __call__(self, camp: np.ndarray, local_s: np.ndarray) -> np.ndarray:
        day = np.clip(local_s // DAY_S - self.epoch0 + PAD, 0, self.table.shape[1] - 1)
        hour = (local_s % DAY_S) // 3600
        off = self.table[self.zone_of_camp[camp], day, hour]
        return np.where(local_s >= 0, off, 0).astype(np.int16)


def _lognorm(rng, sigma, n):
    return np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)


def campaign_effects(sc: Scenario) -> dict[int, dict[str, float]]:
    """Direct training effect per campaign (signed change of the indicator value)."""
    from dagster_project.indicators import by_code

    registry = by_code()
    out = {}
    for ci, c in enumerate(CAMPAIGNS):
        ok = M.applicable(c["kind"])
        if sc.uniform_effect is not None:
            codes = sc.uniform_effect_indicators or c["primary"]
            eff = {}
            for code in codes:
                if code not in registry:
                    raise ValueError(f"unknown indicator {code!r}")
                if code in DIRECT_INDICATORS and ok.get(code):
                    sign = -1.0 if registry[code].direction == "lower" else 1.0
                    eff[code] = sign * sc.uniform_effect
        else:
            eff = {k: v * sc.effect_scale for k, v in c["effects"].items()}
        out[ci] = {k: float(v) for k, v in eff.items() if v != 0}
    return out


def _dates_of(cal: Calendar, sc: Scenario) -> dict:
    Mo = cal.months

    def mstart(frac, override=None):
        m = override if override is not None else int(math.floor(frac * Mo + 0.5))
        return cal.month_start[m] if 0 < m < Mo else None

    mk = mstart(0.35)
    out = dict(
        pay=mstart(10 / 24, sc.pay_scheme_month),
        price=mstart(13 / 24, sc.price_change_month),
        marketing=(mk + 14, mk + 41) if mk is not None else None,
        outage=None,
        product=mstart(0.7),
    )
    om = mstart(0.6)
    if om is not None:
        d = om + 10
        while cal.date(d).weekday() >= 5:
            d += 1
        out["outage"] = d
    return out


# =========================================================================================
# customer linking (repeat contacts)
# =========================================================================================
def _link(times, ident, src, s_lo, s_hi, ext_lo, ext_hi, month_end, rng, rounds=8):
    """Give follow-up sources a later contact of the same campaign as their follow-up.

    times: sorted local seconds of the month's contacts of one campaign. src: indexes of
    internal sources with windows [s_lo, s_hi]; ext_*: windows of sources carried over from
    the previous month. Returns parent (-1 none, >=0 internal parent, <=-2 external -(2+j))
    and the internal sources whose follow-up falls after the month (index, lo, hi, tau).
    """
    n = len(times)
    parent = np.full(n, -1, dtype=np.int64)
    cand = np.nonzero(ident)[0]
    ct = times[cand]
    ids = np.concatenate([-(2 + np.arange(len(ext_lo))), src]).astype(np.int64)
    lo = np.concatenate([ext_lo, s_lo]).astype(np.int64)
    hi = np.concatenate([ext_hi, s_hi]).astype(np.int64)
    tau = lo + (rng.random(len(lo)) * (hi - lo)).astype(np.int64)
    claimed = np.zeros(len(ct), dtype=bool)
    active = np.ones(len(lo), dtype=bool)
    pend = np.zeros(len(lo), dtype=bool)
    for r in range(rounds):
        late = active & (tau >= month_end)
        pend |= late & (ids >= 0)
        active &= ~late
        act = np.nonzero(active)[0]
        if len(act) == 0 or len(ct) == 0:
            break
        pos = np.searchsorted(ct, tau[act])
        nxt_ok = pos < len(ct)
        nxt = np.where(nxt_ok, pos, 0)
        valid = nxt_ok & (ct[nxt] <= hi[act])
        prv = pos - 1
        prv_ok = (prv >= 0) & (ct[np.maximum(prv, 0)] >= lo[act])
        choice = np.where(valid, nxt, np.where(prv_ok, prv, -1))
        good = choice >= 0
        good[good] &= ~claimed[choice[good]]
        g_src, g_ch = act[good], choice[good]
        uniq, first = np.unique(g_ch, return_index=True)
        winners = g_src[first]
        claimed[uniq] = True
        parent[cand[uniq]] = ids[winners]
        active[winners] = False
        # the others try another time in their window
        rest = np.nonzero(active)[0]
        tau[rest] = lo[rest] + (rng.random(len(rest)) * (hi[rest] - lo[rest])).astype(np.int64)
    p = np.nonzero(pend)[0]
    return parent, (ids[p], lo[p], hi[p])


# =========================================================================================
# the generator
# =========================================================================================
def generate(
    out_dir,
    seed: int = 42,
    scenario: str | Scenario = "default",
    size: float = 1.0,
    fmt: str = "csv",
    months: int | None = None,
    **overrides,
) -> dict:
    """Write a landing folder (one sub-folder per contract table) and _truth/truth.json.

    Returns a summary: out_dir, seed, scenario, rows and files per table, seconds, truth path.
    """
    t_start = time.perf_counter()
    sc = get_scenario(scenario, months=months, **overrides)
    if size <= 0:
        raise ValueError("size must be > 0")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for table in TABLES:  # remove our previous output only
        for p in (out / table).glob("*"):
            if p.is_file() and p.suffix in (".csv", ".parquet"):
                p.unlink()
    if (out / "_truth").is_dir():
        shutil.rmtree(out / "_truth")

    start = date.fromisoformat(sc.start)
    if start.day != 1:
        raise ValueError("scenario start must be the first day of a month")
    cal = Calendar.build(start, sc.months)
    ss = np.random.SeedSequence([int(seed), 20240101])
    pop_seed, static_seed, month_seed_root = ss.spawn(3)
    pop = build_population(sc, cal, size, np.random.default_rng(pop_seed))
    offsets = Offsets(cal)
    eff = campaign_effects(sc)
    dates = _dates_of(cal, sc)
    wr = Writer(out, fmt, start, offsets=np.unique(offsets.table))
    adv_width = max(4, len(str(pop.n_advisors)))
    ctx = _Context(sc, cal, pop, offsets, eff, dates, wr, adv_width, size)

    _write_static(ctx, np.random.default_rng(static_seed))
    month_seeds = month_seed_root.spawn(cal.months)
    for m in range(cal.months):
        _generate_month(ctx, m, np.random.default_rng(month_seeds[m]))
    wr.close()

    seconds = time.perf_counter() - t_start
    truth = _truth(ctx, seed, size, fmt)
    (out / "_truth").mkdir(exist_ok=True)
    with open(out / "_truth" / "truth.json", "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1, sort_keys=False)
    return {
        "out_dir": str(out),
        "seed": seed,
        "scenario": sc.name,
        "size": size,
        "months": cal.months,
        "format": fmt,
        "rows": dict(wr.rows),
        "files": dict(wr.files),
        "seconds": round(seconds, 2),
        "truth": str(out / "_truth" / "truth.json"),
    }


class _Context:
    def __init__(self, sc, cal, pop: Population, offsets, eff, dates, wr, adv_width, size):
        self.sc, self.cal, self.pop, self.off, self.eff, self.dates, self.wr = sc, cal, pop, offsets, eff, dates, wr
        self.adv_width = adv_width
        self.ncamp = len(CAMPAIGNS)
        self.kind = np.array([c["kind"] for c in CAMPAIGNS])
        self.epoch0 = offsets.epoch0
        self.horizon_end = (self.epoch0 + cal.ndays) * DAY_S - 1  # last local second of the period
        # campaign parameter arrays
        self.P = {}
        for name in M.PARAM_NAMES:
            self.P[name] = np.array([c["params"].get(name, KIND_PARAMS[c["kind"]][name]) for c in CAMPAIGNS], dtype=float)
        if sc.contact_volume != 1.0:  # per-hour contact rates only; shares and amounts unchanged
            if sc.contact_volume <= 0:
                raise ValueError("contact_volume must be > 0")
            for name in VOLUME_PARAMS:
                self.P[name] = self.P[name] * sc.contact_volume
        self.wd = np.array([c["wd"] or 14 for c in CAMPAIGNS])
        self.sd = np.array([c["sd"] or 90 for c in CAMPAIGNS])
        self.cancel_F = 1 - np.exp(-self.sd / M.CANCEL_MEAN_DAYS)
        self.E = np.zeros((self.ncamp, len(DIRECT_INDICATORS)))
        for ci, d in eff.items():
            for code, v in d.items():
                self.E[ci, DIRECT_INDICATORS.index(code)] = v
        self.camp_idx = {c["id"]: i for i, c in enumerate(CAMPAIGNS)}
        self.open = self._open_days()
        self.absence = self._absence()
        # counters
        self.contact_seq = 0
        self.sale_seq = 0
        self.survey_seq = 0
        # customer pools (one per campaign): affine permutation of a root counter
        self.pool_size = np.zeros(self.ncamp, dtype=np.int64)
        for ci, c in enumerate(CAMPAIGNS):
            p = self.P
            per_hour = p["c"][ci] + p["na"][ci]
            monthly = max(3, round(c["seats"] * size)) * 19 * sc.hours_per_day * per_hour * 0.8
            cycle = 40 if c["kind"] == M.K_RET else 6
            self.pool_size[ci] = max(2000, int(monthly * cycle))
        self.pool_offset = np.concatenate([[0], np.cumsum(self.pool_size)[:-1]])
        self.cust_width = max(8, len(str(int(self.pool_size.sum()))))
        self.pool_a = []
        self.pool_b = []
        prng = np.random.default_rng(12345)
        for ci in range(self.ncamp):
            a = int(prng.integers(self.pool_size[ci] // 3, self.pool_size[ci] - 1)) | 1
            while math.gcd(a, int(self.pool_size[ci])) != 1:
                a += 2
            self.pool_a.append(a)
            self.pool_b.append(int(prng.integers(0, self.pool_size[ci])))
        self.pool_counter = np.zeros(self.ncamp, dtype=np.int64)
        self.seen = [np.zeros(s, dtype=bool) for s in self.pool_size]
        self.churn = [np.full(s, FAR, dtype=np.int32) for s in self.pool_size]
        self.since = [np.full(s, NULL_DAY, dtype=np.int32) for s in self.pool_size]
        # follow-ups carried to next month: cust, lo, hi, class (0: within 48 h, 1: 48 h - 7 d),
        # source of a trained advisor after effect start
        self.pending_links = {ci: (np.zeros(0, np.int64),) * 5 for ci in range(self.ncamp)}
        # planned / placed follow-ups (_link cannot place them all): campaign x class x treated
        # source x (planned, placed); the fcr / repeat truth uses the placed share (_truth)
        self.link_counts = np.zeros((self.ncamp, 2, 2, 2), dtype=np.int64)
        self.pending_sales = None  # DataFrame of sale rows to re-deliver, with 'event_month'

    # --- calendar ------------------------------------------------------------------------
    def _open_days(self) -> np.ndarray:
        cal = self.cal
        days = np.arange(cal.ndays)
        wdays = np.array([cal.date(d).weekday() for d in days])
        md = np.array([(cal.date(d).month, cal.date(d).day) for d in days])
        fr_hol = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}
        other_hol = {(1, 1), (5, 1), (12, 25)}
        open_ = np.zeros((self.ncamp, cal.ndays), dtype=bool)
        for ci, c in enumerate(CAMPAIGNS):
            hol = fr_hol if _zone(c) == "Europe/Paris" else other_hol
            is_hol = np.array([tuple(x) in hol for x in md])
            if c["open"] == "mon_fri":
                open_[ci] = (wdays < 5) & ~is_hol
            elif c["open"] == "mon_sat":
                open_[ci] = (wdays < 6) & ~is_hol
            else:
                open_[ci] = True
            open_[ci] &= (days >= self.pop.camp_start[ci]) & (days <= self.pop.camp_end[ci])
        self.wdays = wdays
        return open_

    def _absence(self) -> np.ndarray:
        cal = self.cal
        a = np.full(cal.ndays, 0.05)
        for d in range(cal.ndays):
            dt = cal.date(d)
            if (dt.month == 7 and dt.day >= 15) or (dt.month == 8 and dt.day <= 25):
                a[d] += 0.22
            elif (dt.month == 12 and dt.day >= 22) or (dt.month == 1 and dt.day <= 1):
                a[d] += 0.20
            elif dt.month == 5:
                a[d] += 0.04
        return a

    def local_s(self, day, sec):
        return (self.epoch0 + np.asarray(day, dtype=np.int64)) * DAY_S + np.asarray(sec, dtype=np.int64)


# =========================================================================================
# static tables
# =========================================================================================
def _write_static(ctx: _Context, rng: np.random.Generator) -> None:
    pop, cal, wr, sc = ctx.pop, ctx.cal, ctx.wr, ctx.sc
    # campaigns ---------------------------------------------------------------------------
    rows = []
    for ci, c in enumerate(CAMPAIGNS):
        rows.append(dict(
            campaign_id=c["id"], campaign_name=c["name"], client=c["client"], kind=KINDS[c["kind"]],
            timezone=c["tz"] or None, started_on=pop.camp_started_on[ci].isoformat(),
            ended_on=pop.camp_ended_on[ci].isoformat() if pop.camp_ended_on[ci] else None,
            primary_indicators=";".join(c["primary"]) if c["declared"] else None,
            withdrawal_window_days=c["wd"], survival_window_days=c["sd"],
        ))
    df = pd.DataFrame(rows).astype({"withdrawal_window_days": "Int64", "survival_window_days": "Int64"})
    cols = [(k, k) for k in df.columns]
    wr.write("campaigns", "campaigns", df, cols, "campaign_id")

    # advisors ----------------------------------------------------------------------------
    n = pop.n_advisors
    df = pd.DataFrame(dict(adv=np.arange(1, n + 1), team=pop.team, hired=pop.hired,
                           lft=np.where(pop.left > NONE_DAY, pop.left, NULL_DAY)))
    df["site"] = [pop.team_site[t] for t in pop.team]
    wr.write("advisors", "advisors", df, [
        ("advisor_id", wr.id("adv", "A", ctx.adv_width)), ("team_id", wr.id("team + 1", "T", 3)),
        ("site", "site"), ("hired_on", wr.day("hired")), ("left_on", wr.day("lft")),
    ], "adv")

    # survey questions ----------------------------------------------------------------------
    df = pd.DataFrame([dict(question=q, scale_min=a, scale_max=b, is_cr_related=cr) for q, a, b, cr, _ in SURVEY_QUESTIONS])
    wr.write("survey_questions", "survey_questions", df, [(k, k) for k in df.columns], "question")

    # trainings -----------------------------------------------------------------------------
    tr = np.nonzero(pop.trained > NONE_DAY)[0]
    parts = [pd.DataFrame(dict(adv=tr + 1, prog=0, day=pop.trained[tr]))]
    if sc.other_programmes:
        ob = np.nonzero(pop.onboarding > NONE_DAY)[0]
        parts.append(pd.DataFrame(dict(adv=ob + 1, prog=1, day=pop.onboarding[ob])))
    df = pd.concat(parts, ignore_index=True)
    wr.write("trainings", "trainings", df, [
        ("advisor_id", wr.id("adv", "A", ctx.adv_width)),
        ("programme", wr.lookup("prog", [M.CR_PROGRAMME, "onboarding"])),
        ("trained_on", wr.day("day")),
    ], "day, adv, prog")

    # adoption scores -------------------------------------------------------------------------
    a = pop.adoption_rows
    df = pd.DataFrame(dict(adv=a["adv"] + 1, camp=a["camp"] + 1, day=a["day"], score=a["score"]))
    wr.write("adoption_scores", "adoption_scores", df, [
        ("advisor_id", wr.id("adv", "A", ctx.adv_width)), ("campaign_id", wr.id("camp", "C", 2)),
        ("evaluated_on", wr.day("day")), ("score", "round(score, 1)"),
    ], "day, adv")

    # events --------------------------------------------------------------------------------
    ev = []
    d = ctx.dates
    if d["pay"] is not None and sc.pay_scheme_change:
        ev.append((sc.pay_scheme_campaign, d["pay"], None, "pay_scheme_change",
                   "Nouvelle grille de primes sur les ventes (part variable relevée)"))
    if d["price"] is not None and sc.price_change:
        ev.append((sc.price_change_campaign, d["price"], None, "price_change",
                   f"Évolution tarifaire de l'offre ({sc.price_change:+.0%} sur le prix moyen)"))
    if d["marketing"] is not None and sc.marketing_boost:
        ev.append(("C06", d["marketing"][0], d["marketing"][1], "marketing", "Campagne TV nationale, appels entrants plus qualifiés"))
    if d["outage"] is not None and sc.outage:
        ev.append((None, d["outage"], d["outage"], "outage", "Panne de la plateforme téléphonique, matinée perturbée (tous sites)"))
    for ci, c in enumerate(CAMPAIGNS):
        if pop.camp_start[ci] > 0:
            ev.append((c["id"], int(pop.camp_start[ci]), None, "staffing_change", "Lancement de la campagne, équipe recrutée"))
        if pop.camp_ended_on[ci] is not None:
            ev.append((c["id"], int(pop.camp_end[ci]), int(pop.camp_end[ci]), "staffing_change",
                       "Fin de la campagne, conseillers transférés vers C04"))
    if d["product"] is not None:
        ev.append(("C07", d["product"], None, "product_change", "Nouvelle box, mêmes tarifs"))
    ev.sort(key=lambda e: (e[1], e[0] or ""))
    df = pd.DataFrame(dict(
        seq=np.arange(1, len(ev) + 1),
        camp=[e[0] for e in ev],
        starts=[e[1] for e in ev],
        ends=[e[2] if e[2] is not None else NULL_DAY for e in ev],
        kind=[e[3] for e in ev],
        description=[e[4] for e in ev],
    ))
    wr.write("events", "events", df, [
        ("event_id", wr.id("seq", "E", 3)), ("campaign_id", "camp"), ("starts_on", wr.day("starts")),
        ("ends_on", wr.day("ends")), ("kind", "kind"), ("description", "description"),
    ], "seq")
    ctx.events = ev


# =========================================================================================
# one month
# =========================================================================================
def _row_params(ctx: _Context, camp, adv, day, month):
    """Parameters of each advisor-day row, training effect included, clipped."""
    sc, pop, P = ctx.sc, ctx.pop, ctx.P
    kind = ctx.kind[camp]
    tenure = day - pop.hired[adv]
    ramp_left = sc.new_hire_ramp * np.exp(-np.maximum(tenure, 0) / 75.0)
    moy = ctx.cal.date(ctx.cal.month_start[month]).month - 1
    season = 1 + sc.season_amplitude * M.SEASON_PATTERN[moy]
    trend = (1 + sc.trend_per_year) ** (day / 365.0)
    d = ctx.dates
    one = np.ones(len(camp))
    pay = one.copy()
    if d["pay"] is not None and sc.pay_scheme_change:
        pay = np.where((camp == ctx.camp_idx[sc.pay_scheme_campaign]) & (day >= d["pay"]), 1 + sc.pay_scheme_change, 1.0)
    price = one.copy()
    if d["price"] is not None and sc.price_change:
        price = np.where((camp == ctx.camp_idx[sc.price_change_campaign]) & (day >= d["price"]), 1 + sc.price_change, 1.0)
    mkt = one.copy()
    if d["marketing"] is not None and sc.marketing_boost:
        lo, hi = d["marketing"]
        mkt = np.where((camp == ctx.camp_idx["C06"]) & (day >= lo) & (day <= hi), 1 + sc.marketing_boost, 1.0)
    outage = np.where(day == d["outage"], 0.7, 1.0) if (d["outage"] is not None and sc.outage) else one
    inbound = ~np.isin(kind, M.OUTBOUND_KINDS)
    wday = ctx.wdays[day]
    wfac = np.where(inbound, np.select([wday == 0, wday == 5, wday == 6], [1.08, 0.92, 0.85], 1.0), 1.0)

    skill, q = pop.skill[adv], pop.quality[adv]
    prod = skill * (1 - ramp_left) * season * trend * outage
    p = {}
    p["c"] = P["c"][camp] * pop.skill_c[adv] * (1 - 0.5 * ramp_left) * np.where(inbound, 1 + 0.5 * (season - 1), 1.0) * wfac * outage
    p["na"] = P["na"][camp] * pop.skill_c[adv] * outage
    p["A"] = P["A"][camp] * prod**0.7
    p["S"] = P["S"][camp] * prod * pay * mkt
    p["R"] = P["R"][camp] * prod
    p["AD"] = P["AD"][camp] * prod * pay
    p["g"] = P["g"][camp] / np.sqrt(q)
    p["amt"] = price
    p["amt_p"] = P["amt_p"][camp]
    p["amt_a"] = P["amt_a"][camp]
    p["sa"] = P["sa"][camp] * q
    p["w"] = P["w"][camp] / q
    p["pc"] = P["pc"][camp]
    p["cancel_F"] = ctx.cancel_F[camp]
    p["u48"] = P["u48"][camp] / q**2
    p["u7"] = P["u7"][camp] / q
    p["t_csat"] = P["t_csat"][camp] * q
    p["t_cr"] = P["t_cr"][camp] * q**1.3
    p["p_pro"] = P["p_pro"][camp] * q
    p["p_det"] = P["p_det"][camp] / q
    p["aht"] = (1 + 0.5 * ramp_left) * skill**-0.15
    treated = day >= pop.effect_start[adv]
    em = pop.effect_mult[adv] * treated
    e = {code: ctx.E[camp, j] * em for j, code in enumerate(DIRECT_INDICATORS) if ctx.E[:, j].any()}
    return M.clip(M.apply_effects(p, e), kind), kind


def _generate_month(ctx: _Context, m: int, rng: np.random.Generator) -> None:
    sc, pop, cal, wr = ctx.sc, ctx.pop, ctx.cal, ctx.wr
    d0, d1 = cal.month_start[m], cal.month_start[m + 1]
    stem_month = cal.date(d0).strftime("%Y-%m")
    month_end_s = (ctx.epoch0 + d1) * DAY_S

    # ---- advisor-days -------------------------------------------------------------------
    days = np.arange(d0, d1)
    active = (pop.as_from[:, None] <= days) & (pop.as_to[:, None] >= days)
    active &= ctx.open[pop.as_camp[:, None], days[None, :]]
    active &= pop.trained[pop.as_adv][:, None] != days  # training day: not on the phones
    wd = ctx.wdays[days]
    openkind = np.array([{"mon_fri": 0, "mon_sat": 1, "all": 2}[c["open"]] for c in CAMPAIGNS])[pop.as_camp]
    p_work = np.select(
        [openkind[:, None] == 0, openkind[:, None] == 1],
        [np.full(len(days), 0.97)[None, :], np.where(wd == 5, 0.55, 0.86)[None, :]],
        np.select([wd == 5, wd == 6], [0.6, 0.45], 0.78)[None, :],
    ) * (1 - ctx.absence[days])[None, :]
    work = active & (rng.random(active.shape) < p_work)
    ai, di = np.nonzero(work)
    camp, adv, day = pop.as_camp[ai], pop.as_adv[ai], days[di]
    nrow = len(ai)
    hours = np.clip(rng.normal(sc.hours_per_day, 0.45, nrow), 4.0, 8.0)
    half = rng.random(nrow) < 0.10
    hours = np.where(half, rng.uniform(3.0, 4.0, nrow), hours)
    logged = np.round(hours * 3600).astype(np.int64)
    hours = logged / 3600.0
    span = (logged * 1.1).astype(np.int64)
    late = np.array([bool(c.get("late_line")) for c in CAMPAIGNS])[camp] & (rng.random(nrow) < 0.06)
    latest = np.maximum(8 * 3600, 20 * 3600 - span)
    shift = 8 * 3600 + (rng.random(nrow) * (latest - 8 * 3600) / 900).astype(np.int64) * 900
    shift = np.where(late, DAY_S - span, shift)

    wr.write("production_hours", f"production_hours_{stem_month}",
             pd.DataFrame(dict(adv=adv + 1, camp=camp + 1, day=day, logged=logged)), [
                 ("advisor_id", wr.id("adv", "A", ctx.adv_width)), ("campaign_id", wr.id("camp", "C", 2)),
                 ("work_date", wr.day("day")), ("logged_seconds", "logged"),
             ], "day, camp, adv")

    # ---- contacts -----------------------------------------------------------------------
    q, kind = _row_params(ctx, camp, adv, day, m)
    lam = M.outcome_rates(kind, q) * hours[:, None]
    counts = rng.poisson(lam)
    flat = counts.ravel()
    K = len(OUTCOMES)
    crow = np.repeat(np.arange(nrow * K) // K, flat)
    outc = np.repeat(np.tile(np.arange(K), nrow), flat)
    n = len(crow)
    c_camp, c_kind = camp[crow], kind[crow]
    means = M.HANDLE_MEANS[c_kind, outc] * q["aht"][crow][:, None]
    talk = np.round(means[:, 0] * _lognorm(rng, 0.5, n)).astype(np.int64)
    has_hold = rng.random(n) < 0.3
    hold = np.round(np.where(has_hold, rng.exponential(1.0, n) * means[:, 1] / 0.3, 0)).astype(np.int64)
    wrap = np.round(means[:, 2] * _lognorm(rng, 0.4, n)).astype(np.int64)
    sec = shift[crow] + (rng.random(n) * span[crow]).astype(np.int64)
    t_loc = ctx.local_s(day[crow], sec)
    order = np.lexsort((t_loc, c_camp))
    crow, outc, c_camp, c_kind, talk, hold, wrap, t_loc = (
        x[order] for x in (crow, outc, c_camp, c_kind, talk, hold, wrap, t_loc))
    seq = ctx.contact_seq + 1 + np.arange(n)
    ctx.contact_seq += n

    # identification and follow-ups
    u = rng.random(n)
    ident_p = ctx.P["ident"][c_camp]
    ident = np.where(np.isin(outc, (M.O_SERV, M.O_ARG)), u < ident_p, True)
    inbound = ~np.isin(c_kind, M.OUTBOUND_KINDS)
    u48, u7 = q["u48"][crow], q["u7"][crow]
    v = rng.random(n)
    v2 = rng.random(n)
    fclass = np.where(inbound, np.where(v < u48, 1, np.where(v < u48 + u7, 2, 0)), 0)
    out_na = ~inbound & (outc == M.O_NA) & (v < M.OUT_REDIAL_NA)
    fclass = np.where(out_na, np.where(v2 < M.OUT_REDIAL_NA_48H_SHARE, 1, 2), fclass)
    fclass = np.where(~inbound & (outc == M.O_ARG) & (v < M.OUT_CALLBACK_ARGUED), 2, fclass)
    fclass = np.where(~inbound & ~np.isin(outc, (M.O_NA, M.O_ARG)) & (v < M.OUT_OTHER_FOLLOWUP), 2, fclass)
    fclass = np.where(ident, fclass, 0)
    w_lo = np.where(fclass == 1, np.where(inbound, 600, 7200), 48 * 3600 + 600)
    w_hi = np.where(fclass == 1, 48 * 3600 - 600, 7 * DAY_S - 600)
    f_treated = (day[crow] >= pop.effect_start[adv[crow]]).astype(np.int64)  # source's advisor trained

    cust = np.full(n, NULL_INT, dtype=np.int64)
    first_sight_rows = []
    bounds = np.searchsorted(c_camp, np.arange(ctx.ncamp + 1))
    for ci in range(ctx.ncamp):
        a, b = bounds[ci], bounds[ci + 1]
        pc_cust, pc_lo, pc_hi, pc_cls, pc_tr = ctx.pending_links[ci]
        if a == b and len(pc_cust) == 0:
            continue
        times = t_loc[a:b]
        idn = ident[a:b]
        src = np.nonzero(fclass[a:b] > 0)[0]
        parent, (p_ids, p_lo, p_hi) = _link(
            times, idn, src, times[src] + w_lo[a:b][src], times[src] + w_hi[a:b][src], pc_lo, pc_hi, month_end_s, rng)
        # follow-up accounting: planned ones when drawn, placed ones here or as carried sources
        fcls, ftr = fclass[a:b] - 1, f_treated[a:b]
        np.add.at(ctx.link_counts[ci], (fcls[src], ftr[src], 0), 1)
        got = parent[parent >= 0]
        np.add.at(ctx.link_counts[ci], (fcls[got], ftr[got], 1), 1)
        got_ext = -(parent[parent <= -2] + 2)
        np.add.at(ctx.link_counts[ci], (pc_cls[got_ext], pc_tr[got_ext], 1), 1)
        cc = np.full(b - a, -1, dtype=np.int64)
        ext = parent <= -2
        cc[ext] = pc_cust[-(parent[ext] + 2)]
        roots = np.nonzero(idn & (parent == -1))[0]
        k = ctx.pool_counter[ci] + np.arange(len(roots))
        ctx.pool_counter[ci] += len(roots)
        P_ = int(ctx.pool_size[ci])
        pidx = (ctx.pool_a[ci] * (k % P_) + ctx.pool_b[ci]) % P_
        cc[roots] = pidx
        internal = parent >= 0
        for _ in range(200):
            todo = internal & (cc < 0)
            if not todo.any():
                break
            cc[todo] = cc[parent[todo]]
        # first sight: initialise since / base churn
        seen, churn = ctx.seen[ci], ctx.churn[ci]
        new_mask = np.zeros(b - a, dtype=bool)
        new_mask[roots] = ~seen[pidx]
        new_idx = cc[new_mask]
        if len(new_idx):
            fday = (times[new_mask] // DAY_S - ctx.epoch0)
            nn = len(new_idx)
            recent = rng.random(nn) < 0.15
            since = np.where(recent, fday - rng.integers(0, 31, nn), fday - rng.integers(30, 3650, nn))
            hz = ctx.P["churn"][ci]
            ch = fday + 1 + (rng.exponential(365.0 / hz, nn)).astype(np.int64)
            seen[new_idx] = True
            churn[new_idx] = np.where(ch < cal.ndays, ch, FAR).astype(np.int32)
            first_sight_rows.append((ci, new_idx, since))
        # retention outcomes move churn dates
        oc = outc[a:b]
        cday = times // DAY_S - ctx.epoch0
        for o, prob, lo_d, hi_d in ((M.O_LOST, M.P_CHURN_LOST, 1, 31), (M.O_SAVED, M.P_CHURN_SAVED, 30, 91)):
            sel = np.nonzero((oc == o) & (cc >= 0))[0]
            if len(sel):
                hit = sel[rng.random(len(sel)) < prob]
                nd = cday[hit] + rng.integers(lo_d, hi_d, len(hit))
                nd = np.where(nd < cal.ndays, nd, FAR).astype(np.int32)
                np.minimum.at(churn, cc[hit], nd)
        cust[a:b] = np.where(cc >= 0, cc + ctx.pool_offset[ci], NULL_INT)
        # follow-ups falling after this month: carry the customer to next month
        ctx.pending_links[ci] = (cc[p_ids], p_lo, p_hi, fcls[p_ids], ftr[p_ids])

    direction = np.where(inbound, 0, 1)
    offs = ctx.off(c_camp, t_loc)
    wr.write("contacts", f"contacts_{stem_month}", pd.DataFrame(dict(
        seq=seq, camp=c_camp + 1, adv=adv[crow] + 1, cust=np.where(cust >= 0, cust + 1, NULL_INT),
        t=t_loc, o=offs, dir=direction, talk=np.where(outc == M.O_NA, 0, talk), hold=hold, wrap=wrap, outc=outc,
    )), [
        ("contact_id", wr.id("seq", "CT", 10)), ("campaign_id", wr.id("camp", "C", 2)),
        ("advisor_id", wr.id("adv", "A", ctx.adv_width)), ("customer_id", wr.id("cust", "CU", ctx.cust_width)),
        ("started_at", wr.ts("t", "o")), ("direction", wr.lookup("dir", ["inbound", "outbound"])),
        ("talk_seconds", "talk"), ("hold_seconds", "hold"), ("wrap_seconds", "wrap"),
        ("outcome", wr.lookup("outc", list(OUTCOMES))),
    ], "seq")

    # ---- customers ------------------------------------------------------------------------
    m_first, m_end_day = d0, d1 - 1
    parts = []
    fresh = [np.zeros(0, np.int64) for _ in range(ctx.ncamp)]
    for ci, idx, since in first_sight_rows:
        ch = ctx.churn[ci][idx].astype(np.int64)
        parts.append(pd.DataFrame(dict(cust=idx + ctx.pool_offset[ci] + 1, camp=ci + 1, since=since,
                                       churn=np.where(ch <= m_end_day, ch, NULL_DAY), update=False)))
        fresh[ci] = idx
    for ci in range(ctx.ncamp):
        ch = ctx.churn[ci]
        upd = np.nonzero(ctx.seen[ci] & (ch >= m_first) & (ch <= m_end_day))[0]
        if len(fresh[ci]) and len(upd):
            upd = np.setdiff1d(upd, fresh[ci])
        if len(upd):
            parts.append(pd.DataFrame(dict(cust=upd + ctx.pool_offset[ci] + 1, camp=ci + 1,
                                           since=NULL_DAY, churn=ch[upd].astype(np.int64), update=True)))
    cdf = (pd.concat(parts, ignore_index=True) if parts
           else pd.DataFrame(dict(cust=[], camp=[], since=[], churn=[], update=np.zeros(0, bool))))
    # an update row repeats customer_since: keep it from the original first-sight value
    if cdf["update"].any():
        cdf = _fill_since(ctx, cdf)
    cdf = cdf.astype({"cust": np.int64, "camp": np.int64, "since": np.int64, "churn": np.int64})
    wr.write("customers", f"customers_{stem_month}", cdf[["cust", "camp", "since", "churn"]], [
        ("customer_id", wr.id("cust", "CU", ctx.cust_width)), ("campaign_id", wr.id("camp", "C", 2)),
        ("customer_since", wr.day("since")), ("churned_on", wr.day("churn")),
    ], "camp, cust")
    for ci, idx, since in first_sight_rows:
        ctx.since[ci][idx] = since

    # ---- sales ----------------------------------------------------------------------------
    sale_c = np.nonzero((outc == M.O_SALE))[0]
    sk = c_kind[sale_c]
    r_ = crow[sale_c]
    is_cs = sk == M.K_CS
    n_add = np.where(is_cs, 1, rng.poisson(np.where(q["S"][r_] > 0, q["AD"][r_] / np.maximum(q["S"][r_], 1e-9), 0)))
    prim = sale_c[~is_cs]
    add = np.repeat(sale_c, n_add)
    s_contact = np.concatenate([prim, add])
    s_add = np.concatenate([np.zeros(len(prim), bool), np.ones(len(add), bool)])
    ns = len(s_contact)
    s_row = crow[s_contact]
    s_camp = c_camp[s_contact]
    base_amt = np.where(s_add, ctx.P["amt_a"][s_camp], ctx.P["amt_p"][s_camp]) * q["amt"][s_row]
    amount = np.maximum(500, np.round(base_amt * 100 * _lognorm(rng, np.where(s_add, 0.4, 0.35), ns))).astype(np.int64)
    services = np.where(~s_add & (rng.random(ns) < q["sa"][s_row]), 1 + rng.poisson(0.4, ns), 0)
    sold = t_loc[s_contact] + (talk[s_contact] * rng.uniform(0.6, 1.0, ns)).astype(np.int64) + hold[s_contact]
    sold = np.minimum(sold, month_end_s - 1)  # a late call's sale stays in its month (and in the period)
    sold_day = sold // DAY_S - ctx.epoch0
    withdrawn = rng.random(ns) < q["w"][s_row]
    win = ctx.wd[s_camp]
    w_day = sold_day + 1 + (rng.random(ns) * (win - 1)).astype(np.int64)
    w_s = np.where(withdrawn, ctx.local_s(w_day, rng.integers(9 * 3600, 19 * 3600, ns)), NULL_INT)
    cancelled = ~withdrawn & (rng.random(ns) < q["pc"][s_row])
    c_day = sold_day + 1 + rng.exponential(M.CANCEL_MEAN_DAYS, ns).astype(np.int64)
    c_s = np.where(cancelled, ctx.local_s(c_day, rng.integers(9 * 3600, 19 * 3600, ns)), NULL_INT)
    w_s = np.where(w_s > ctx.horizon_end, NULL_INT, w_s)
    c_s = np.where(c_s > ctx.horizon_end, NULL_INT, c_s)
    o2 = np.lexsort((s_add, sold, s_camp))
    sdf = pd.DataFrame(dict(
        seq=ctx.sale_seq + 1 + np.arange(ns), contact=seq[s_contact][o2], adv=adv[s_row][o2] + 1, camp=s_camp[o2] + 1,
        cust=np.where(cust[s_contact] >= 0, cust[s_contact] + 1, NULL_INT)[o2], sold=sold[o2],
        amount=amount[o2], add=s_add[o2], services=services[o2], w=w_s[o2], c=c_s[o2],
    ))
    ctx.sale_seq += ns
    # late withdrawals / cancellations: null now, re-delivered in the month they happen
    later_w = sdf["w"].to_numpy() >= month_end_s
    later_c = sdf["c"].to_numpy() >= month_end_s
    later = later_w | later_c
    if later.any():
        pend = sdf[later].copy()
        ev_s = np.where(later_w[later], pend["w"], pend["c"])
        pend["event_month"] = np.searchsorted(cal.month_start, ev_s // DAY_S - ctx.epoch0, side="right") - 1
        ctx.pending_sales = pend if ctx.pending_sales is None else pd.concat([ctx.pending_sales, pend], ignore_index=True)
        sdf.loc[later, ["w", "c"]] = NULL_INT
    if ctx.pending_sales is not None and len(ctx.pending_sales):
        due = ctx.pending_sales["event_month"].to_numpy() == m
        if due.any():
            sdf = pd.concat([sdf, ctx.pending_sales[due].drop(columns="event_month")], ignore_index=True)
            ctx.pending_sales = ctx.pending_sales[~due]
    camp0 = sdf["camp"].to_numpy() - 1
    sdf["so"] = ctx.off(camp0, sdf["sold"].to_numpy())
    sdf["wo"] = ctx.off(camp0, sdf["w"].to_numpy())
    sdf["co"] = ctx.off(camp0, sdf["c"].to_numpy())
    wr.write("sales", f"sales_{stem_month}", sdf, [
        ("sale_id", wr.id("seq", "SA", 9)), ("contact_id", wr.id("contact", "CT", 10)),
        ("advisor_id", wr.id("adv", "A", ctx.adv_width)), ("campaign_id", wr.id("camp", "C", 2)),
        ("customer_id", wr.id("cust", "CU", ctx.cust_width)), ("sold_at", wr.ts("sold", "so")),
        ("amount", "(amount / 100)::DECIMAL(18,2)"), ("is_additional", '"add"'),
        ("services_attached", "services"), ("withdrawn_at", wr.ts("w", "wo")), ("cancelled_at", wr.ts("c", "co")),
    ], "seq")

    # ---- surveys ---------------------------------------------------------------------------
    handled = outc != M.O_NA
    sv = np.nonzero(handled & (rng.random(n) < ctx.P["survey"][c_camp]))[0]
    nsv = len(sv)
    end_s = t_loc[sv] + talk[sv] + hold[sv]
    nextday = rng.random(nsv) < 0.25
    ans = np.where(nextday,
                   ctx.local_s(end_s // DAY_S - ctx.epoch0 + 1, rng.integers(9 * 3600, 21 * 3600, nsv)),
                   end_s + rng.integers(60, 3600, nsv))
    ans = np.where(rng.random(nsv) < 0.03, NULL_INT, ans)
    keep = ans <= ctx.horizon_end
    sv, ans = sv[keep], ans[keep]
    r_ = crow[sv]
    frames = []
    for qi, (qname, _lo, _hi, _cr, share) in enumerate(SURVEY_QUESTIONS):
        take = rng.random(len(sv)) < share
        s_idx, a_ = sv[take], ans[take]
        rr = r_[take]
        k = len(s_idx)
        x = rng.random(k)
        y = rng.random(k)
        if qname == "nps":
            pro, det = q["p_pro"][rr], q["p_det"][rr]
            detractor = np.searchsorted(NPS_DETRACTOR_CUM, y, side="right")
            score = np.where(x < pro, np.where(y < 0.55, 10, 9),
                             np.where(x < pro + det, detractor, np.where(y < 0.5, 7, 8)))
        else:
            top = q["t_csat"][rr] if qname == "csat" else q["t_cr"][rr]
            score = np.where(x < top, np.where(y < 0.55, 5, 4), np.where(y < 0.55, 3, np.where(y < 0.8, 2, 1)))
        frames.append(pd.DataFrame(dict(contact=seq[s_idx], q=qi, t=a_, camp=c_camp[s_idx], score=score)))
    svdf = pd.concat(frames, ignore_index=True).sort_values(["contact", "q"], kind="stable")
    svdf["seq"] = ctx.survey_seq + 1 + np.arange(len(svdf))
    ctx.survey_seq += len(svdf)
    svdf["o"] = ctx.off(svdf["camp"].to_numpy(), svdf["t"].to_numpy())
    wr.write("surveys", f"surveys_{stem_month}", svdf, [
        ("survey_id", wr.id("seq", "SV", 9)), ("contact_id", wr.id("contact", "CT", 10)),
        ("answered_at", wr.ts("t", "o")), ("question", wr.lookup("q", [s[0] for s in SURVEY_QUESTIONS])),
        ("score", "score"),
    ], "seq")


def _fill_since(ctx: _Context, cdf: pd.DataFrame) -> pd.DataFrame:
    upd = cdf["update"].to_numpy()
    camp0 = cdf["camp"].to_numpy() - 1
    local = cdf["cust"].to_numpy() - 1 - ctx.pool_offset[camp0]
    since = cdf["since"].to_numpy().copy()
    for ci in np.unique(camp0[upd]):
        sel = upd & (camp0 == ci)
        since[sel] = ctx.since[ci][local[sel]]
    cdf["since"] = since
    return cdf


# =========================================================================================
# truth
# =========================================================================================
def _truth(ctx: _Context, seed, size, fmt) -> dict:
    from dagster_project.indicators import by_code

    sc, pop, cal = ctx.sc, ctx.pop, ctx.cal
    codes = list(by_code())
    aid = lambda k: f"A{k + 1:0{ctx.adv_width}d}"  # noqa: E731
    effects, direct, campaigns, groups = {}, {}, {}, {}
    placed_all, placed_trained = _placed_shares(ctx)
    for ci, c in enumerate(CAMPAIGNS):
        kind = c["kind"]
        base = {name: ctx.P[name][ci] for name in M.PARAM_NAMES}
        base.update(amt=1.0, aht=1.0, cancel_F=ctx.cancel_F[ci])
        q0 = M.clip(M.apply_effects(base, {}), kind)
        q1 = M.clip(M.apply_effects(base, ctx.eff[ci]), kind)
        churn = ctx.P["churn"][ci]
        # effect: trained vs untrained at the placed shares of the trained advisors' follow-ups
        # (same contact times); baseline: at the placed shares of all follow-ups
        v0 = M.expected_indicators(kind, q0, churn, placed_trained[ci])
        v1 = M.expected_indicators(kind, q1, churn, placed_trained[ci])
        effects[c["id"]] = {
            code: (None if v0[code] is None or v1[code] is None or v0[code] == 0 else round(v1[code] / v0[code] - 1, 6))
            for code in codes
        }
        v0 = M.expected_indicators(kind, q0, churn, placed_all[ci])
        direct[c["id"]] = {k: round(v, 6) for k, v in ctx.eff[ci].items()}
        trained_here = (pop.training_camp == ci)
        groups[c["id"]] = {
            "trained_advisors": int(trained_here.sum()),
            "heavy_adopters": int((trained_here & pop.heavy).sum()),
            "mean_effect_multiplier_heavy": _mean(pop.effect_mult[trained_here & pop.heavy]),
            "mean_effect_multiplier_other_trained": _mean(pop.effect_mult[trained_here & ~pop.heavy]),
            "mean_latent_adoption": _mean(pop.latent_adoption[trained_here]),
        }
        campaigns[c["id"]] = {
            "kind": KINDS[kind],
            "timezone": _zone(c),
            "timezone_written": c["tz"] or None,
            "primary_indicators": c["primary"],
            "primary_indicators_declared": bool(c["declared"]),
            "started_on": pop.camp_started_on[ci].isoformat(),
            "ended_on": pop.camp_ended_on[ci].isoformat() if pop.camp_ended_on[ci] else None,
            "training_sessions": [cal.iso(d) for d in pop.waves[ci]],
            "baseline": {k: (None if v is None else round(v, 6)) for k, v in v0.items()},
            "follow_ups_placed": {
                "within_48h": round(placed_all[ci][0], 4), "48h_to_7d": round(placed_all[ci][1], 4),
                "trained_within_48h": round(placed_trained[ci][0], 4),
                "trained_48h_to_7d": round(placed_trained[ci][1], 4),
            },
        }
    advisors = {}
    for k in range(pop.n_advisors):
        tr = pop.trained[k] > NONE_DAY
        camps = sorted({CAMPAIGNS[ci]["id"] for ci in pop.as_camp[pop.as_adv == k]})
        advisors[aid(k)] = {
            "campaigns": camps,
            "trained_on": cal.iso(pop.trained[k]) if tr else None,
            "effect_from": cal.date(pop.effect_start[k]).isoformat() if tr else None,
            "training_campaign": CAMPAIGNS[pop.training_camp[k]]["id"] if tr else None,
            "latent_adoption": round(float(pop.latent_adoption[k]), 2) if tr else None,
            "heavy_adopter": bool(pop.heavy[k]),
            "effect_multiplier": round(float(pop.effect_mult[k]), 4),
            "baseline_skill": round(float(pop.skill[k]), 4),
        }
    d = ctx.dates
    season = {f"{i + 1:02d}": round(1 + sc.season_amplitude * M.SEASON_PATTERN[i], 4) for i in range(12)}
    return {
        "generator": "dagster_project.sample_data",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "scenario": sc.name,
        "scenario_knobs": sc.as_dict(),
        "size": size,
        "format": fmt,
        "period": {"start": cal.iso(0), "end": cal.iso(cal.ndays - 1), "months": cal.months},
        "programme": M.CR_PROGRAMME,
        "effect_semantics": (
            "effects[campaign][indicator] = expected value of the indicator for a trained advisor with "
            "effect_multiplier 1, from the first day of the month after trained_on, divided by the same "
            "advisor's untrained value, minus 1 (signed: -0.12 means 12 % lower; for lower-is-better "
            "indicators a negative value is an improvement). null = indicator not applicable to the "
            "campaign's kind. direct_effects lists the indicators the generator moves directly; the "
            "others move only through them (e.g. revenue_per_hour through sales per hour). Advisor i "
            "gets effect x effect_multiplier_i; multipliers average 1 over each campaign's trained "
            "advisors, so a campaign's average effect over its trained advisors equals effects[...]."
        ),
        "effects": effects,
        "direct_effects": direct,
        "adoption": {
            "dependence": sc.adoption_dependence,
            "formula": "effect_multiplier_i = (1 - dependence) + dependence * latent_adoption_i / "
                       "mean(latent_adoption of the advisors trained in the same campaign)",
            "heavy_adopter_share_of_trained": sc.heavy_adopter_share,
            "heavy_adopters_baseline_bonus": sc.adopters_baseline_bonus,
            "scores": "monthly evaluations ~30 days apart after trained_on: latent x (0.8, 0.92, then 1) + N(0, 6), clipped 0-100",
            "by_campaign": groups,
        },
        "campaigns": campaigns,
        "advisors": advisors,
        "trainings": {aid(k): cal.iso(pop.trained[k]) for k in range(pop.n_advisors) if pop.trained[k] > NONE_DAY},
        "confounders": {
            "season": {"amplitude": sc.season_amplitude, "monthly_factor": season,
                       "applies_to": "conversion rates (argued, sales/appointments, retentions, additional sales); "
                                     "half of it on inbound contact volume"},
            "trend_per_year": sc.trend_per_year,
            "pay_scheme_change": ({"campaign_id": sc.pay_scheme_campaign, "date": cal.iso(d["pay"]),
                                   "size": sc.pay_scheme_change,
                                   "applies_to": "sales/appointments and additional sales per hour"}
                                  if d["pay"] is not None and sc.pay_scheme_change else None),
            "price_change": ({"campaign_id": sc.price_change_campaign, "date": cal.iso(d["price"]),
                              "size": sc.price_change, "applies_to": "sale amounts (revenue per sale)"}
                             if d["price"] is not None and sc.price_change else None),
            "marketing": ({"campaign_id": "C06", "from": cal.iso(d["marketing"][0]), "to": cal.iso(d["marketing"][1]),
                           "size": sc.marketing_boost, "applies_to": "sales per hour"}
                          if d["marketing"] is not None and sc.marketing_boost else None),
            "outage": ({"date": cal.iso(d["outage"]), "size": -0.3, "applies_to": "all contact rates, all campaigns"}
                       if d["outage"] is not None and sc.outage else None),
            "turnover": {"annual_rate": sc.annual_turnover, "new_hire_ramp": sc.new_hire_ramp, "ramp_days": 75,
                         "leaver_skill_gradient": sc.leaver_skill_gradient, "switcher_share": sc.switcher_share},
        },
        "events": [{"campaign_id": e[0], "starts_on": cal.iso(e[1]), "kind": e[3]} for e in ctx.events],
        "counts": {"rows": dict(ctx.wr.rows), "files": dict(ctx.wr.files), "advisors": pop.n_advisors,
                   "trained": int((pop.trained > NONE_DAY).sum())},
        "notes": [
            "Late withdrawals, cancellations and churns are re-delivered: a sale or customer row appears "
            "again in the monthly file of the month the event happened (latest delivery wins).",
            "trainings also holds programme 'onboarding' rows for new hires: only programme "
            f"'{M.CR_PROGRAMME}' is the treatment.",
            "Planned follow-ups (a next contact of the customer within 48 h, or 48 h - 7 d) are not all "
            "placed (windows over nights and closed days, later contacts already taken): the fcr_d2_rate "
            "and repeat_contact_rate baselines and effects use the placed shares measured in this run "
            "(campaigns[...].follow_ups_placed; effects at the trained advisors' shares).",
        ],
    }


def _placed_shares(ctx: _Context) -> tuple[list, list]:
    """Share of planned follow-ups that _link placed, per campaign: (within 48 h, 48 h - 7 d), over
    all sources and over the sources of trained advisors after their effect start (falls back to
    all, then to 1, where there are none). Follow-ups still pending at the end of the period
    (their window runs past it: the contact is not mature) are not counted as failures."""
    counts = ctx.link_counts.copy()
    for ci, (_cust, _lo, _hi, cls, tr) in ctx.pending_links.items():
        np.add.at(counts[ci], (cls, tr, 0), -1)
    every, trained = [], []
    for ci in range(ctx.ncamp):
        a = counts[ci].sum(axis=1)  # class x (planned, placed)
        t = counts[ci, :, 1]
        share_a = [a[k, 1] / a[k, 0] if a[k, 0] > 0 else 1.0 for k in range(2)]
        share_t = [t[k, 1] / t[k, 0] if t[k, 0] > 0 else share_a[k] for k in range(2)]
        every.append(tuple(float(x) for x in share_a))
        trained.append(tuple(float(x) for x in share_t))
    return every, trained


def _mean(x) -> float | None:
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    return round(float(x.mean()), 4) if len(x) else None
