"""Forest plot PNG and the settings object."""

import pandas as pd
import pytest

from dagster_project.analysis import AnalysisSettings, forest_plot_png


def test_forest_plot_png():
    df = pd.DataFrame([
        {"level": "campaign", "campaign_id": "A", "indicator": "x", "effect_scale": "relative", "plain_improvement": 0.1,
         "plain_improvement_ci_low": 0.08, "plain_improvement_ci_high": 0.12, "adjusted_improvement": 0.02,
         "adjusted_improvement_ci_low": -0.01, "adjusted_improvement_ci_high": 0.05, "insufficient_data": False},
        {"level": "campaign", "campaign_id": "B", "indicator": "y", "effect_scale": "relative", "plain_improvement": 0.05,
         "plain_improvement_ci_low": None, "plain_improvement_ci_high": None, "adjusted_improvement": 0.01,
         "adjusted_improvement_ci_low": None, "adjusted_improvement_ci_high": None, "insufficient_data": True},
    ])
    png = forest_plot_png(df)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    assert forest_plot_png(df.iloc[0:0])[:8] == b"\x89PNG\r\n\x1a\n"


def test_settings_defaults_and_validation():
    s = AnalysisSettings()
    assert (s.window_months_before, s.window_months_after, s.exclude_training_month, s.dip_months) == (6, 6, True, 0)
    assert (s.min_hours_per_month, s.min_group_size, s.alpha) == (20.0, 5, 0.05)
    assert (s.adopters_top_fraction, s.adopters_window_months, s.adoption_threshold) == (0.10, 4, 60.0)
    assert s.event_study_months == (-6, 12)
    assert AnalysisSettings.from_dict({**s.as_dict(), "event_study_months": [-3, 3]}).event_study_months == (-3, 3)
    with pytest.raises(ValueError):
        AnalysisSettings(window_months_before=0)
    with pytest.raises(ValueError):
        AnalysisSettings(weighting="median")
    with pytest.raises(ValueError):
        AnalysisSettings.from_dict({"nope": 1})
    with pytest.raises(Exception):
        s.alpha = 0.1  # frozen
