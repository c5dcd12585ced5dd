"""The benchmark's plumbing (scripts/bench.py) on a tiny sample: no timing is checked here.

The speed targets live in the benchmark's own output (make bench, docs/performance.md); this
only checks that the data split, the measuring of a subprocess and the verdicts are right.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module
    spec.loader.exec_module(module)
    return module


def test_measure_reports_time_and_peak_memory_of_the_child(bench, tmp_path):
    m = bench.measure(
        [sys.executable, "-c", "import time; b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)"],
        env=bench._env(), log_path=tmp_path / "log", label="alloc",
    )
    assert m.seconds >= 0.5
    assert m.max_process_bytes >= 200 * 1024**2  # wait4's rusage of the child
    assert m.peak_bytes >= m.max_process_bytes
    with pytest.raises(bench.StepFailed):
        bench.measure([sys.executable, "-c", "raise SystemExit(3)"], env=bench._env(), log_path=tmp_path / "log", label="fail")


def test_data_split_history_plus_night_is_the_generated_data(bench, tmp_path):
    a = argparse.Namespace(size=0.05, volume=1.0, years=[1], months=12, seed=3, scenario="default",
                           start="2023-12-01", data_dir=tmp_path)
    data = bench.prepare_data(a)
    assert data.night_day == "2024-11-30"  # a Saturday here; the default start ends on a Monday
    con = duckdb.connect()
    gen = data.root / "generated"
    for table, column in bench.DATED.items():
        generated = con.execute(f"select count(*) from read_parquet('{gen / table / '*.parquet'}')").fetchone()[0]
        history = con.execute(f"select count(*) from read_parquet('{data.histories[1] / table / '*.parquet'}')").fetchone()[0]
        nightly = con.execute(f"select count(*) from read_parquet('{data.nightly[1] / table / '*.parquet'}')").fetchone()[0]
        night = con.execute(
            f"select count(*), count(*) filter (where substr({column}, 1, 10) <> '{data.night_day}') "
            f"from read_parquet('{data.nightly[1] / table / f'{table}_{data.night_day}.parquet'}')"
        ).fetchone()
        assert night[1] == 0, table  # the night holds its own day only
        assert history + night[0] == generated == nightly, table
    assert data.facts["night_rows"]["contacts"] > 0
    # the static tables are in both folders; cached: a second call reuses the data
    assert (data.histories[1] / "advisors" / "advisors.parquet").exists()
    assert (data.nightly[1] / "advisors" / "advisors.parquet").exists()
    again = bench.prepare_data(a)
    assert again.root == data.root


def test_summary_ratios_and_verdicts(bench):
    M = bench.Measure

    def ms(seconds, peak_gib=1.0):
        return [M(seconds, int(peak_gib * bench.GIB), int(peak_gib * bench.GIB), 0, 0.0, 0.0)]

    results = {
        "reference": {1: ms(10), 3: ms(30)},
        "full.total": {1: ms(25), 3: ms(90)},
        "full.dbt": {1: ms(20), 3: ms(80)},
        "analyses": {1: ms(5), 3: ms(70)},
        "nightly.increment": {1: ms(1), 3: ms(1.1, peak_gib=7)},
        "nightly.job": {1: [M(2, 0, 0, 0, 0, 0), M(100, 0, 0, 0, 0, 0), M(3, 0, 0, 0, 0, 0)], 3: ms(4)},
    }
    s = bench.summarise(results, [1, 3])
    assert s["median_seconds"]["nightly.job"][1] == 3
    assert s["ratios"]["full/reference (1y)"] == pytest.approx(2.5)
    assert s["ratios"]["nightly increment 3y/1y"] == pytest.approx(1.1)
    verdicts = {label: verdict for label, _, _, verdict in s["checks"]}
    assert verdicts["full rebuild <= 2x reference (1y)"] == "FAIL"
    assert verdicts["full rebuild <= 2x reference (3y)"] == "FAIL"
    assert verdicts["nightly increment 3y/1y <= 1.2"] == "PASS"
    assert verdicts["nightly job 3y/1y <= 1.2"] == "FAIL"  # 4 / 3
    assert verdicts["nightly increment <= 5% of full rebuild (1y)"] == "PASS"  # 1 / 25 = 4 %
    assert verdicts["analyses <= 60 s (largest history)"] == "FAIL"
    assert verdicts["peak memory <= 6 GiB (every pipeline step)"] == "FAIL"
    text = bench.render(s, [1, 3])
    assert "| nightly.increment |" in text and "FAIL: analyses <= 60 s" in text
