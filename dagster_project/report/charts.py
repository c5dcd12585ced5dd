"""The report's charts, as PNG bytes (matplotlib, no network, labels in the report's language)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .labels import fmt_number, t  # noqa: E402

PLAIN = "#8a8a8a"
ADJUSTED = "#1f5fa8"
SIGNAL = "#c0392b"
LINE_COLORS = ["#1f5fa8", "#d35400", "#27ae60", "#8e44ad"]
DPI = 110


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return buf.getvalue()


def _num(d: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(d[col], errors="coerce").to_numpy(dtype=float) if col in d else np.full(len(d), np.nan)


def _pct_axis(ax, lang: str, axis: str = "x") -> None:
    f = FuncFormatter(lambda v, _: fmt_number(v, lang, 0, signed=True) + ("\u00a0%" if lang == "fr" else "%"))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(f)


def _wrap(label: str, width: int = 34) -> str:
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width)
    return label[:cut] + "\n" + label[cut + 1:] if cut > 0 else label


def forest_png(rows: pd.DataFrame, labels: dict[str, str], primary: set[str], lang: str, title: str,
               threshold: float | None = 0.05, plain_col: str = "plain_improvement",
               adjusted_col: str = "adjusted_improvement", plain_label: str | None = None) -> bytes:
    """Plain (grey square) and adjusted (blue circle, CI bar) improvement per indicator, in %.
    Primary indicators first, in bold with a star; hollow = insufficient data."""
    d = rows.copy()
    d["_primary"] = d["indicator"].isin(primary)
    d["_label"] = d["indicator"].map(labels).fillna(d["indicator"]).str.lower()
    d = d.sort_values(["_primary", "_label"], ascending=[False, True]).reset_index(drop=True)
    n = len(d)
    fig, ax = plt.subplots(figsize=(7.2, 0.9 + 0.34 * max(n, 1)))
    if n == 0:
        ax.text(0.5, 0.5, t("empty", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(title, fontsize=10, loc="left")
        return _png(fig)
    y = np.arange(n)[::-1].astype(float)
    plain = _num(d, plain_col) * 100
    adj, lo, hi = (_num(d, c) * 100 for c in (adjusted_col, f"{adjusted_col}_ci_low", f"{adjusted_col}_ci_high"))
    insufficient = d["insufficient_data"].fillna(False).astype(bool).to_numpy() if "insufficient_data" in d else np.zeros(n, bool)
    ci = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(adj)
    if ci.any():
        ax.errorbar(adj[ci], y[ci] - 0.13, xerr=[(adj - lo)[ci], (hi - adj)[ci]], fmt="none", ecolor=ADJUSTED, elinewidth=1.3, capsize=2.5)
    m = np.isfinite(plain)
    if m.any():
        ax.scatter(plain[m], y[m] + 0.13, marker="s", s=26, color=PLAIN, zorder=3, label=plain_label or t("plain_short", lang))
    for hollow in (False, True):
        m = np.isfinite(adj) & (insufficient == hollow)
        if m.any():
            ax.scatter(adj[m], y[m] - 0.13, marker="o", s=30, zorder=3, facecolors="white" if hollow else ADJUSTED,
                       edgecolors=ADJUSTED, label=t("adjusted_short", lang) + (f" ({t('insufficient', lang)})" if hollow else ""))
    ax.axvline(0, color="black", lw=0.8)
    if threshold is not None:
        ax.axvline(threshold * 100, color=SIGNAL, lw=0.8, ls=":")
    ax.set_yticks(y)
    names = [("★ " if p else "") + _wrap(labels.get(c, c)) for c, p in zip(d["indicator"], d["_primary"])]
    ax.set_yticklabels(names, fontsize=8)
    for tick, p in zip(ax.get_yticklabels(), d["_primary"]):
        if p:
            tick.set_fontweight("bold")
    ax.set_ylim(-0.7, n - 0.3)
    _pct_axis(ax, lang, "x")
    ax.set_xlabel(t("x_improvement", lang), fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    return _png(fig)


def event_study_png(rows: pd.DataFrame, codes: list[str], labels: dict[str, str], lang: str, title: str) -> bytes:
    """One line per indicator: adjusted improvement by month since training (band = CI),
    plain dashed; reference months shaded."""
    fig, ax = plt.subplots(figsize=(7.2, 3.3))
    drawn = 0
    points: list[np.ndarray] = []
    for i, code in enumerate(codes):
        d = rows[(rows["indicator"] == code)].sort_values("relative_month")
        if "effect_scale" in d:
            d = d[d["effect_scale"] == "relative"]
        if d.empty:
            continue
        x = _num(d, "relative_month")
        color = LINE_COLORS[i % len(LINE_COLORS)]
        adj, lo, hi = (_num(d, c) * 100 for c in ("adjusted_improvement", "adjusted_improvement_ci_low", "adjusted_improvement_ci_high"))
        ax.plot(x, adj, color=color, lw=1.8, marker="o", ms=3, label=labels.get(code, code))
        band = np.isfinite(lo) & np.isfinite(hi)
        if band.any():
            ax.fill_between(x, np.where(band, lo, np.nan), np.where(band, hi, np.nan), color=color, alpha=0.13, lw=0)
        plain = _num(d, "plain_improvement") * 100
        ax.plot(x, plain, color=color, lw=1.1, ls="--", alpha=0.8)
        points += [adj, plain]
        if drawn == 0 and "in_reference_window" in d:
            ref = x[d["in_reference_window"].fillna(False).astype(bool).to_numpy()]
            if len(ref):
                ax.axvspan(ref.min() - 0.5, ref.max() + 0.5, color="#f2f2f2", zorder=0)
        drawn += 1
    if not drawn:
        ax.text(0.5, 0.5, t("empty", lang), ha="center", va="center", transform=ax.transAxes)
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(0, color="#555555", lw=0.8, ls=":")
    est = np.concatenate(points) if points else np.array([])
    est = est[np.isfinite(est)]
    if len(est):  # the estimates set the scale; a very wide CI band is cut at the frame
        lo, hi = min(est.min(), 0.0), max(est.max(), 0.0)
        span = max(hi - lo, 5.0)
        ax.set_ylim(lo - 0.6 * span, hi + 0.6 * span)
    _pct_axis(ax, lang, "y")
    ax.set_xlabel(t("x_month_since", lang), fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    if drawn:
        ax.legend(fontsize=7, loc="upper left", framealpha=0.9)
    ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    return _png(fig)


def _value_axis(ax, unit: str | None, lang: str) -> None:
    if unit == "share":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v * 100, lang, 1) + ("\u00a0%" if lang == "fr" else "%")))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v, lang, 2)))


def control_chart_png(rows: pd.DataFrame, codes: list[str], labels: dict[str, str], units: dict[str, str], lang: str, title: str) -> bytes:
    """Stacked panels, one per indicator: weekly values (dots), EWMA (line), limits (band),
    centre line, first training (dotted vertical), out-of-control EWMA points (red)."""
    codes = [c for c in codes if (rows["indicator"] == c).any()]
    n = max(len(codes), 1)
    fig, axes = plt.subplots(n, 1, figsize=(7.2, 0.5 + 2.2 * n), sharex=True, squeeze=False)
    if not codes:
        axes[0, 0].text(0.5, 0.5, t("empty", lang), ha="center", va="center", transform=axes[0, 0].transAxes)
        axes[0, 0].set_axis_off()
    for ax, code in zip(axes[:, 0], codes):
        d = rows[rows["indicator"] == code].sort_values("week_start")
        x = pd.to_datetime(d["week_start"]).to_numpy()
        value, ewma, lo, hi, centre = (_num(d, c) for c in ("value", "ewma", "lower_limit", "upper_limit", "centre_line"))
        ax.fill_between(x, lo, hi, color="#e3e3e3", lw=0, step=None, label=t("limits", lang))
        ax.scatter(x, value, s=7, color=PLAIN, alpha=0.7, label=t("value", lang), zorder=2)
        ax.plot(x, ewma, color=ADJUSTED, lw=1.5, label=t("ewma", lang), zorder=3)
        ax.plot(x, centre, color="black", lw=0.7, ls="--", label=t("centre", lang))
        out = d["out_of_control"].fillna(False).astype(bool).to_numpy()
        if out.any():
            ax.scatter(x[out], ewma[out], s=16, color=SIGNAL, zorder=4)
        first = d["first_training_on"].dropna()
        if len(first):
            ax.axvline(pd.Timestamp(first.iloc[0]), color="#555555", lw=0.9, ls=":")
            ax.text(pd.Timestamp(first.iloc[0]), 1.0, " " + t("first_training", lang), transform=ax.get_xaxis_transform(),
                    fontsize=7, va="top", color="#555555")
        # keep the y range on the EWMA and limits: a few extreme weekly values must not squash the chart
        core = np.concatenate([ewma[np.isfinite(ewma)], lo[np.isfinite(lo)], hi[np.isfinite(hi)]])
        vals = value[np.isfinite(value)]
        if len(core) and len(vals):
            qlo, qhi = np.quantile(vals, [0.02, 0.98])
            ymin, ymax = min(core.min(), qlo), max(core.max(), qhi)
            pad = 0.08 * (ymax - ymin or abs(ymax) or 1)
            ax.set_ylim(ymin - pad, ymax + pad)
        _value_axis(ax, units.get(code), lang)
        ax.set_title(labels.get(code, code), fontsize=9, loc="left")
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.25)
    axes[0, 0].legend(fontsize=6.5, loc="lower left", ncol=4, framealpha=0.9)
    axes[-1, 0].xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    fig.suptitle(title, fontsize=10, x=0.01, ha="left")
    fig.tight_layout()
    return _png(fig)
