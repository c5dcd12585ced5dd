"""Nightly operations through Dagster: analysts' sessions, killed runs, re-runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dagster_project.publish import published_path_for
from dagster_project.sample_data import generate

from conftest import ROOT, job_env, run_nightly_job


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("ops")
    landing, warehouse = work / "landing", work / "warehouse.duckdb"
    generate(landing, seed=7, size=0.3, months=9)
    proc = run_nightly_job(landing, warehouse)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return landing, warehouse, published_path_for(warehouse)


def contacts_in(published: Path) -> int:
    with duckdb.connect(str(published), read_only=True) as con:
        return int(con.execute("select sum(contacts) from marts.fct_advisor_campaign_monthly").fetchone()[0])


def add_late_contacts_file(landing: Path, n: int) -> None:
    """A new delivery: n contacts of an existing advisor and campaign, a few days old."""
    src = sorted((landing / "contacts").glob("*.csv"))[-1]
    header, first = src.read_text(encoding="utf-8").splitlines()[:2]
    cols = header.split(",")
    values = first.split(",")
    rows = []
    for i in range(n):
        v = list(values)
        v[cols.index("contact_id")] = f"LATE{n}-{i:04d}"
        rows.append(",".join(v))
    (landing / "contacts" / f"zz_late_{n}.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def test_nightly_run_succeeds_while_an_analyst_holds_the_published_copy(small_run):
    landing, warehouse, published = small_run
    before = contacts_in(published)
    analyst = duckdb.connect(str(published), read_only=True)  # left open all along
    add_late_contacts_file(landing, 3)
    proc = run_nightly_job(landing, warehouse)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    # The analyst's session still reads the copy it opened; a new session sees the new one.
    assert analyst.execute("select sum(contacts) from marts.fct_advisor_campaign_monthly").fetchone()[0] == before
    analyst.close()
    assert contacts_in(published) == before + 3


def test_killed_run_leaves_the_published_copy_unchanged_and_the_next_run_recovers(small_run):
    landing, warehouse, published = small_run
    before_bytes, before_contacts = published.read_bytes(), contacts_in(published)
    add_late_contacts_file(landing, 5)
    env = job_env(landing, warehouse)
    log_path = warehouse.with_suffix(".killed-run.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster"), "job", "execute", "-m", "dagster_project.definitions",
             "-j", "nightly_pipeline"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        # Kill the whole process group (Dagster and its dbt child) once dbt is writing.
        deadline = time.time() + 900
        while "Running dbt command" not in log_path.read_text() and proc.poll() is None and time.time() < deadline:
            time.sleep(0.5)
        assert proc.poll() is None, "the run ended before it could be killed"
        time.sleep(5)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert published.read_bytes() == before_bytes
    rerun = run_nightly_job(landing, warehouse)
    assert rerun.returncode == 0, (rerun.stdout + rerun.stderr)[-4000:]
    assert contacts_in(published) == before_contacts + 5
