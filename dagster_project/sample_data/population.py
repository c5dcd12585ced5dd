"""Advisors, teams, campaign assignments, turnover, training waves and adoption.

Small (thousands of advisors): plain Python loops over seats are fine here; contacts are
generated elsewhere, vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .model import CAMPAIGNS, SITE_BY_TZ, SITES_FR, TRANSFER_TARGET
from .scenario import Scenario

NONE_DAY = -(10**6)  # "no date" sentinel for day indexes
FAR = 10**6


# Campaign-level assimilation of the method: added to advisors' latent adoption score.
WELL_ASSIMILATED_OFFSET = 22.0
ASSIMILATION_OFFSET = {"C05": -8.0, "C10": -8.0, "C12": -8.0}


def _round_half_up(x: float) -> int:
    return int(np.floor(x + 0.5))


@dataclass
class Calendar:
    start: date
    months: int
    month_start: list[int]  # day index of each month's 1st, plus the day after the last month
    ndays: int

    @classmethod
    def build(cls, start: date, months: int) -> "Calendar":
        starts, d = [], start
        for _ in range(months + 1):
            starts.append((d - start).days)
            d = date(d.year + (d.month // 12), d.month % 12 + 1, 1)
        return cls(start, months, starts, starts[-1])

    def date(self, day: int) -> date:
        return self.start + timedelta(days=int(day))

    def iso(self, day: int | None) -> str | None:
        return None if day is None or day <= NONE_DAY else self.date(day).isoformat()

    def month_of(self, day: int) -> int:
        return int(np.searchsorted(self.month_start, day, side="right") - 1)


@dataclass
class Population:
    # campaigns
    camp_ids: list[str]
    camp_start: np.ndarray  # first active day index (>= 0)
    camp_end: np.ndarray  # last active day index (<= ndays-1)
    camp_started_on: list[date]
    camp_ended_on: list[date | None]
    waves: dict[int, list[int]]  # campaign -> session days
    # teams
    team_camp: np.ndarray
    team_site: list[str]
    # advisors (index = advisor number - 1, ids sorted by hire date)
    hired: np.ndarray
    left: np.ndarray  # NONE_DAY if still there at the end of the period
    team: np.ndarray  # latest team
    skill: np.ndarray  # productivity multiplier (log-normal, incl. adopters bonus)
    skill_c: np.ndarray  # contact-volume multiplier
    quality: np.ndarray  # survey / resolution quality multiplier
    trained: np.ndarray  # CR trained_on day, NONE_DAY if never
    effect_start: np.ndarray  # first day of the month after trained_on, FAR if never
    training_camp: np.ndarray  # campaign index at training, -1
    latent_adoption: np.ndarray  # 0-100, NaN if never trained
    heavy: np.ndarray  # bool
    effect_mult: np.ndarray  # multiplier of the campaign effect (0 if never trained)
    onboarding: np.ndarray  # onboarding training day, NONE_DAY
    # assignments (one row per advisor x campaign period of production)
    as_adv: np.ndarray
    as_camp: np.ndarray
    as_team: np.ndarray
    as_from: np.ndarray
    as_to: np.ndarray
    adoption_rows: dict = field(default_factory=dict)

    @property
    def n_advisors(self) -> int:
        return len(self.hired)


def build_population(sc: Scenario, cal: Calendar, size: float, rng: np.random.Generator) -> Population:
    M, ndays = cal.months, cal.ndays
    ncamp = len(CAMPAIGNS)

    # ---- campaigns: active window --------------------------------------------------------
    camp_start = np.zeros(ncamp, dtype=np.int64)
    camp_end = np.full(ncamp, ndays - 1, dtype=np.int64)
    started_on, ended_on = [], []
    for i, c in enumerate(CAMPAIGNS):
        if "start_frac" in c and _round_half_up(c["start_frac"] * M) < M:
            camp_start[i] = cal.month_start[max(_round_half_up(c["start_frac"] * M), 1 if M > 1 else 0)]
            started_on.append(cal.date(camp_start[i]))
        else:
            started_on.append(date(2018 + int(rng.integers(0, 5)), int(rng.integers(1, 13)), 1))
        em = _round_half_up(c.get("end_frac", 9.0) * M)
        if "end_frac" in c and 1 <= em < M:
            camp_end[i] = cal.month_start[em] - 1
            ended_on.append(cal.date(camp_end[i]))
        else:
            ended_on.append(None)

    # ---- teams --------------------------------------------------------------------------
    team_camp, team_site = [], []
    seats_of_team = []
    for i, c in enumerate(CAMPAIGNS):
        seats = max(3, _round_half_up(c["seats"] * size))
        nteams = max(1, _round_half_up(seats / 10))
        sizes = np.full(nteams, seats // nteams) + (np.arange(nteams) < seats % nteams)
        for t in range(nteams):
            team_camp.append(i)
            site = SITE_BY_TZ.get(c["tz"]) or SITES_FR[(i + t) % len(SITES_FR)]
            team_site.append(site)
            seats_of_team.append(int(sizes[t]))
    team_camp = np.array(team_camp)

    # ---- advisors along seats (turnover) ---------------------------------------------------
    sigma = 0.25
    grad = sc.leaver_skill_gradient
    norm = np.exp(grad**2 * sigma**2 / 2)
    adv = []  # dicts

    def new_advisor(hired_day: int) -> dict:
        z = rng.normal()
        s = float(np.exp(sigma * z))
        return dict(
            hired=hired_day, left=NONE_DAY, skill=s,
            skill_c=float(np.exp(0.3 * sigma * z + rng.normal(0, 0.06))),
            quality=float(np.exp(0.25 * sigma * z + rng.normal(0, 0.07))),
            assignments=[], team=-1,
        )

    transfer_teams = [t for t in range(len(team_camp)) if CAMPAIGNS[team_camp[t]]["id"] == TRANSFER_TARGET]
    for t in range(len(team_camp)):
        ci = team_camp[t]
        cs, ce = int(camp_start[ci]), int(camp_end[ci])
        launched = "start_frac" in CAMPAIGNS[ci] and cs > 0
        for _ in range(seats_of_team[t]):
            day, first = cs, True
            while day <= ce:
                if first and not launched:
                    a = new_advisor(-int(rng.exponential(3 * 365)) - 30)
                    prod = day
                elif first:
                    a = new_advisor(cs - int(rng.integers(7, 22)))
                    prod = cs
                else:
                    a = new_advisor(day)
                    prod = day + 5  # onboarding week
                first = False
                adv.append(a)
                hazard = max(sc.annual_turnover, 1e-9) * a["skill"] ** (-grad) / norm
                leave = prod + 1 + int(rng.exponential(365.0 / hazard))
                a["team"] = t
                if leave <= ce:
                    if prod <= leave - 1:
                        a["assignments"].append([ci, t, prod, leave - 1])
                    a["left"] = leave if leave <= ndays - 1 else NONE_DAY
                    day = leave + int(rng.integers(10, 46))
                else:
                    a["assignments"].append([ci, t, prod, ce])
                    if ce < ndays - 1 and transfer_teams:  # campaign ended: move the advisor
                        nt = transfer_teams[int(rng.integers(len(transfer_teams)))]
                        a["assignments"].append([int(team_camp[nt]), nt, ce + 1, min(leave - 1, ndays - 1)])
                        a["team"] = nt
                        if leave <= ndays - 1:
                            a["left"] = leave
                    break

    # ---- switchers: a leaver re-appears as the next hire of another campaign ---------------
    n_target = int(round(sc.switcher_share * len(adv)))
    if n_target:
        hires = sorted(
            (a["hired"], k) for k, a in enumerate(adv) if a["hired"] >= 0 and len(a["assignments"]) == 1
        )
        hire_days = np.array([h[0] for h in hires]) if hires else np.array([], dtype=int)
        used = set()
        leavers = [k for k, a in enumerate(adv) if a["left"] > NONE_DAY and len(a["assignments"]) == 1]
        rng.shuffle(leavers)
        removed = set()
        done = 0
        for k in leavers:
            if done >= n_target:
                break
            if k in removed or k in used:
                continue
            a = adv[k]
            lo = np.searchsorted(hire_days, a["left"])
            hi = np.searchsorted(hire_days, a["left"] + 30, side="right")
            for j in range(lo, hi):
                h = hires[j][1]
                b = adv[h]
                if h in used or h == k or h in removed or b["assignments"][0][0] == a["assignments"][0][0]:
                    continue
                a["assignments"] += b["assignments"]
                a["left"], a["team"] = b["left"], b["team"]
                used.add(h)
                used.add(k)
                removed.add(h)
                done += 1
                break
        adv = [a for k, a in enumerate(adv) if k not in removed]

    # ids in hire order (old-timers get the small numbers)
    adv.sort(key=lambda a: (a["hired"], a["assignments"][0][2] if a["assignments"] else 0))
    adv = [a for a in adv if a["assignments"]]
    n = len(adv)
    hired = np.array([a["hired"] for a in adv], dtype=np.int64)
    left = np.array([a["left"] for a in adv], dtype=np.int64)
    team = np.array([a["team"] for a in adv], dtype=np.int64)
    skill = np.array([a["skill"] for a in adv])
    skill_c = np.array([a["skill_c"] for a in adv])
    quality = np.array([a["quality"] for a in adv])
    rows = [(k, *asg) for k, a in enumerate(adv) for asg in a["assignments"]]
    as_adv = np.array([r[0] for r in rows], dtype=np.int64)
    as_camp = np.array([r[1] for r in rows], dtype=np.int64)
    as_team = np.array([r[2] for r in rows], dtype=np.int64)
    as_from = np.array([r[3] for r in rows], dtype=np.int64)
    as_to = np.array([r[4] for r in rows], dtype=np.int64)

    # ---- training waves ------------------------------------------------------------------
    # Two waves per campaign, the second after the first wave's 6-month "after" window has
    # ended: the second wave are clean not-yet-trained controls for the first, and the
    # never-trained for the second (the staggered design the adjusted analysis needs).
    # 24 months from January: waves in Sep/Oct of year 1 (before window over the summer
    # dip, after window over the December peak, as in real life) and May/Jun of year 2
    # (its 6-month after window still inside the data).
    wave_months = [_round_half_up(0.34 * M), max(_round_half_up(0.34 * M) + 1, M - 8)]
    waves: dict[int, list[int]] = {}
    for ci, c in enumerate(CAMPAIGNS):
        days = []
        for m in wave_months:
            m = min(max(m + int(rng.integers(0, 2)), 1), M - 2)
            if cal.month_start[m] < camp_start[ci] + 30 or cal.month_start[m] > camp_end[ci] - 10:
                continue
            for _ in range(2):  # two sessions per wave
                for _try in range(20):
                    d = cal.month_start[m] + int(rng.integers(1, 22))
                    if cal.date(d).weekday() < 5 and d < cal.month_start[m + 1]:
                        days.append(d)
                        break
        waves[ci] = sorted(set(days))

    trained = np.full(n, NONE_DAY, dtype=np.int64)
    training_camp = np.full(n, -1, dtype=np.int64)
    for k in range(n):
        if rng.random() < sc.never_trained_share:
            continue
        options = []
        for r in np.nonzero(as_adv == k)[0]:
            ci = as_camp[r]
            for d in waves[ci]:
                if as_from[r] + 42 <= d <= as_to[r]:  # six weeks on the phones first
                    options.append((d, ci))
        if options:
            d, ci = options[int(rng.integers(len(options)))]
            trained[k], training_camp[k] = d, ci

    is_tr = trained > NONE_DAY
    heavy = is_tr & (rng.random(n) < sc.heavy_adopter_share)
    # Most campaigns assimilate the method well (mean score above 60), a few do not.
    assimilation = np.array([ASSIMILATION_OFFSET.get(c["id"], WELL_ASSIMILATED_OFFSET) for c in CAMPAIGNS])
    first_camp = np.array([as_camp[np.nonzero(as_adv == k)[0][0]] for k in range(n)])
    offset = assimilation[np.where(training_camp >= 0, training_camp, first_camp)]
    latent = np.where(heavy, rng.uniform(80, 95, n), np.clip(15 + 60 * rng.beta(2.5, 2.5, n) + offset, 0, 79))
    latent = np.where(is_tr, latent, np.nan)
    mult = np.zeros(n)
    w = sc.adoption_dependence
    for ci in range(ncamp):
        sel = is_tr & (training_camp == ci)
        if sel.any():
            mult[sel] = (1 - w) + w * latent[sel] / latent[sel].mean()
    if sc.adopters_baseline_bonus:
        b = sc.adopters_baseline_bonus
        skill = np.where(heavy, skill * (1 + b), skill)
        skill_c = np.where(heavy, skill_c * (1 + b / 4), skill_c)
        quality = np.where(heavy, quality * (1 + b / 5), quality)
    effect_start = np.full(n, FAR, dtype=np.int64)
    for k in np.nonzero(is_tr)[0]:
        effect_start[k] = cal.month_start[cal.month_of(trained[k]) + 1]

    onboarding = np.where((hired >= -60) & (hired < ndays), hired, NONE_DAY)

    # ---- adoption scores (monthly evaluations after training) ------------------------------
    ad_adv, ad_camp, ad_day, ad_score = [], [], [], []
    ramp = (0.8, 0.92)
    for k in np.nonzero(is_tr)[0]:
        last = min(ndays - 1, left[k] - 1 if left[k] > NONE_DAY else ndays - 1)
        j = 1
        while True:
            d = int(trained[k] + 30 * j + rng.integers(-4, 5))
            if d > last:
                break
            cover = np.nonzero((as_adv == k) & (as_from <= d) & (as_to >= d))[0]
            if len(cover):
                base = latent[k] * (ramp[j - 1] if j <= len(ramp) else 1.0)
                ad_adv.append(k)
                ad_camp.append(int(as_camp[cover[0]]))
                ad_day.append(d)
                ad_score.append(float(np.clip(round(base + rng.normal(0, 6), 1), 0, 100)))
            j += 1

    return Population(
        camp_ids=[c["id"] for c in CAMPAIGNS],
        camp_start=camp_start, camp_end=camp_end, camp_started_on=started_on, camp_ended_on=ended_on,
        waves=waves, team_camp=team_camp, team_site=team_site,
        hired=hired, left=left, team=team, skill=skill, skill_c=skill_c, quality=quality,
        trained=trained, effect_start=effect_start, training_camp=training_camp,
        latent_adoption=latent, heavy=heavy, effect_mult=mult, onboarding=onboarding,
        as_adv=as_adv, as_camp=as_camp, as_team=as_team, as_from=as_from, as_to=as_to,
        adoption_rows=dict(adv=np.array(ad_adv, dtype=np.int64), camp=np.array(ad_camp, dtype=np.int64),
                           day=np.array(ad_day, dtype=np.int64), score=np.array(ad_score)),
    )
