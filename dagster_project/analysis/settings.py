"""Every default of the training-impact analyses, in one place.

The Dagster run config (launchpad) maps onto these fields one to one; nothing else in
``dagster_project.analysis`` hard-codes a window, a threshold or an alpha.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class AnalysisSettings:
    # --- Windows around training (months are calendar months, first day = `month`) -------
    #: Months in the "before" window. It ends just before the dip window (see dip_months).
    window_months_before: int = 6
    #: Months in the "after" window.
    window_months_after: int = 6
    #: True: the training month belongs to neither window and "after" starts the month after.
    #: False: the training month is the first month of "after" (training on Feb 1 with
    #: 1-month windows -> before = January, after = February).
    exclude_training_month: bool = True
    #: Months just before the training month excluded from "before" (anticipation, or
    #: the disruption of a training being organised). 0 = none.
    dip_months: int = 0

    # --- Populations --------------------------------------------------------------------
    #: An advisor counts in a month of a window only with at least this many production
    #: hours on the campaign in that month (every month of both windows: "stable").
    min_hours_per_month: float = 20.0
    #: Below this many advisors in a group, no CI / p-value / q-value is shown as a finding.
    min_group_size: int = 5

    # --- Inference ----------------------------------------------------------------------
    #: Two-sided level for CIs (1 - alpha) and for "significant" (q < alpha).
    alpha: float = 0.05
    #: Level of the pre-trend (placebo) test: p < pretrend_alpha -> pretrend_failed.
    pretrend_alpha: float = 0.05
    #: How advisors are weighted inside a group:
    #:   "denominator": pooled ratio of sums per group and window (the same pooling as the
    #:     users' plain figure; an advisor weighs by its volume, e.g. its hours);
    #:   "equal": mean over advisors of log(advisor ratio after) - log(advisor ratio before)
    #:     (advisors whose ratio is 0 or undefined in a window are dropped).
    weighting: str = "denominator"
    #: A standard error at or below this (log scale, or indicator units for points-scale
    #: indicators) is "zero variance": no p-value, the estimate is reported without a claim.
    zero_variance_tol: float = 1e-9

    # --- Multiple testing ---------------------------------------------------------------
    #: Name stored with every q-value: the family the Benjamini-Hochberg correction ran over.
    fdr_family: str = "all campaign x indicator rows of this run"
    #: Family of the per-cohort rows (corrected separately from the campaign rows).
    fdr_family_cohorts: str = "all campaign x indicator x training-cohort rows of this run"

    # --- Heavy adopters vs team ---------------------------------------------------------
    #: Heavy adopters = this top share of the stable trained advisors of a campaign by mean
    #: adoption score over the after window (rounded down, at least 1 advisor).
    adopters_top_fraction: float = 0.10
    #: Window length (months) after training for the adopters comparison, and the same
    #: length before training for the adjusted (gap minus gap before) figure.
    adopters_window_months: int = 4

    # --- Headline -----------------------------------------------------------------------
    #: A campaign is "well assimilated" when the mean adoption score of its advisors is
    #: strictly above this threshold (0-100).
    adoption_threshold: float = 60.0
    #: The users' claim: improvement "never below +5%": share of campaigns at or above this.
    headline_improvement_threshold: float = 0.05

    # --- Event study --------------------------------------------------------------------
    #: Relative months (inclusive) of the month-since-training curve; 0 = training month.
    event_study_months: tuple[int, int] = (-6, 12)

    # --- Indicator selection ------------------------------------------------------------
    #: Most indicators to follow per campaign (the method asks for 2 or 3).
    selection_max_indicators: int = 3
    #: Enough volume: mean denominator per advisor-month (pre-training, enough hours).
    selection_min_denominator_per_advisor_month: float = 10.0
    #: Stable before training: month-to-month coefficient of variation of the pooled value.
    selection_max_monthly_cv: float = 0.20
    #: Months of pre-training history needed to judge stability.
    selection_min_months: int = 3

    # --- Column names -------------------------------------------------------------------
    #: Production-hours column of the monthly panel (used for the stable-population rule).
    hours_column: str = "hours"

    def __post_init__(self) -> None:
        if self.window_months_before < 1 or self.window_months_after < 1:
            raise ValueError("windows must last at least one month")
        if self.adopters_window_months < 1:
            raise ValueError("adopters_window_months must be >= 1")
        if self.dip_months < 0:
            raise ValueError("dip_months must be >= 0")
        if self.min_group_size < 1:
            raise ValueError("min_group_size must be >= 1")
        if not 0 < self.alpha < 1 or not 0 < self.pretrend_alpha < 1:
            raise ValueError("alpha and pretrend_alpha must be in (0, 1)")
        if not 0 < self.adopters_top_fraction <= 1:
            raise ValueError("adopters_top_fraction must be in (0, 1]")
        if self.weighting not in ("denominator", "equal"):
            raise ValueError("weighting must be 'denominator' or 'equal'")
        lo, hi = self.event_study_months
        if lo > hi:
            raise ValueError("event_study_months must be (first, last) with first <= last")
        if self.min_hours_per_month < 0:
            raise ValueError("min_hours_per_month must be >= 0")

    # Convenience for the Dagster config and for tests.
    def with_(self, **changes: Any) -> "AnalysisSettings":
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "AnalysisSettings":
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown analysis settings: {sorted(unknown)}")
        values = dict(values)
        if "event_study_months" in values:
            values["event_study_months"] = tuple(values["event_study_months"])
        return cls(**values)


DEFAULT_SETTINGS = AnalysisSettings()
