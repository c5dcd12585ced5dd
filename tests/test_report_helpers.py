"""Builders for tests/test_analyst_guide.py (and any test_report* needing its own small
warehouse); no tests here.

`built_warehouse(landing, base)` runs the real chain on a landing folder, without the Dagster
instance (so no shared concurrency pool): load_landing -> `dbt build` (own target/log paths)
-> the analysis assets and analysis/control_charts materialised in process -> publish. Each
(landing, vars) pair is built once per pytest session (module-level cache).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = ROOT / "dbt"
FIXTURE_SMALL = ROOT / "tests" / "fixtures" / "landing_small"

_CACHE: dict[tuple, tuple[Path, Path]] = {}


def dbt_build(warehouse: Path, tmp: Path, dbt_vars: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, WAREHOUSE_PATH=str(warehouse))
    env.pop("DBT_TARGET", None)
    if not env.get("PSEUDONYMISATION_KEY"):
        env["CR_DEMO"] = "1"  # generated demo data: the fixed, non-secret demo key
    cmd = [
        str(Path(sys.executable).parent / "dbt"), "build",
        "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
        "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"),
    ]
    if dbt_vars:
        cmd += ["--vars", json.dumps(dbt_vars)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    return proc


def run_analyses(warehouse: Path) -> None:
    """The analysis assets and analysis/control_charts, in process (ephemeral instance)."""
    import dagster as dg

    from dagster_project import settings
    from dagster_project.resources import WarehouseResource, dbt_project

    settings.ensure_dbt_manifest(dbt_project)
    from dagster_project.assets.analysis import AnalysisConfig, analysis_assets
    from dagster_project.assets.report import control_charts

    resources = {
        "warehouse": WarehouseResource(warehouse_path=str(warehouse), landing_dir=str(warehouse.parent / "unused")),
        "analysis_settings": AnalysisConfig(),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = dg.materialize([*analysis_assets, control_charts], resources=resources, raise_on_error=True)
    assert result.success


def built_warehouse(landing: Path, base: Path, dbt_vars: dict | None = None, analyses: bool = True) -> tuple[Path, Path]:
    """(warehouse, published copy) for a landing folder; built once per session."""
    from dagster_project.landing import load_landing
    from dagster_project.publish import publish

    key = (str(landing), json.dumps(dbt_vars or {}, sort_keys=True), analyses)
    if key in _CACHE and _CACHE[key][0].exists():
        return _CACHE[key]
    base.mkdir(parents=True, exist_ok=True)
    wh = base / "warehouse.duckdb"
    pub = base / "warehouse.published.duckdb"
    report = load_landing(landing, wh)
    assert report.files_loaded > 0, report.summary()
    dbt_build(wh, base, dbt_vars)
    if analyses:
        run_analyses(wh)
    publish(wh, pub)
    _CACHE[key] = (wh, pub)
    return wh, pub
