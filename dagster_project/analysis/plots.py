"""Forest plot: plain vs adjusted improvement per campaign (x indicator), with CIs. PNG bytes."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def forest_plot_png(
    df: pd.DataFrame,
    title: str = "Improvement after training: plain vs adjusted",
    max_rows: int = 40,
    threshold: float | None = 0.05,
) -> bytes:
    """Rows: campaign-level rows of training_impact (level = 'campaign', effect_scale =
    'relative'); any table with plain_improvement[_ci_low/_ci_high] and
    adjusted_improvement[_ci_low/_ci_high] works. Improvements are signed so that right is
    better for every indicator. Rows without a CI are drawn as points only; rows flagged
    insufficient_data are drawn hollow."""
    d = df
    if "level" in d:
        d = d[d["level"] == "campaign"]
    if "effect_scale" in d:
        d = d[d["effect_scale"] == "relative"]
    d = d.head(max_rows).reset_index(drop=True)
    n = len(d)
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.42 * max(n, 1)), dpi=100)
    if n == 0:
        ax.text(0.5, 0.5, "no campaign row to plot", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        labels = [
            " / ".join(str(v) for v in (r.get("campaign_id"), r.get("indicator")) if v is not None and v is not pd.NA)
            for r in d.to_dict("records")
        ]
        y = np.arange(n)[::-1].astype(float)

        def col(name):
            return pd.to_numeric(d[name], errors="coerce").to_numpy(dtype=float) if name in d else np.full(n, np.nan)

        insufficient = d["insufficient_data"].fillna(False).astype(bool).to_numpy() if "insufficient_data" in d else np.zeros(n, bool)
        for name, off, color, marker in (("plain", 0.15, "#888888", "s"), ("adjusted", -0.15, "#1f5fa8", "o")):
            est, lo, hi = col(f"{name}_improvement"), col(f"{name}_improvement_ci_low"), col(f"{name}_improvement_ci_high")
            has_ci = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(est)
            if has_ci.any():
                ax.errorbar(
                    est[has_ci] * 100, y[has_ci] + off,
                    xerr=[(est - lo)[has_ci] * 100, (hi - est)[has_ci] * 100],
                    fmt="none", ecolor=color, elinewidth=1.2, capsize=2,
                )
            for hollow in (False, True):
                if name == "plain":
                    if hollow:
                        continue
                    m = np.isfinite(est)
                else:
                    m = np.isfinite(est) & (insufficient == hollow)
                if m.any():
                    ax.scatter(
                        est[m] * 100, y[m] + off, marker=marker, s=28, zorder=3,
                        facecolors="white" if hollow else color, edgecolors=color,
                        label=(name if not hollow else f"{name} (insufficient data)"),
                    )
        ax.axvline(0, color="black", lw=0.8)
        if threshold is not None:
            ax.axvline(threshold * 100, color="#c0392b", lw=0.8, ls=":", label=f"+{threshold:.0%}")
        ax.set_yticks(y)
        ax.set_yticklabels(labels, fontsize=8)
        ax.set_xlabel("improvement (%) — right is better; lower-is-better indicators flipped")
        ax.legend(fontsize=7, loc="best")
        ax.grid(axis="x", alpha=0.3)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
