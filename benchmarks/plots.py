"""PNG plots of benchmark results (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

VARIANT_COLORS = {
    "raw": "#555555",
    "sqlite-w1": "#1f77b4",
    "sqlite-w2": "#6baed6",
    "pg-w1": "#2ca02c",
    "pg-w2": "#98df8a",
}
WORKLOAD_ORDER = ("messages", "stream", "count_tokens")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def load_plots(summary: list[dict[str, Any]], directory: Path, stamp: str) -> list[Path]:
    """Throughput per variant (grouped by workload and connections) and latency distributions."""
    if not summary:
        return []
    plt = _pyplot()
    directory.mkdir(exist_ok=True)
    written = []
    order = {name: index for index, name in enumerate(WORKLOAD_ORDER)}
    cells = sorted({(s["workload"], s["connections"]) for s in summary}, key=lambda c: (order.get(c[0], 9), c[1]))
    variants = [v for v in VARIANT_COLORS if any(s["variant"] == v for s in summary)]
    by_key = {(s["variant"], s["workload"], s["connections"]): s for s in summary}

    fig, ax = plt.subplots(figsize=(max(8, 1.6 * len(cells)), 5))
    width = 0.8 / max(1, len(variants))
    for index, variant in enumerate(variants):
        xs, ys = [], []
        for cell_index, (workload, conns) in enumerate(cells):
            row = by_key.get((variant, workload, conns))
            if row is not None:
                xs.append(cell_index + index * width)
                ys.append(row["rps"])
        bars = ax.bar(xs, ys, width, label=variant, color=VARIANT_COLORS.get(variant))
        for bar, (workload, conns) in zip(bars, [c for c in cells if (variant, *c) in by_key], strict=False):
            ratio = by_key[(variant, workload, conns)]["ratio_to_raw"]
            if ratio is not None and variant != "raw":
                ax.annotate(f"{ratio:.2f}x", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                            ha="center", va="bottom", fontsize=7)  # fmt: skip
    ax.set_xticks([i + width * (len(variants) - 1) / 2 for i in range(len(cells))])
    ax.set_xticklabels([f"{w}\nc={c}" for w, c in cells])
    ax.set_ylabel("requests/s (median of rounds)")
    ax.set_title("Throughput per server variant (labels: ratio to the raw ASGI reference)")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    path = directory / f"load-{stamp}-throughput.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    written.append(path)

    workloads = sorted({s["workload"] for s in summary}, key=lambda w: order.get(w, 9))
    top = max(s["connections"] for s in summary)
    fig, axes = plt.subplots(1, len(workloads), figsize=(5 * len(workloads), 4.2), squeeze=False)
    for ax, workload in zip(axes[0], workloads, strict=True):
        for variant in variants:
            row = by_key.get((variant, workload, top))
            if row is None:
                continue
            points = sorted((float(p), ms) for p, ms in row["percentiles_ms"].items())
            ax.plot([100 / (100 - p) for p, _ in points], [ms for _, ms in points], marker="o",
                    label=variant, color=VARIANT_COLORS.get(variant))  # fmt: skip
        ax.set_xscale("log")
        ticks = [2, 4, 10, 20, 100, 1000, 10000]
        ax.set_xticks(ticks)
        ax.set_xticklabels(["p50", "p75", "p90", "p95", "p99", "p99.9", "p99.99"])
        ax.set_ylabel("latency ms")
        ax.set_title(f"{workload}, {top} connections")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    path = directory / f"load-{stamp}-latency.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    written.append(path)
    return written


def soak_plot(
    series: dict[str, list[tuple[float, float]]], directory: Path, stamp: str, baseline_at: float = 60.0
) -> Path:
    """Resident memory (MiB) of each server over time."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, points in series.items():
        ax.plot([t for t, _ in points], [mib for _, mib in points], label=name, color=VARIANT_COLORS.get(name))
    ax.axvline(baseline_at, color="#999999", linestyle="--", linewidth=1, label="baseline")
    ax.set_xlabel("seconds under load")
    ax.set_ylabel("RSS of all server processes, MiB")
    ax.set_title("Resident memory during the long run")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    directory.mkdir(exist_ok=True)
    path = directory / f"soak-{stamp}-rss.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def timing_plot(rows: list[dict[str, Any]], directory: Path, stamp: str) -> Path:
    """Measured TTFT and tokens/s against the profile, per server and concurrency."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    servers = sorted({r["server"] for r in rows})
    for server in servers:
        points = sorted((r["concurrency"], r) for r in rows if r["server"] == server and r["streams"])
        xs = [c for c, _ in points]
        left.plot(
            xs, [r["ttft_mean_ms"] for _, r in points], marker="o", label=server, color=VARIANT_COLORS.get(server)
        )
        right.plot(xs, [r["tps_mean"] for _, r in points], marker="o", label=server, color=VARIANT_COLORS.get(server))
    if rows:
        left.axhline(rows[0]["profile"]["ttft_ms"], color="#999999", linestyle="--", label="profile")
        if rows[0]["profile"]["tokens_per_second"]:
            right.axhline(rows[0]["profile"]["tokens_per_second"], color="#999999", linestyle="--", label="profile")
    for ax, label in ((left, "mean TTFT ms"), (right, "mean output tokens/s")):
        ax.set_xscale("log")
        ax.set_xlabel("concurrent paced streams")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    directory.mkdir(exist_ok=True)
    path = directory / f"timing-{stamp}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
