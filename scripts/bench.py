"""Performance benchmark at contact-centre scale (docs/performance.md).

    make bench                                           # full scale: ~2,000 advisors, ~20 M contacts/year, 1 and 3 years
    make bench BENCH_ARGS="--size 1 --years 1 --runs 1"  # a quick check of the plumbing

1. Generates a landing folder of Parquet files once (cached under data/bench/<parameters>/:
   reruns with the same parameters reuse it), `max(--years)` years long, ending on an ordinary
   weekday (default start 2023-12-01 -> last day Monday 2026-11-30).
2. Splits it, with DuckDB, into a history per length in --years (the last N years of files,
   minus the last day) and a night (the rows of the last day: contacts, sales, surveys,
   production hours, customer rows dated that day), the same night for every history.
3. Measures each step as a subprocess (wall time; peak memory = the largest of the step's
   process tree, sampled every 0.2 s, and the largest single process from wait4, DuckDB
   included since it runs inside the dbt / Python processes), `--runs` times, and prints
   medians, ratios and one PASS/FAIL line per target.

What each step includes is stated in STEP_DOCS (printed with the table) and in
docs/performance.md. Nothing here is timed in a unit test: tests/test_bench.py only checks
the plumbing on a tiny sample.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
DBT_DIR = ROOT / "dbt"
DATED = {  # tables delivered in monthly files, and the column that dates a row
    "contacts": "started_at",
    "sales": "sold_at",
    "surveys": "answered_at",
    "production_hours": "work_date",
    "customers": "churned_on",
}
# DuckDB memory cap of the pipeline's dbt sessions (dbt/profiles.yml reads the same variable with
# the same default); the reference session gets the same cap, so both run with equal means.
MEMORY_LIMIT = os.environ.get("DUCKDB_MEMORY_LIMIT", "4GB")
GIB = 1024**3
MIB = 1024**2

# Targets of issue 5 (2-core machine).
TARGETS = {
    "full_over_reference": 2.0,
    "nightly_3y_over_1y": 1.2,
    "nightly_over_full": 0.05,
    "analyses_seconds": 60.0,
    "peak_memory_bytes": 6 * GIB,
}

STEP_DOCS = {
    "reference": "hand-written DuckDB SQL (dagster_project/reference/monthly_indicators.sql) from the landing "
    "Parquet files to the monthly advisor x campaign panel, stored as a table; fresh DuckDB file, new process",
    "full.load": "loader (dagster_project/landing.py): every landing file -> raw.* in a new warehouse file",
    "full.dbt": "dbt build --full-refresh (models, seeds, data tests at full scope; same arguments as the Dagster "
    "dbt asset) on that warehouse",
    "full.analyses": "the analysis assets (analysis group: 5 analyses + control charts) materialised in one process",
    "full.total": "full rebuild = load + dbt + analyses (landing files -> marts -> analysis.*)",
    "analyses": "the analysis assets alone on a built warehouse (same step as full.analyses)",
    "nightly.load": "loader on the landing folder = history files (already loaded, skipped by hash) + the night's files",
    "nightly.dbt": "dbt build, incremental (same arguments as the Dagster dbt asset), after that load",
    "nightly.increment": "warehouse increment = nightly.load + nightly.dbt (the marts are up to date after it)",
    "nightly.job": "the whole nightly job, as the schedule launches it: `dagster job execute -j nightly_pipeline` "
    "(process start, loader, dbt build, analyses, control charts, published copy, HTML + Excel report)",
}


# =============================================================================================
# measuring a subprocess
# =============================================================================================
@dataclass
class Measure:
    seconds: float
    peak_bytes: int  # max(sampled sum of the process tree's RSS, largest single process)
    tree_peak_bytes: int
    max_process_bytes: int
    load_before: float
    load_after: float


class StepFailed(RuntimeError):
    pass


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses
        rest = stat[stat.rfind(b")") + 2:].split()
        kids.setdefault(int(rest[1]), []).append(int(entry.name))
    return kids


def _tree_rss(root: int) -> int:
    kids = _children_map()
    todo, total, page = [root], 0, os.sysconf("SC_PAGE_SIZE")
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(kids.get(pid, ()))
    return total


class TreeSampler(threading.Thread):
    """Peak of the summed resident memory of a process and its descendants (every 0.2 s)."""

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def measure(cmd: list[str], env: dict, log_path: Path, label: str) -> Measure:
    """Run `cmd` to completion; wall seconds and peak memory of its process tree."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    with open(log_path, "ab") as log:
        log.write(f"\n===== {dt.datetime.now().isoformat(timespec='seconds')} {label}: {' '.join(cmd)}\n".encode())
        log.flush()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's rusage: max RSS of it and its waited-for children
        seconds = time.perf_counter() - t0
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise StepFailed(f"{label} failed (exit {proc.returncode}); see {log_path}")
    max_process = usage.ru_maxrss * 1024  # Linux: kilobytes
    return Measure(
        seconds=round(seconds, 3),
        peak_bytes=max(sampler.peak, max_process),
        tree_peak_bytes=sampler.peak,
        max_process_bytes=max_process,
        load_before=round(load_before, 2),
        load_after=round(os.getloadavg()[0], 2),
    )


# =============================================================================================
# the steps run as subprocesses (python scripts/bench.py _step ...)
# =============================================================================================
def _step_load(landing: Path, warehouse: Path) -> None:
    from dagster_project.landing import load_landing

    report = load_landing(landing, warehouse)
    print(report.summary())


def _step_reference(landing: Path, db: Path) -> None:
    import duckdb

    from dagster_project.reference import render_sql

    con = duckdb.connect(str(db))
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_progress_bar = false")
    con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")  # the same cap as the pipeline's dbt (profiles.yml)
    con.execute(f"create or replace table reference_monthly as {render_sql(landing, con)}")
    print("reference rows:", con.execute("select count(*) from reference_monthly").fetchone()[0])
    con.close()


def _step_analyses(landing: Path, warehouse: Path) -> None:
    """The analysis assets, materialised in this process the way the nightly job runs them."""
    os.environ["WAREHOUSE_PATH"], os.environ["LANDING_DIR"] = str(warehouse), str(landing)
    import dagster as dg

    import dagster_project.definitions  # noqa: F401  (prepares the dbt manifest, as the job does)
    from dagster_project.assets.analysis import AnalysisConfig, analysis_assets
    from dagster_project.assets.report import control_charts
    from dagster_project.resources import WarehouseResource

    result = dg.materialize(
        [*analysis_assets, control_charts],
        resources={
            "warehouse": WarehouseResource(warehouse_path=str(warehouse), landing_dir=str(landing)),
            "analysis_settings": AnalysisConfig(),
        },
        instance=dg.DagsterInstance.ephemeral(),
    )
    if not result.success:
        raise SystemExit("analyses failed")
    print("analyses materialised:", len(result.get_asset_materialization_events()))


def _step(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="bench.py _step")
    ap.add_argument("what", choices=["load", "reference", "analyses"])
    ap.add_argument("--landing", type=Path, required=True)
    ap.add_argument("--warehouse", type=Path)
    ap.add_argument("--db", type=Path)
    a = ap.parse_args(argv)
    if a.what == "load":
        _step_load(a.landing, a.warehouse)
    elif a.what == "reference":
        _step_reference(a.landing, a.db)
    else:
        _step_analyses(a.landing, a.warehouse)
    return 0


# =============================================================================================
# data: generate once, split into histories and a night
# =============================================================================================
@dataclass
class Data:
    root: Path
    night_day: str
    histories: dict[int, Path]  # years -> landing folder (history only)
    nightly: dict[int, Path]  # years -> landing folder (history + night)
    facts: dict = field(default_factory=dict)


def _key(a) -> str:
    vol = f"{a.volume:g}".replace(".", "p")
    size = f"{a.size:g}".replace(".", "p")
    return f"size{size}-vol{vol}-{a.months}m-{a.start}-seed{a.seed}-{a.scenario}"


def _last_day(start: str, months: int) -> dt.date:
    d = dt.date.fromisoformat(start)
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1) - dt.timedelta(days=1)


def _link_tree(pairs: list[tuple[Path, Path]]) -> None:
    for target, link in pairs:
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target.resolve())


def prepare_data(a) -> Data:
    import duckdb

    root = a.data_dir / _key(a)
    generated = root / "generated"
    done = root / "generated.json"
    if not done.exists():
        if generated.exists():
            shutil.rmtree(generated)
        print(f"Generating {a.months} months at size {a.size}, contact_volume {a.volume} into {generated} ...", flush=True)
        cmd = [sys.executable, "-m", "dagster_project.sample_data", "--out", str(generated), "--seed", str(a.seed),
               "--scenario", a.scenario, "--size", str(a.size), "--months", str(a.months), "--format", "parquet",
               "--set", f"contact_volume={a.volume}", "--set", f"start={a.start}"]
        t0 = time.perf_counter()
        out = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True)
        if out.returncode != 0:
            raise StepFailed("generator failed:\n" + out.stderr[-4000:])
        summary = json.loads(out.stdout)
        summary["wall_seconds"] = round(time.perf_counter() - t0, 1)
        done.write_text(json.dumps(summary, indent=1))
        print(f"  generated in {summary['wall_seconds']} s", flush=True)
    summary = json.loads(done.read_text())

    last = _last_day(a.start, a.months)
    night_day = last.isoformat()
    last_month = night_day[:7]
    prepared = root / "prepared.json"
    split_root = root / "split"
    if not prepared.exists() or json.loads(prepared.read_text()).get("years") != sorted(a.years):
        for p in [split_root, *root.glob("history_*y"), *root.glob("nightly_*y")]:
            if p.is_symlink() or p.is_file():
                p.unlink()
            elif p.exists():
                shutil.rmtree(p)
        con = duckdb.connect()
        counts = {}
        for table, col in DATED.items():
            src = generated / table / f"{table}_{last_month}.parquet"
            if not src.exists():
                continue
            q = str(src).replace("'", "''")
            for part, cond in (("rest", "is distinct from"), ("night", "=")):
                dst = split_root / part / table / (f"{table}_{last_month}.parquet" if part == "rest" else f"{table}_{night_day}.parquet")
                dst.parent.mkdir(parents=True, exist_ok=True)
                con.execute(
                    f"copy (select * from read_parquet('{q}') where substr({col}, 1, 10) {cond} '{night_day}') "
                    f"to '{str(dst).replace(chr(39), chr(39) * 2)}' (format parquet, compression zstd)"
                )
            counts[table] = con.execute(
                f"select count(*) from read_parquet('{str(split_root / 'night' / table / '*.parquet')}')"
            ).fetchone()[0]
        con.close()
        months = sorted({p.stem.rsplit("_", 1)[1] for p in (generated / "contacts").glob("contacts_*.parquet")})
        for years in a.years:
            keep = set(months[-12 * years:])
            pairs = []
            for table_dir in sorted(p for p in generated.iterdir() if p.is_dir() and not p.name.startswith("_")):
                for f in sorted(table_dir.glob("*.parquet")):
                    stem_month = f.stem.rsplit("_", 1)[-1]
                    if table_dir.name not in DATED:
                        pairs.append((f, root / f"history_{years}y" / table_dir.name / f.name))
                    elif stem_month in keep and stem_month != last_month:
                        pairs.append((f, root / f"history_{years}y" / table_dir.name / f.name))
            for f in sorted((split_root / "rest").rglob("*.parquet")):
                pairs.append((f, root / f"history_{years}y" / f.parent.name / f.name))
            _link_tree(pairs)
            night_pairs = [(p.resolve(), root / f"nightly_{years}y" / p.parent.name / p.name)
                           for p in sorted((root / f"history_{years}y").rglob("*.parquet"))]
            night_pairs += [(f, root / f"nightly_{years}y" / f.parent.name / f.name)
                            for f in sorted((split_root / "night").rglob("*.parquet"))]
            _link_tree(night_pairs)
        prepared.write_text(json.dumps({"years": sorted(a.years), "night_day": night_day, "night_rows": counts}, indent=1))
    info = json.loads(prepared.read_text())
    facts = {
        "generated_rows": summary["rows"],
        "generator_seconds": summary.get("wall_seconds"),
        "advisors": summary["rows"]["advisors"],
        "night_day": night_day,
        "night_rows": info["night_rows"],
        "history_contacts": {},
    }
    con = duckdb.connect()
    for years in a.years:
        pattern = str(root / f"history_{years}y" / "contacts" / "*.parquet")
        facts["history_contacts"][years] = con.execute(f"select count(*) from read_parquet('{pattern}')").fetchone()[0]
    con.close()
    return Data(
        root=root,
        night_day=night_day,
        histories={y: root / f"history_{y}y" for y in a.years},
        nightly={y: root / f"nightly_{y}y" for y in a.years},
        facts=facts,
    )


# =============================================================================================
# the benchmark
# =============================================================================================
def _env(**extra) -> dict:
    env = dict(os.environ)
    for name in ("DBT_TARGET", "RETENTION_MONTHS", "SOURCE_IMPORTS", "PUBLISHED_PATH", "REPORT_DIR"):
        env.pop(name, None)
    env["CR_DEMO"] = "1"  # generated data: the fixed demo pseudonymisation key
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def dbt_build_args() -> list[str]:
    """The arguments the Dagster dbt asset passes to dbt (one place: settings.DBT_BUILD_ARGS)."""
    from dagster_project.settings import DBT_BUILD_ARGS

    return list(DBT_BUILD_ARGS)


def _remove_db(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".lock"),
              path.with_name(path.stem + ".published.duckdb")):
        if p.exists():
            p.unlink()


def _copy_db(src: Path, dst: Path) -> None:
    _remove_db(dst)
    shutil.copyfile(src, dst)


class Bench:
    def __init__(self, a, data: Data):
        self.a, self.data = a, data
        self.work = a.work_dir or (data.root / "work")
        self.work.mkdir(parents=True, exist_ok=True)
        self.log = self.work / "bench.log"
        self.target = self.work / "dbt_target"
        # One warehouse path for every dbt run: dbt's partial parse is dropped whenever the
        # rendered profile (hence WAREHOUSE_PATH) changes, and production keeps one path.
        self.wh = self.work / "warehouse.duckdb"
        self.results: dict[str, dict[int, list[Measure]]] = {}
        self.build_args = dbt_build_args()

    def add(self, name: str, years: int, m: Measure) -> Measure:
        self.results.setdefault(name, {}).setdefault(years, []).append(m)
        return m

    def say(self, text: str) -> None:
        print(text, flush=True)

    # --- commands ----------------------------------------------------------------------------
    def py_step(self, what: str, **kw) -> list[str]:
        cmd = [sys.executable, str(Path(__file__).resolve()), "_step", what]
        for k, v in kw.items():
            cmd += [f"--{k}", str(v)]
        return cmd

    def dbt(self, *args: str) -> list[str]:
        return [str(BIN / "dbt"), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
                "--target-path", str(self.target), "--log-path", str(self.work / "dbt_logs")]

    def keep_run_results(self, name: str) -> None:
        src = self.target / "run_results.json"
        if src.exists():
            dst = self.work / "run_results" / f"{name}.json"
            dst.parent.mkdir(exist_ok=True)
            shutil.copyfile(src, dst)

    def run(self, name: str, years: int, cmd: list[str], env: dict) -> Measure:
        m = self.add(name, years, measure(cmd, env, self.log, f"{name} ({years}y)"))
        self.say(f"  {name:<18} {years}y  {m.seconds:8.1f} s  peak {m.peak_bytes / MIB:7.0f} MiB  (load {m.load_before:.2f})")
        return m

    # --- steps -------------------------------------------------------------------------------
    def parse_once(self) -> None:
        """dbt parses the project once (not timed): every timed run starts from a partial parse,
        as the nightly run does from the project's prepared manifest."""
        self._parse(self.dbt("parse", "--quiet"))

    def _parse(self, cmd: list[str]) -> None:
        out = subprocess.run(cmd, cwd=ROOT, env=_env(WAREHOUSE_PATH=self.wh), capture_output=True, text=True)
        if out.returncode != 0:
            raise StepFailed("dbt parse failed:\n" + out.stdout[-3000:] + out.stderr[-3000:])

    def parse_for_job(self) -> None:
        """The Dagster job's dbt starts from the project's manifest (dbt/target), as prepared on
        a production machine for its warehouse path: prepare it for this path (not timed)."""
        self._parse([str(BIN / "dbt"), "parse", "--quiet", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)])

    def reference(self, years: int, runs: int) -> None:
        db = self.work / "reference.duckdb"
        for _ in range(runs):
            _remove_db(db)
            self.run("reference", years, self.py_step("reference", landing=self.data.histories[years], db=db), _env())
        _remove_db(db)

    def full_rebuild(self, years: int, runs: int) -> Path:
        base = self.work / f"base_{years}y.duckdb"
        landing = self.data.histories[years]
        for r in range(runs):
            wh = self.wh
            _remove_db(wh)
            env = _env(WAREHOUSE_PATH=wh, LANDING_DIR=landing)
            t_load = self.run("full.load", years, self.py_step("load", landing=landing, warehouse=wh), env)
            t_dbt = self.run("full.dbt", years, self.dbt(*self.build_args, "--full-refresh"), env)
            self.keep_run_results(f"full_{years}y_run{r + 1}")
            t_an = self.run("full.analyses", years, self.py_step("analyses", landing=landing, warehouse=wh), env)
            self.add("analyses", years, t_an)
            total = Measure(
                seconds=round(t_load.seconds + t_dbt.seconds + t_an.seconds, 3),
                peak_bytes=max(t_load.peak_bytes, t_dbt.peak_bytes, t_an.peak_bytes),
                tree_peak_bytes=max(t_load.tree_peak_bytes, t_dbt.tree_peak_bytes, t_an.tree_peak_bytes),
                max_process_bytes=max(t_load.max_process_bytes, t_dbt.max_process_bytes, t_an.max_process_bytes),
                load_before=t_load.load_before, load_after=t_an.load_after,
            )
            self.add("full.total", years, total)
            self.say(f"  {'full.total':<18} {years}y  {total.seconds:8.1f} s")
            _remove_db(base)
            wh.rename(base)
            _remove_db(wh)
        return base

    def analyses(self, years: int, base: Path, runs: int) -> None:
        have = len(self.results.get("analyses", {}).get(years, []))
        for _ in range(max(0, runs - have)):
            self.run("analyses", years, self.py_step("analyses", landing=self.data.histories[years], warehouse=base),
                     _env(WAREHOUSE_PATH=base, LANDING_DIR=self.data.histories[years]))

    def nightly(self, years: int, base: Path, runs: int) -> None:
        landing = self.data.nightly[years]
        wh = self.wh
        for r in range(runs):
            _copy_db(base, wh)
            env = _env(WAREHOUSE_PATH=wh, LANDING_DIR=landing)
            t_load = self.run("nightly.load", years, self.py_step("load", landing=landing, warehouse=wh), env)
            t_dbt = self.run("nightly.dbt", years, self.dbt(*self.build_args), env)
            self.keep_run_results(f"nightly_{years}y_run{r + 1}")
            inc = Measure(
                seconds=round(t_load.seconds + t_dbt.seconds, 3),
                peak_bytes=max(t_load.peak_bytes, t_dbt.peak_bytes),
                tree_peak_bytes=max(t_load.tree_peak_bytes, t_dbt.tree_peak_bytes),
                max_process_bytes=max(t_load.max_process_bytes, t_dbt.max_process_bytes),
                load_before=t_load.load_before, load_after=t_dbt.load_after,
            )
            self.add("nightly.increment", years, inc)
            self.say(f"  {'nightly.increment':<18} {years}y  {inc.seconds:8.1f} s")
        _remove_db(wh)

    def nightly_job(self, years: int, base: Path, runs: int) -> None:
        landing = self.data.nightly[years]
        wh = self.wh
        home = self.work / "dagster_home"
        self.parse_for_job()
        for _ in range(runs):
            _copy_db(base, wh)
            if home.exists():
                shutil.rmtree(home)
            home.mkdir(parents=True)
            env = _env(WAREHOUSE_PATH=wh, LANDING_DIR=landing, DAGSTER_HOME=home, REPORT_DIR=self.work / "reports")
            self.run("nightly.job", years, [str(BIN / "dagster"), "job", "execute", "-m", "dagster_project.definitions",
                                            "-j", "nightly_pipeline"], env)
        _remove_db(wh)

    def go(self) -> None:
        a = self.a
        self.parse_once()
        self.parse_for_job()  # the analyses step and the job load the project's manifest
        for i, years in enumerate(sorted(a.years)):
            runs_full = (a.full_runs if a.full_runs is not None else a.runs) if i == 0 else a.long_runs
            self.say(f"--- {years} year(s) of history ({self.data.facts['history_contacts'][years]:,} contacts)")
            self.reference(years, a.runs if i == 0 else a.long_runs)
            base = self.full_rebuild(years, runs_full)
            self.analyses(years, base, a.runs)
            self.nightly(years, base, a.runs)
            if not a.skip_job:
                self.nightly_job(years, base, a.job_runs if a.job_runs is not None else a.runs)
            if not a.keep:
                _remove_db(base)


# =============================================================================================
# report
# =============================================================================================
def _med(ms: list[Measure]) -> float:
    return statistics.median(m.seconds for m in ms)


def _peak(ms: list[Measure]) -> int:
    return max(m.peak_bytes for m in ms)


def summarise(results: dict[str, dict[int, list[Measure]]], years: list[int]) -> dict:
    """Medians, peaks, ratios and target verdicts (pure: unit-testable)."""
    med = {name: {y: _med(v[y]) for y in v} for name, v in results.items()}
    peak = {name: {y: _peak(v[y]) for y in v} for name, v in results.items()}
    runs = {name: {y: len(v[y]) for y in v} for name, v in results.items()}
    y1, yN = min(years), max(years)
    ratios, checks = {}, []

    def ratio(num, den):
        return num / den if num is not None and den else None

    def get(name, y):
        return med.get(name, {}).get(y)

    for y in years:
        ratios[f"full/reference ({y}y)"] = ratio(get("full.total", y), get("reference", y))
        ratios[f"full dbt only/reference ({y}y)"] = ratio(get("full.dbt", y), get("reference", y))
        ratios[f"nightly increment/full ({y}y)"] = ratio(get("nightly.increment", y), get("full.total", y))
        ratios[f"nightly job/full ({y}y)"] = ratio(get("nightly.job", y), get("full.total", y))
    if yN != y1:
        ratios[f"nightly increment {yN}y/{y1}y"] = ratio(get("nightly.increment", yN), get("nightly.increment", y1))
        ratios[f"nightly job {yN}y/{y1}y"] = ratio(get("nightly.job", yN), get("nightly.job", y1))

    def check(label, value, limit):
        if value is None:
            checks.append((label, None, limit, "n/a"))
        else:
            checks.append((label, value, limit, "PASS" if value <= limit else "FAIL"))

    for y in years:
        check(f"full rebuild <= 2x reference ({y}y)", ratios[f"full/reference ({y}y)"], TARGETS["full_over_reference"])
    if yN != y1:
        check(f"nightly increment {yN}y/{y1}y <= 1.2", ratios[f"nightly increment {yN}y/{y1}y"], TARGETS["nightly_3y_over_1y"])
        check(f"nightly job {yN}y/{y1}y <= 1.2", ratios[f"nightly job {yN}y/{y1}y"], TARGETS["nightly_3y_over_1y"])
    for y in years:
        check(f"nightly increment <= 5% of full rebuild ({y}y)", ratios[f"nightly increment/full ({y}y)"], TARGETS["nightly_over_full"])
        check(f"nightly job <= 5% of full rebuild ({y}y)", ratios[f"nightly job/full ({y}y)"], TARGETS["nightly_over_full"])
    an = [v for v in med.get("analyses", {}).values()]
    check("analyses <= 60 s (largest history)", max(an) if an else None, TARGETS["analyses_seconds"])
    all_peaks = [p for name, v in peak.items() if name != "reference" for p in v.values()]
    check("peak memory <= 6 GiB (every pipeline step)", max(all_peaks) if all_peaks else None, TARGETS["peak_memory_bytes"])
    return {"median_seconds": med, "peak_bytes": peak, "runs": runs, "ratios": ratios, "checks": checks}


ROWS = ("reference", "full.load", "full.dbt", "full.analyses", "full.total", "analyses",
        "nightly.load", "nightly.dbt", "nightly.increment", "nightly.job")


def render(summary: dict, years: list[int]) -> str:
    med, peak, runs = summary["median_seconds"], summary["peak_bytes"], summary["runs"]
    head = f"| step | " + " | ".join(f"{y} y: median s | {y} y: peak MiB | {y} y: runs" for y in years) + " |"
    lines = [head, "|" + "---|" * (1 + 3 * len(years))]
    for name in ROWS:
        if name not in med:
            continue
        cells = []
        for y in years:
            s, p, n = med[name].get(y), peak[name].get(y), runs[name].get(y)
            cells += [f"{s:.1f}" if s is not None else "", f"{p / MIB:,.0f}" if p is not None else "", str(n or "")]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| ratio | value |")
    lines.append("|---|---|")
    for k, v in summary["ratios"].items():
        lines.append(f"| {k} | {'' if v is None else f'{v:.3f}'} |")
    lines.append("")
    for label, value, limit, verdict in summary["checks"]:
        if value is None:
            shown = "not measured"
        elif "memory" in label:
            shown = f"{value / GIB:.2f} GiB (limit {limit / GIB:.0f} GiB)"
        elif "%" in label:
            shown = f"{value:.1%} (limit {limit:.0%})"
        elif label.startswith("analyses"):
            shown = f"{value:.1f} s (limit {limit:.0f} s)"
        else:
            shown = f"{value:.2f} (limit {limit:g})"
        lines.append(f"{verdict}: {label}: {shown}")
    return "\n".join(lines)


def machine_facts() -> dict:
    facts = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "cores": os.cpu_count(),
             "python": platform.python_version(), "platform": platform.platform()}
    try:
        with open("/proc/meminfo") as f:
            facts["memory_gib"] = round(int(f.readline().split()[1]) / 1024**2, 1)
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.+)", f.read())
            facts["cpu"] = m.group(1).strip() if m else platform.processor()
    except OSError:
        pass
    from importlib.metadata import version

    for pkg in ("duckdb", "dbt-core", "dbt-duckdb", "dagster"):
        try:
            facts[pkg] = version(pkg)
        except Exception:  # noqa: BLE001
            facts[pkg] = "?"
    facts["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    return facts


# =============================================================================================
# main
# =============================================================================================
def parse_args(argv):
    ap = argparse.ArgumentParser(prog="scripts/bench.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=float, default=10.0, help="generator size (10: ~2,000 seats; default 10)")
    ap.add_argument("--volume", type=float, default=2.0, help="generator contact_volume (2 at size 10: ~20.7 M contacts a year)")
    ap.add_argument("--years", default="1,3", help="history lengths in years, comma-separated (default 1,3)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each measured step; medians are printed (default 3)")
    ap.add_argument("--full-runs", type=int, default=None,
                    help="runs of the full rebuild on the shortest history (default: --runs)")
    ap.add_argument("--long-runs", type=int, default=1,
                    help="runs of the reference and full rebuild on the longer histories (default 1: the setup build)")
    ap.add_argument("--job-runs", type=int, default=None, help="runs of the whole nightly job (default: --runs)")
    ap.add_argument("--skip-job", action="store_true", help="do not run the whole Dagster nightly job")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--scenario", default="default")
    ap.add_argument("--start", default="2023-12-01", help="first day of the generated period (a 1st)")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data" / "bench", help="cache of generated data (default data/bench)")
    ap.add_argument("--work-dir", type=Path, default=None, help="warehouses and logs (default <data>/work)")
    ap.add_argument("--keep", action="store_true", help="keep the built warehouses")
    ap.add_argument("--prepare-only", action="store_true", help="generate and split the data, measure nothing")
    ap.add_argument("--json", type=Path, default=None, help="also write all measurements here")
    a = ap.parse_args(argv)
    a.years = sorted({int(y) for y in str(a.years).split(",") if y.strip()})
    a.data_dir = a.data_dir.resolve()
    a.work_dir = a.work_dir.resolve() if a.work_dir else None
    a.months = 12 * max(a.years)
    return a


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_step"]:
        return _step(argv[1:])
    a = parse_args(argv)
    facts = machine_facts()
    print(f"Benchmark {facts['date']}: {facts.get('cpu', '?')}, {facts['cores']} cores, {facts.get('memory_gib')} GiB; "
          f"DuckDB {facts['duckdb']}, dbt-core {facts['dbt-core']}, dbt-duckdb {facts['dbt-duckdb']}, dagster {facts['dagster']}; "
          f"load average {facts['load_average_at_start']}", flush=True)
    if facts["load_average_at_start"][0] > 1.0:
        print("WARNING: the machine is busy (load > 1.0): figures will be slower and noisier than on a quiet machine", flush=True)
    data = prepare_data(a)
    f = data.facts
    print(f"Data: {data.root} (advisors {f['advisors']:,}; contacts per history "
          + ", ".join(f"{y} y: {n:,}" for y, n in f["history_contacts"].items())
          + f"; night {f['night_day']}: " + ", ".join(f"{t} {n:,}" for t, n in f["night_rows"].items()) + ")", flush=True)
    if a.prepare_only:
        return 0
    bench = Bench(a, data)
    print(f"dbt arguments of the nightly (settings.DBT_BUILD_ARGS): {' '.join(bench.build_args)}; logs: {bench.log}", flush=True)
    failed = None
    try:
        bench.go()
    except (StepFailed, KeyboardInterrupt) as exc:  # print what was measured
        failed = exc
        print(f"STOPPED: {exc}", flush=True)
    summary = summarise(bench.results, a.years)
    print()
    print("What each step includes:")
    for name in ROWS:
        if name in summary["median_seconds"]:
            print(f"  {name}: {STEP_DOCS[name]}")
    print()
    print(render(summary, a.years))
    out = a.json or (bench.work / f"results-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json")
    out.write_text(json.dumps({
        "machine": facts, "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(a).items()},
        "data": data.facts, "dbt_build_args": bench.build_args,
        "measures": {n: {y: [asdict(m) for m in ms] for y, ms in v.items()} for n, v in bench.results.items()},
        "summary": {k: v for k, v in summary.items() if k != "checks"},
        "checks": summary["checks"],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }, indent=1, default=str))
    print(f"\nAll measurements: {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
