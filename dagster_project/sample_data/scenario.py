"""Scenario knobs of the sample-data generator: one dataclass, a few named presets.

Every scenario runs the same code; a preset only sets knobs. Callers can start from a
preset and override any knob: ``get_scenario("no_effect", months=6, season_amplitude=0)``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    name: str = "default"
    months: int = 24
    start: str = "2024-01-01"  # first day of the first month (must be a 1st)

    # --- training effect -------------------------------------------------------------
    # Catalogue effects (per campaign, see catalogue.py) are multiplied by effect_scale.
    effect_scale: float = 1.0
    # When set, replaces the catalogue: every campaign gets this *improvement* on each of
    # its primary indicators that the generator can move directly (value x (1+u) when
    # higher is better, x (1-u) when lower is better).
    uniform_effect: float | None = None
    # With uniform_effect: move these indicators instead of each campaign's primaries
    # (indicators not applicable to a campaign's kind are skipped).
    uniform_effect_indicators: tuple[str, ...] | None = None
    # 0: every trained advisor gets the campaign effect; 1: effect proportional to the
    # advisor's latent adoption / the campaign's mean latent adoption among trained.
    adoption_dependence: float = 1.0
    heavy_adopter_share: float = 0.14  # share of trained advisors (~10 % of all advisors)
    adopters_baseline_bonus: float = 0.0  # heavy adopters' productivity multiplier - 1
    never_trained_share: float = 0.22  # of advisors present at the waves; late hires and early leavers add to it

    # --- confounders -----------------------------------------------------------------
    season_amplitude: float = 0.08  # summer dip, December peak (fraction)
    trend_per_year: float = 0.03  # slow market trend on conversion rates
    pay_scheme_change: float = 0.12  # campaign-wide jump of sales rates on a date
    pay_scheme_campaign: str = "C01"
    pay_scheme_month: int | None = None  # month index from start; None: ~42% into the period
    price_change: float = 0.08  # revenue per sale shift on a date
    price_change_campaign: str = "C02"
    price_change_month: int | None = None  # None: ~54% into the period
    marketing_boost: float = 0.10  # 4-week TV campaign lifting inbound sales (C06)
    outage: bool = True  # one telephony outage day (all campaigns, fewer contacts)
    annual_turnover: float = 0.30  # leaving hazard per year (realised ~25 %/year)
    new_hire_ramp: float = 0.25  # productivity deficit of a new hire, fading over ~75 days
    leaver_skill_gradient: float = 1.5  # weaker advisors leave more (0: no selection)
    switcher_share: float = 0.04  # advisors who move to another campaign once

    # --- volumes & delivery ------------------------------------------------------------
    hours_per_day: float = 6.3
    # Multiplies every per-hour contact rate (handled, no-answer, argued, sales, retentions,
    # additional sales): 2.0 doubles the contacts of each advisor-hour at the same shares and
    # conversion rates (per-hour indicators and their truth scale with it). For volume tests:
    # size 10 x contact_volume 2 ~ 2,000 seats and 20.7 million contacts a year.
    contact_volume: float = 1.0
    other_programmes: bool = True  # also write 'onboarding' training rows for new hires
    redeliver_updates: bool = True  # late withdrawals/cancellations/churns re-delivered later

    def replace(self, **changes) -> "Scenario":
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        if d["uniform_effect_indicators"] is not None:
            d["uniform_effect_indicators"] = list(d["uniform_effect_indicators"])
        return d


_NO_CONFOUNDERS = dict(
    season_amplitude=0.0,
    trend_per_year=0.0,
    pay_scheme_change=0.0,
    price_change=0.0,
    marketing_boost=0.0,
    outage=False,
    new_hire_ramp=0.0,
    leaver_skill_gradient=0.0,
)

PRESETS: dict[str, Scenario] = {
    # The demo: catalogue effects from 0 to +40 %, all confounders on.
    "default": Scenario(name="default"),
    # No training effect at all, but seasonality, trend, turnover, pay-scheme and price
    # changes: a naive before/after shows a spurious gain.
    "no_effect": Scenario(name="no_effect", effect_scale=0.0),
    # +5 % on every campaign's primary indicators, clean world (no season, no trend, no
    # pay/price change, no new-hire ramp): the plain before/after is honest here.
    "effect_5": Scenario(name="effect_5", uniform_effect=0.05, **_NO_CONFOUNDERS),
    # +10 % on primaries with strong confounders.
    "effect_10_confounded": Scenario(
        name="effect_10_confounded",
        uniform_effect=0.10,
        season_amplitude=0.12,
        trend_per_year=0.04,
        pay_scheme_change=0.15,
        price_change=0.10,
        annual_turnover=0.36,
        new_hire_ramp=0.30,
    ),
    # Everyone trained gains +10 % whatever their adoption; heavy adopters were 35 % better
    # before training: adopters-vs-team gaps are selection, not effect.
    "adopters_already_better": Scenario(
        name="adopters_already_better",
        uniform_effect=0.10,
        adoption_dependence=0.0,
        adopters_baseline_bonus=0.35,
    ),
}


def get_scenario(scenario: str | Scenario = "default", **overrides) -> Scenario:
    if isinstance(scenario, Scenario):
        base = scenario
    else:
        if scenario not in PRESETS:
            raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(PRESETS)}")
        base = PRESETS[scenario]
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if "uniform_effect_indicators" in overrides and overrides["uniform_effect_indicators"] is not None:
        overrides["uniform_effect_indicators"] = tuple(overrides["uniform_effect_indicators"])
    return base.replace(**overrides) if overrides else base

# The demo (`make demo`) and the end-to-end tests: ~300 seats over 12 campaigns, so most
# campaigns have a comparison group large enough for an adjusted estimate.
DEMO_SEED = 42
DEMO_SIZE = 1.5
