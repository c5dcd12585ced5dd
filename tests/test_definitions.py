"""The Dagster code location loads, the schedule runs by default, dbt tests are asset checks."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

ROOT = Path(__file__).resolve().parents[1]


def test_definitions_validate_from_the_command_line():
    env = {**os.environ, "DAGSTER_HOME": str(ROOT / "dagster_home")}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_nightly_schedule_is_running_by_default_outside_the_dst_gap():
    from dagster_project.definitions import defs

    schedule = defs.get_schedule_def("nightly_pipeline_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedule.execution_timezone == "Europe/Paris"
    minute, hour = schedule.cron_schedule.split()[:2]
    assert not (2 <= int(hour) < 3), "02:00-03:00 does not exist or happens twice on DST days"


def test_dbt_tests_surface_as_asset_checks_and_graph_goes_landing_to_marts():
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    checks = list(graph.asset_check_keys)
    assert any(c.asset_key.path[-1] == "fct_advisor_campaign_monthly" for c in checks)
    monthly = dg.AssetKey(["marts", "fct_advisor_campaign_monthly"])
    upstream = graph.get(monthly).parent_keys
    assert upstream, "the monthly mart has upstream assets"
    # Walk up to the landing layer.
    seen, frontier = set(), {monthly}
    while frontier:
        key = frontier.pop()
        seen.add(key)
        frontier |= set(graph.get(key).parent_keys) - seen
    assert dg.AssetKey(["raw", "contacts"]) in seen
    assert graph.get(dg.AssetKey(["raw", "contacts"])).group_name == "landing"
