"""Validation of the training-impact estimators on generated data with a known truth.

For every scenario and seed: generate a landing folder (Parquet, temporary directory, deleted
afterwards), compute the monthly panel with the reference SQL (dagster_project.reference: no
warehouse, no dbt), run analysis.training_impact and analysis.adopters_vs_team with the
default AnalysisSettings, and compare their campaign rows with the truth file
(_truth/truth.json: effects[campaign][indicator], a signed multiplicative change).

Printed, for the plain (users') and adjusted estimators:
  bias (percentage points of improvement, estimate - truth), 95% CI coverage, rejection rate
  (p < 0.05 and BH q < 0.05: the false-positive rate where the truth is 0, the power where it
  is not), and for adopters_vs_team the plain gap vs the adjusted one.

    uv run python scripts/validate_estimators.py                  # defaults (< 30 min, 2 cores)
    uv run python scripts/validate_estimators.py --seeds 5 --scenarios no_effect,effect_5 --jobs 2
    uv run python scripts/validate_estimators.py --load results.csv   # re-print a saved run

See docs/validation.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCENARIOS = ("no_effect", "effect_5", "effect_10_confounded", "adopters_already_better")
# Scenarios where every heavy adopter gains exactly what the rest of the team gains (truth of the
# adjusted adopters-vs-team gap = 0): no effect at all, or an effect independent of adoption.
ADOPTERS_NULL_SCENARIOS = ("no_effect", "adopters_already_better")
ALPHA = 0.05
#: Columns of --out (one row per campaign x indicator of a run; adopters rows also level
#: all_campaigns). truth and estimates are improvements (lower-is-better flipped): fractions
#: for effect_scale 'relative', indicator units for 'points' (NPS).
COLUMNS = (
    "scenario", "seed", "analysis", "level", "campaign_id", "indicator", "direction", "effect_scale", "events_per_adv_month",
    "direct", "primary", "truth",
    "n_treated", "n_comparison", "plain", "plain_ci_low", "plain_ci_high", "plain_p", "plain_q", "plain_vs_rest",
    "adjusted", "adjusted_ci_low", "adjusted_ci_high", "adjusted_p", "adjusted_q", "insufficient_data", "pretrend_failed",
)


# =========================================================================================
# One run: generate, panel, analyses, rows with their truth
# =========================================================================================
def _plain_p(row: pd.Series) -> float:
    """p-value of the plain before/after change, from its CI.

    training_impact reports the plain CI only: it is the Student t interval of one group's
    change (all stable trained advisors), df = n_stable - 1, symmetric on the log scale
    (relative) or in indicator units (points)."""
    from scipy import stats

    lo, hi, est, n = row["plain_change_ci_low"], row["plain_change_ci_high"], row["plain_change"], row["n_stable"]
    if not all(np.isfinite([lo, hi, est])) or pd.isna(n) or n < 2:
        return float("nan")
    if row["effect_scale"] == "relative":
        if min(lo, hi, est) <= -1:
            return float("nan")
        lo, hi, est = np.log1p(lo), np.log1p(hi), np.log1p(est)
    df = max(float(n) - 1, 1.0)
    se = (hi - lo) / (2 * stats.t.ppf(1 - ALPHA / 2, df))
    if not se > 0:
        return float("nan")
    return float(max(2 * stats.t.sf(abs(est) / se, df), 1e-16))


def _truth_improvement(truth: dict, campaign: str, indicator: str, scale: str, sign: int) -> float:
    eff = truth["effects"].get(campaign, {}).get(indicator)
    if eff is None:
        return float("nan")
    if scale == "points":  # indicator units (NPS points): baseline value x relative change
        base = truth["campaigns"][campaign]["baseline"].get(indicator)
        return float("nan") if base is None else sign * base * eff
    return sign * eff


def run_one(
    scenario: str, seed: int, size: float, months: int, threads: int, tmp_root: str | None, training_date: str = "programme"
) -> tuple[list[dict], dict]:
    import duckdb

    from dagster_project.analysis import AnalysisSettings, adopters_vs_team, training_impact
    from dagster_project.analysis.effects import add_q_values
    from dagster_project.indicators import load_registry
    from dagster_project.reference import analysis_inputs, monthly_panel
    from dagster_project.sample_data import generate

    timing = {}
    registry = load_registry()
    by_code = {i.code: i for i in registry}
    sign = {i.code: (-1 if i.direction == "lower" else 1) for i in registry}
    settings = AnalysisSettings()
    tmp = Path(tempfile.mkdtemp(prefix=f"validate_{scenario}_{seed}_", dir=tmp_root))
    try:
        t0 = time.perf_counter()
        generate(tmp, seed=seed, scenario=scenario, size=size, months=months, fmt="parquet")
        timing["generate"] = time.perf_counter() - t0
        truth = json.loads((tmp / "_truth" / "truth.json").read_text(encoding="utf-8"))
        t0 = time.perf_counter()
        con = duckdb.connect()
        con.execute(f"set threads = {int(threads)}")
        con.execute("set enable_progress_bar = false")
        panel = monthly_panel(tmp, con)
        # training date: the treatment programme's (truth["programme"]), or with
        # training_date="any" the first training of any programme (what marts.dim_advisors holds)
        inputs = analysis_inputs(tmp, con, programme=truth["programme"] if training_date == "programme" else None)
        con.close()
        timing["panel"] = time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    t0 = time.perf_counter()
    ti = training_impact(panel, inputs["advisors"], inputs["events"], registry, settings)
    av = adopters_vs_team(panel, inputs["advisors"], inputs["adoption"], registry, settings)
    timing["analyses"] = time.perf_counter() - t0

    # Volume of each campaign x indicator (a diagnostic): mean count per advisor-month with
    # enough hours of the numerator (the events that make the indicator move); the answers for
    # points-scale indicators (NPS); the counted items for sums of amounts or durations.
    busy = panel[panel[settings.hours_column] >= settings.min_hours_per_month]
    counted = {"revenue": "sales", "handle_seconds": "handled_contacts"}
    volume = {}
    for code, ind in by_code.items():
        col = ind.denominator if ind.unit == "score" else counted.get(ind.numerator, ind.numerator)
        for c, v in busy.groupby("campaign_id")[col].mean().items():
            volume[(c, code)] = float(v)

    rows: list[dict] = []
    camp = ti[ti["level"] == "campaign"].copy()
    camp["plain_p_value"] = camp.apply(_plain_p, axis=1)
    camp = add_q_values(camp, "plain", None, ALPHA, p_column="plain_p_value", q_column="plain_q_value")
    for r in camp.to_dict("records"):
        c, ind, scale = r["campaign_id"], r["indicator"], r["effect_scale"]
        rows.append({
            "scenario": scenario, "seed": seed, "analysis": "training_impact", "level": "campaign",
            "campaign_id": c, "indicator": ind, "direction": by_code[ind].direction, "effect_scale": scale,
            "events_per_adv_month": volume.get((c, ind)),
            "direct": ind in truth["direct_effects"].get(c, {}),
            "primary": ind in truth["campaigns"][c]["primary_indicators"],
            "truth": _truth_improvement(truth, c, ind, scale, sign[ind]),
            "n_treated": r["n_stable"], "n_comparison": r["n_comparison"],
            "plain": r["plain_improvement"], "plain_ci_low": r["plain_improvement_ci_low"],
            "plain_ci_high": r["plain_improvement_ci_high"], "plain_p": r["plain_p_value"], "plain_q": r["plain_q_value"],
            "adjusted": r["adjusted_improvement"], "adjusted_ci_low": r["adjusted_improvement_ci_low"],
            "adjusted_ci_high": r["adjusted_improvement_ci_high"], "adjusted_p": r["adjusted_p_value"],
            "adjusted_q": r["adjusted_q_value"], "insufficient_data": r["insufficient_data"],
            "pretrend_failed": r["pretrend_failed"],
        })
    for r in av.to_dict("records"):
        null = scenario in ADOPTERS_NULL_SCENARIOS
        rows.append({
            "scenario": scenario, "seed": seed, "analysis": "adopters_vs_team", "level": r["level"],
            "campaign_id": r["campaign_id"], "indicator": r["indicator"], "direction": r["direction"],
            "effect_scale": r["effect_scale"], "events_per_adv_month": volume.get((r["campaign_id"], r["indicator"])),
            "direct": None, "primary": None,
            "truth": 0.0 if null else float("nan"),
            "n_treated": r["n_adopters"], "n_comparison": r["n_rest"],
            "plain": r["plain_improvement_vs_team"], "plain_vs_rest": r["plain_improvement_vs_rest"],
            "adjusted": r["adjusted_improvement"], "adjusted_ci_low": r["adjusted_improvement_ci_low"],
            "adjusted_ci_high": r["adjusted_improvement_ci_high"], "adjusted_p": r["adjusted_p_value"],
            "adjusted_q": r["adjusted_q_value"], "insufficient_data": r["insufficient_data"],
        })
    return rows, timing


def _worker(args):
    """One run; a failure is reported (and the run left out) instead of stopping the others."""
    try:
        return args, run_one(*args)
    except Exception as exc:  # noqa: BLE001
        import traceback

        return args, ([], {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()})


# =========================================================================================
# Summaries
# =========================================================================================
def _pct(x: float, digits: int = 1) -> str:
    return "" if x is None or not np.isfinite(x) else f"{100 * x:.{digits}f}"


def _seed_se(df: pd.DataFrame, col: str) -> float:
    """Standard error of a mean over rows, clustered by run (rows of one run are correlated)."""
    m = df.groupby(["scenario", "seed"])[col].mean()
    return float(m.std(ddof=1) / math.sqrt(len(m))) if len(m) > 1 else float("nan")


def _log_error(d: pd.DataFrame, est: pd.Series) -> pd.Series:
    """Error on the log scale, in the improvement direction: s (ln(1 + s est) - ln(1 + s truth)),
    s = -1 for lower-is-better (est and truth are improvements, s x improvement = lift). The
    adjusted estimator is a difference of log pooled ratios: this is its own scale."""
    s = np.where(d["direction"] == "lower", -1.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.Series(s * (np.log1p(s * est) - np.log1p(s * d["truth"])), index=d.index)


def _stats(d: pd.DataFrame, prefix: str) -> dict:
    est, lo, hi, p, q = (d[f"{prefix}{s}"] for s in ("", "_ci_low", "_ci_high", "_p", "_q"))
    err = est - d["truth"]
    lerr = _log_error(d, est)
    cover = (lo <= d["truth"]) & (d["truth"] <= hi)
    return {
        "bias": float(err.mean()),
        "bias_se": _seed_se(d.assign(_e=err), "_e"),
        "bias_log": float(lerr.mean()),
        "bias_log_se": _seed_se(d.assign(_e=lerr), "_e"),
        "coverage": float(cover.mean()),
        "coverage_se": _seed_se(d.assign(_c=cover.astype(float)), "_c"),
        "p05": float((p < ALPHA).mean()),
        "q05": float((q < ALPHA).mean()),
    }


def training_table(res: pd.DataFrame) -> pd.DataFrame:
    """Relative-scale campaign rows with an adjusted p-value (the rows that can be a finding)."""
    ti = res[(res["analysis"] == "training_impact") & (res["effect_scale"] == "relative")]
    out = []
    for sc in [s for s in SCENARIOS if s in set(ti["scenario"])] + sorted(set(ti["scenario"]) - set(SCENARIOS)):
        d_all = ti[(ti["scenario"] == sc) & ti["truth"].notna()]
        d = d_all[d_all["adjusted_p"].notna() & d_all["plain_ci_low"].notna()]
        subsets = [("all rows", d), ("truth = 0", d[d["truth"].abs() < 1e-12]), ("truth != 0", d[d["truth"].abs() >= 1e-12])]
        if sc != "no_effect":
            subsets.append(("directly moved", d[d["direct"].astype(bool)]))
        for name, s in subsets:
            if s.empty:
                continue
            a, pl = _stats(s, "adjusted"), _stats(s, "plain")
            out.append({
                "scenario": sc, "rows": name, "n": len(s), "seeds": s["seed"].nunique(),
                "no_CI_%": _pct(1 - len(d) / len(d_all)) if name == "all rows" else "",
                "truth_%": _pct(s["truth"].mean(), 2),
                "plain_bias_pp": f"{100 * pl['bias']:+.2f}", "adj_bias_pp": f"{100 * a['bias']:+.2f} ±{100 * a['bias_se']:.2f}",
                "adj_bias_log": f"{100 * a['bias_log']:+.2f}",
                "plain_cover_%": _pct(pl["coverage"]), "adj_cover_%": _pct(a["coverage"]),
                "plain_p<.05_%": _pct(pl["p05"]), "adj_p<.05_%": _pct(a["p05"]),
                "plain_q<.05_%": _pct(pl["q05"]), "adj_q<.05_%": _pct(a["q05"]),
            })
    return pd.DataFrame(out)


def indicator_table(res: pd.DataFrame) -> pd.DataFrame:
    """Adjusted estimator per indicator, all scenarios pooled; plain bias under no_effect."""
    ti = res[(res["analysis"] == "training_impact") & res["truth"].notna() & res["adjusted_p"].notna()]
    out = []
    for (ind, scale), d in ti.groupby(["indicator", "effect_scale"]):
        a = _stats(d, "adjusted")
        null = d[d["truth"].abs() < 1e-12]
        ne = d[d["scenario"] == "no_effect"]
        rel = scale == "relative"
        k, unit = (100, "pp") if rel else (1, "pts")
        out.append({
            "indicator": ind if rel else f"{ind} (points)", "n": len(d),
            "adj_bias": f"{k * a['bias']:+.2f} ±{k * a['bias_se']:.2f}",
            "adj_bias_log": f"{100 * a['bias_log']:+.2f} ±{100 * a['bias_log_se']:.2f}" if rel else "",
            "adj_cover_%": _pct(a["coverage"]),
            "truth0_n": len(null), "adj_p<.05_truth0_%": _pct((null["adjusted_p"] < ALPHA).mean()) if len(null) else "",
            "plain_bias_no_effect": f"{k * (ne['plain'] - ne['truth']).mean():+.2f}" if len(ne) else "",
            "events/adv-month": f"{d['events_per_adv_month'].median():.1f}",
        })
    return pd.DataFrame(out)


def volume_table(res: pd.DataFrame) -> pd.DataFrame:
    """Adjusted estimator by volume (events per advisor-month of the campaign x indicator)."""
    ti = res[(res["analysis"] == "training_impact") & res["truth"].notna() & res["adjusted_p"].notna()]
    bins = [0, 1, 3, 10, 30, np.inf]
    out = []
    for b, d in ti.groupby(pd.cut(ti["events_per_adv_month"], bins, right=False), observed=True):
        a = _stats(d, "adjusted")
        null = d[d["truth"].abs() < 1e-12]
        rel = d[d["effect_scale"] == "relative"]
        out.append({
            "events/adv-month": f"[{b.left:g}, {b.right:g})", "n": len(d),
            "adj_bias_log": f"{100 * _stats(rel, 'adjusted')['bias_log']:+.2f}" if len(rel) else "",
            "adj_cover_%": _pct(a["coverage"]), "truth0_n": len(null),
            "adj_p<.05_truth0_%": _pct((null["adjusted_p"] < ALPHA).mean()) if len(null) else "",
        })
    return pd.DataFrame(out)


def adopters_table(res: pd.DataFrame) -> pd.DataFrame:
    av = res[(res["analysis"] == "adopters_vs_team") & res["truth"].notna() & (res["effect_scale"] == "relative")]
    out = []
    order = {s: i for i, s in enumerate(SCENARIOS)}
    for (_, sc, level), d in av.assign(_o=av["scenario"].map(order)).groupby(["_o", "scenario", "level"], dropna=False):
        dd = d[d["adjusted_p"].notna()]
        if dd.empty:
            continue
        cover = ((dd["adjusted_ci_low"] <= 0) & (0 <= dd["adjusted_ci_high"])).mean()
        out.append({
            "scenario": sc, "level": level, "n": len(dd), "seeds": dd["seed"].nunique(),
            "plain_vs_team_%": f"{100 * dd['plain'].mean():+.1f}", "plain_vs_rest_%": f"{100 * dd['plain_vs_rest'].mean():+.1f}",
            "adj_gap_pp": f"{100 * dd['adjusted'].mean():+.2f} ±{100 * _seed_se(dd, 'adjusted'):.2f}",
            "adj_cover_%": _pct(cover), "adj_p<.05_%": _pct((dd["adjusted_p"] < ALPHA).mean()),
            "adj_q<.05_%": _pct((dd["adjusted_q"] < ALPHA).mean()),
        })
    return pd.DataFrame(out)


def adopters_indicator_table(res: pd.DataFrame, scenario: str = "adopters_already_better") -> pd.DataFrame:
    """All-campaigns adopters rows per indicator in one scenario: where the selection shows."""
    av = res[(res["analysis"] == "adopters_vs_team") & (res["scenario"] == scenario) & (res["level"] == "all_campaigns")
             & res["adjusted_p"].notna() & (res["effect_scale"] == "relative")]
    out = []
    for ind, d in av.groupby("indicator"):
        out.append({
            "indicator": ind, "n": len(d),
            "plain_vs_team_%": f"{100 * d['plain'].mean():+.1f}", "plain_vs_rest_%": f"{100 * d['plain_vs_rest'].mean():+.1f}",
            "adj_gap_pp": f"{100 * d['adjusted'].mean():+.2f}",
            "adj_cover_%": _pct(((d["adjusted_ci_low"] <= 0) & (0 <= d["adjusted_ci_high"])).mean()),
            "adj_p<.05_%": _pct((d["adjusted_p"] < ALPHA).mean()),
        })
    return pd.DataFrame(out)


def targets(res: pd.DataFrame) -> list[str]:
    """The issue's targets for the adjusted estimator, checked on the training_impact rows."""
    ti = res[(res["analysis"] == "training_impact") & (res["effect_scale"] == "relative") & res["truth"].notna()
             & res["adjusted_p"].notna()]
    lines = []
    order = {s: i for i, s in enumerate(SCENARIOS)}
    for _, sc, d in sorted(((order.get(k, 99), k, g) for k, g in ti.groupby("scenario")), key=lambda t: t[:2]):
        a = _stats(d, "adjusted")
        ok_b = abs(a["bias"]) <= 0.01 and abs(a["bias_log"]) <= 0.01
        ok_c = 0.93 <= a["coverage"] <= 0.97
        lines.append(f"{sc:26s} |bias| {100 * abs(a['bias']):.2f} pp (log scale {100 * abs(a['bias_log']):.2f}) <= 1:"
                     f" {'PASS' if ok_b else 'FAIL'}; coverage {100 * a['coverage']:.1f}% (±{100 * a['coverage_se']:.1f})"
                     f" in 93-97: {'PASS' if ok_c else 'FAIL'}")
        if sc == "no_effect":
            lines.append(f"{'':26s} false positives p<.05 {100 * a['p05']:.1f}% <= 6: {'PASS' if a['p05'] <= 0.06 else 'FAIL'};"
                         f" q<.05 {100 * a['q05']:.1f}% <= 6: {'PASS' if a['q05'] <= 0.06 else 'FAIL'}")
    return lines


def _text(df: pd.DataFrame) -> str:
    return "(no row with an adjusted p-value)" if df.empty else df.to_string(index=False)


def report(res: pd.DataFrame, timing: dict | None = None) -> str:
    with pd.option_context("display.width", 250, "display.max_columns", 50, "display.max_colwidth", 40):
        parts = [
            "training_impact, campaign rows, relative scale (% improvement), rows with an adjusted p-value",
            _text(training_table(res)),
            "",
            "adjusted estimator per indicator, all scenarios (pp of improvement; points for NPS; log = 100 x log-ratio error)",
            _text(indicator_table(res)),
            "",
            "adjusted estimator by volume of the campaign x indicator (numerator events per advisor-month)",
            _text(volume_table(res)),
            "",
            "adopters_vs_team under a true gap of 0 (plain = adopters vs team after training; adjusted = gap minus gap before)",
            _text(adopters_table(res)),
            "",
            "adopters_vs_team, all-campaigns rows per indicator, adopters_already_better",
            _text(adopters_indicator_table(res)),
            "",
            "targets (adjusted): |bias| <= 1 pp, coverage 93-97%, false-positive rate <= 6%",
            *targets(res),
        ]
    if timing:
        parts += ["", timing["text"]]
    return "\n".join(parts)


# =========================================================================================
# Main
# =========================================================================================
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=12, help="seeds per scenario (default 12: 48 runs)")
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated (default: all four)")
    ap.add_argument("--size", type=float, default=1.0, help="generator size (default 1.0: ~300 advisors)")
    ap.add_argument("--months", type=int, default=24, help="months of data (default 24)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--out", default=None, help="write every campaign row with its truth to this CSV")
    ap.add_argument("--load", default=None, help="skip the simulation: summarise a CSV written by --out")
    ap.add_argument("--tmp", default=None, help="parent folder of the temporary landing folders")
    ap.add_argument("--training-date", choices=("programme", "any"), default="programme",
                    help="advisors' training date: the treatment programme's (default) or the first of any"
                         " programme, onboarding included (as marts.dim_advisors.trained_on)")
    args = ap.parse_args(argv)

    if args.load:
        res = pd.read_csv(args.load)
        print(report(res))
        return 0

    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    jobs = max(1, args.jobs)
    threads = max(1, (os.cpu_count() or 1) // jobs)
    tasks = [(sc, seed, args.size, args.months, threads, args.tmp, args.training_date) for seed in seeds for sc in scenarios]
    print(f"{len(tasks)} runs ({len(scenarios)} scenarios x {args.seeds} seeds), size {args.size}, "
          f"{args.months} months, {jobs} job(s) x {threads} DuckDB thread(s), training date: {args.training_date}", flush=True)
    t_start = time.perf_counter()
    rows, timings = [], []
    if jobs == 1:
        results = (_worker(t) for t in tasks)
    else:
        import multiprocessing as mp

        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn"))
        results = (f.result() for f in as_completed([pool.submit(_worker, t) for t in tasks]))
    if args.out:
        Path(args.out).unlink(missing_ok=True)
    failed = 0
    for k, (task, (r, tm)) in enumerate(results, 1):
        if "error" in tm:
            failed += 1
            print(f"[{k}/{len(tasks)}] {task[0]} seed {task[1]}: FAILED {tm['error']}\n{tm['trace']}", flush=True)
            continue
        rows += r
        timings.append(tm)
        if args.out and r:  # written as runs finish: a partial file can be summarised with --load
            pd.DataFrame(r, columns=list(COLUMNS)).to_csv(args.out, mode="a", header=not Path(args.out).exists(), index=False)
        el = time.perf_counter() - t_start
        print(f"[{k}/{len(tasks)}] {task[0]} seed {task[1]}: generate {tm['generate']:.1f}s, panel {tm['panel']:.1f}s,"
              f" analyses {tm['analyses']:.1f}s; elapsed {el:.0f}s, ~{el / k * (len(tasks) - k):.0f}s left", flush=True)
    if jobs > 1:
        pool.shutdown()
    wall = time.perf_counter() - t_start
    if not timings:
        print(f"every run failed ({failed})")
        return 1
    res = pd.DataFrame(rows, columns=list(COLUMNS))
    tm = pd.DataFrame(timings).mean()
    text = (f"runtime {wall / 60:.1f} min for {len(tasks)} runs ({jobs} job(s)); mean per run: generate {tm['generate']:.1f}s,"
            f" reference panel {tm['panel']:.1f}s, analyses {tm['analyses']:.1f}s" + (f"; {failed} FAILED" if failed else ""))
    print()
    print(report(res, {"text": text}))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
