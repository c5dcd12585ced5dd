"""Training-impact analyses: pure functions over tidy tables (no I/O, no Dagster).

Each public function returns a DataFrame whose columns (name -> DuckDB type) are declared in
the module's *_COLUMNS dict, in order; write it to the warehouse schema `analysis`.

| function                          | table                                   | columns                  |
|-----------------------------------|-----------------------------------------|--------------------------|
| training_impact                   | analysis.training_impact                | TRAINING_IMPACT_COLUMNS  |
| training_impact_membership        | analysis.training_impact_membership     | MEMBERSHIP_COLUMNS       |
| adopters_vs_team                  | analysis.adopters_vs_team               | ADOPTERS_COLUMNS         |
| impact_by_month_since_training    | analysis.impact_by_month_since_training | EVENT_STUDY_COLUMNS      |
| indicator_selection               | analysis.indicator_selection            | SELECTION_COLUMNS        |
| impact_headline                   | analysis.impact_headline                | HEADLINE_COLUMNS         |
| control_charts                    | analysis.control_charts                 | CONTROL_CHART_COLUMNS    |

All defaults live in AnalysisSettings.
"""

from .adopters import ADOPTERS_COLUMNS, adopters_vs_team, n_heavy_adopters
from .control_charts import CONTROL_CHART_COLUMNS, ControlChartSettings, control_charts, ewma_chart
from .effects import add_q_values
from .event_study import EVENT_STUDY_COLUMNS, impact_by_month_since_training
from .headline import HEADLINE_COLUMNS, campaign_adoption, impact_headline
from .plots import forest_plot_png
from .selection import SELECTION_COLUMNS, indicator_selection
from .settings import DEFAULT_SETTINGS, AnalysisSettings
from .stats import (
    GroupStat,
    benjamini_hochberg,
    change_stat,
    combine,
    level_stat,
    ratio_of_sums,
    ratio_of_sums_se,
    t_inference,
    welch,
)
from .training_impact import MEMBERSHIP_COLUMNS, TRAINING_IMPACT_COLUMNS, training_impact, training_impact_membership

TABLES = {
    "training_impact": TRAINING_IMPACT_COLUMNS,
    "training_impact_membership": MEMBERSHIP_COLUMNS,
    "adopters_vs_team": ADOPTERS_COLUMNS,
    "impact_by_month_since_training": EVENT_STUDY_COLUMNS,
    "indicator_selection": SELECTION_COLUMNS,
    "impact_headline": HEADLINE_COLUMNS,
    "control_charts": CONTROL_CHART_COLUMNS,
}

__all__ = [
    "AnalysisSettings",
    "DEFAULT_SETTINGS",
    "TABLES",
    "training_impact",
    "training_impact_membership",
    "adopters_vs_team",
    "impact_by_month_since_training",
    "indicator_selection",
    "impact_headline",
    "control_charts",
    "ewma_chart",
    "ControlChartSettings",
    "forest_plot_png",
    "benjamini_hochberg",
    "add_q_values",
    "ratio_of_sums",
    "ratio_of_sums_se",
    "welch",
    "level_stat",
    "change_stat",
    "combine",
    "t_inference",
    "GroupStat",
    "n_heavy_adopters",
    "campaign_adoption",
    "TRAINING_IMPACT_COLUMNS",
    "MEMBERSHIP_COLUMNS",
    "ADOPTERS_COLUMNS",
    "EVENT_STUDY_COLUMNS",
    "SELECTION_COLUMNS",
    "HEADLINE_COLUMNS",
    "CONTROL_CHART_COLUMNS",
]
