"""Shared fixtures: one end-to-end run of the main job on the demo data, reused by tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class PipelineRun:
    landing: Path
    warehouse: Path
    published: Path
    truth: Path
    log: str


def isolated_dagster_home(warehouse: Path) -> Path:
    """A Dagster instance of its own beside each test warehouse (the project's settings)."""
    home = warehouse.parent / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copyfile(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return home


def job_env(landing: Path, warehouse: Path, extra_env: dict | None = None) -> dict:
    return {
        **os.environ,
        "LANDING_DIR": str(landing),
        "WAREHOUSE_PATH": str(warehouse),
        "DAGSTER_HOME": str(isolated_dagster_home(warehouse)),
        "CR_DEMO": "1",
        **(extra_env or {}),
    }


def run_nightly_job(landing: Path, warehouse: Path, extra_env: dict | None = None, timeout: int = 1800):
    """The same command `make run` uses: the nightly job through Dagster, in a subprocess."""
    env = job_env(landing, warehouse, extra_env)
    return subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "job", "execute", "-m", "dagster_project.definitions",
         "-j", "nightly_pipeline"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> PipelineRun:
    """The demo data (same seed and size as `make demo`) through the whole nightly job."""
    from dagster_project.publish import published_path_for
    from dagster_project.sample_data import DEMO_SEED, DEMO_SIZE, generate

    work = tmp_path_factory.mktemp("demo")
    landing, warehouse = work / "landing", work / "warehouse.duckdb"
    generate(landing, seed=DEMO_SEED, size=DEMO_SIZE)
    proc = run_nightly_job(landing, warehouse)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    return PipelineRun(landing, warehouse, published_path_for(warehouse), landing / "_truth" / "truth.json",
                       proc.stdout + proc.stderr)
