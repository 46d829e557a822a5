"""Markdown report of an evaluation run, with one openness plot per clip.

The plots are PNGs written next to the report (``<report stem>_<clip>.png``)
and linked from it, so the folder can be opened or committed as it is.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from core.errors import OutputError
from core.evaluation.evaluate import ClipResult, EvaluationResult
from core.evaluation.metrics import CLOSED_OPENNESS, LONG_PAUSE_SECONDS, ClipMetrics
from core.audio.voice_activity import VadConfig

_HEADER = (
    "| clip | method | r lag 0 | best r (lag) | M-P | M-V | D-LL % | D-VL % | D-A % | closed in silence |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)
_MEAN_HEADER = (
    "| method | r lag 0 | best r | M-P | M-V | D-LL % | D-VL % | D-A % | closed in silence |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def _num(value: float, digits: int = 3) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _best(m: ClipMetrics) -> str:
    return "—" if m.best_lag is None else f"{_num(m.best_r)} ({m.best_lag:+d})"


def _clip_rows(clip: ClipResult) -> list[str]:
    rows = []
    for method in clip.methods:
        m = method.metrics
        rows.append(
            f"| {clip.name} | {method.method} | {_num(m.r0)} | {_best(m)} | {_num(m.mp, 4)} | "
            f"{_num(m.mv, 4)} | {_num(m.dll, 2)} | {_num(m.dvl, 2)} | {_num(m.da, 2)} | "
            f"{_num(m.closed_in_silence, 2)} |"
        )
    return rows


def _mean_rows(result: EvaluationResult) -> list[str]:
    rows = []
    for method in result.methods:
        m = result.metric_means(method)
        rows.append(
            f"| {method} | {_num(m['r0'])} | {_num(m['best_r'])} | {_num(m['mp'], 4)} | "
            f"{_num(m['mv'], 4)} | {_num(m['dll'], 2)} | {_num(m['dvl'], 2)} | {_num(m['da'], 2)} | "
            f"{_num(m['closed_in_silence'], 2)} |"
        )
    return rows


def offset_table(result: EvaluationResult) -> str:
    """M-P and D-LL beside their share left once each clip's constant offset is removed."""
    rows = ["| method | M-P | M-P, offset removed | D-LL % | D-LL %, offset removed |", "|---|---|---|---|---|"]
    for method in result.methods:
        m = result.metric_means(method)
        rows.append(f"| {method} | {_num(m['mp'], 4)} | {_num(m['mp_offset_free'], 4)} | "
                    f"{_num(m['dll'], 2)} | {_num(m['dll_offset_free'], 2)} |")
    return "\n".join(rows)


def _pair(m: dict[str, float], key: str) -> str:
    return f"{_num(m[key], 2)} / {_num(m['real_' + key], 2)}"


def shape_table(result: EvaluationResult) -> str:
    """Per-method means of amplitude, width, lag, rests by pause length and bilabial
    closure, each rest / closure rate beside the real faces' own (pred / real)."""
    rows = ["| method | amplitude ratio | width r | mean abs(best lag) | closed, gaps < "
            f"{LONG_PAUSE_SECONDS:g} s | closed, pauses ≥ {LONG_PAUSE_SECONDS:g} s | closed, phrase ends | "
            "closed at /m b p/ |",
            "|---|---|---|---|---|---|---|---|"]
    for method in result.methods:
        m = result.metric_means(method)
        rows.append(f"| {method} | {_num(m['amplitude_ratio'], 2)} | {_num(m['width_r'])} | "
                    f"{_num(m['abs_best_lag'], 1)} | {_pair(m, 'closed_short_pause')} | "
                    f"{_pair(m, 'closed_long_pause')} | {_pair(m, 'closed_phrase_end')} | "
                    f"{_pair(m, 'bilabial_closed')} |")
    return "\n".join(rows)


def means_table(result: EvaluationResult) -> str:
    """The per-method means over clips as a markdown table."""
    return "\n".join([_MEAN_HEADER, *_mean_rows(result)])


def _definitions() -> list[str]:
    vad = VadConfig()
    return [
        "Openness = inner-lip gap (mean |61–67|, |62–66|, |63–65|) / mouth width |48–54|; r = "
        "Pearson correlation of predicted vs real openness (lag > 0: prediction trails). "
        "M-P / M-V: mean absolute error of mouth points normalized so the corners sit at (±1, 0), "
        "positions / velocities. "
        "D-LL / D-VL: jaw + lip distance / velocity difference as % of lip width; D-A: inner-mouth area "
        "difference as % of the clip's max real area.",
        f"Closed in silence: fraction of non-speech frames with openness < {CLOSED_OPENNESS}; speech = "
        f"energy above max(noise floor + {vad.floor_margin_db:g} dB, peak − {vad.peak_range_db:g} dB), "
        f"widened {vad.preroll} frames before and {vad.hangover} after. 30 fps throughout; a still face "
        "has no r (constant openness).",
        "Amplitude ratio: std of predicted / std of real openness per clip (1 = as lively as the real "
        "mouth). Width r: Pearson r of mouth width |48–54|. Pauses: runs of non-speech frames between "
        f"words, split at {LONG_PAUSE_SECONDS:g} s; phrase ends: the silence before the first and after "
        "the last word. Closed at /m b p/: share of the stretches where PhoneNet gives "
        "/m b p/ at least half the probability in which the lips meet (openness < "
        f"{CLOSED_OPENNESS}) within one frame.",
    ]


def _real_silence_line(result: EvaluationResult) -> str:
    values = [c.methods[0].metrics.real_closed_in_silence for c in result.clips if c.methods]
    finite = [v for v in values if math.isfinite(v)]
    mean = _num(float(np.mean(finite)), 2) if finite else "—"
    return f"Real faces are closed in {mean} of their silent frames (same threshold), for reference."


def plot_name(report_path: Path, clip_name: str) -> str:
    """File name of a clip's plot: the report stem + the clip name made file-safe."""
    return f"{report_path.stem}_{re.sub(r'[^A-Za-z0-9_.-]+', '_', clip_name)}.png"


def write_openness_plot(clip: ClipResult, path: Path) -> None:
    """Predicted vs real openness over time, speech frames shaded: our model(s) on top,
    the baselines below, each panel against the same real curve."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4.6), dpi=100)
    FigureCanvasAgg(fig)
    ours = [m for m in clip.methods if m.method.startswith("ours")]
    others = [m for m in clip.methods if not m.method.startswith("ours")]
    t = np.arange(len(clip.real_openness)) / 30.0
    real = np.where(clip.valid, clip.real_openness, np.nan)
    axes = fig.subplots(2, 1, sharex=True, sharey=True) if ours and others else [fig.add_subplot(1, 1, 1)]
    for ax, methods in zip(axes, [m for m in (ours, others) if m]):
        ax.fill_between(t, 0, 1, where=clip.speech, transform=ax.get_xaxis_transform(),
                        color="0.92", label="speech (VAD)")
        ax.plot(t, real, color="black", linewidth=2, label="real")
        for i, method in enumerate(methods):
            style = "--" if i and method.method.startswith("ours") else "-"
            ax.plot(t, method.openness, style, linewidth=1.2, label=method.method)
        ax.axhline(CLOSED_OPENNESS, color="0.5", linestyle=":", linewidth=1)
        ax.set_ylabel("openness")
        ax.legend(loc="upper right", fontsize="small", ncol=2)
    axes[0].set_title(f"{clip.name} (openness = inner-lip gap / mouth width)")
    axes[-1].set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig(path)


def write_report(result: EvaluationResult, report_path: Path) -> Path:
    """Write the markdown report and its plots; returns the report path."""
    report_path = Path(report_path)
    counts = f"Clips scored: {len(result.clips)}; skipped: {len(result.skipped)}."
    lines = ["# Lip-sync evaluation", "", counts, "", "## Means over clips", "",
             means_table(result), "", _real_silence_line(result), "",
             "## How much of the position error is a constant offset", "",
             "Each clip's mean difference per point (the portrait frame's own mouth shape, or a "
             "habitual opening) taken away; what is left is the error of the motion itself.", "",
             offset_table(result), "", "## Amplitude, mouth width, rests and bilabials", "",
             "Rates as predicted / real face (same clips, same threshold). Per-clip values: "
             "`space-studio evaluate --json`.", "",
             shape_table(result), "", "## Per clip", "", _HEADER]
    for clip in result.clips:
        lines += _clip_rows(clip)
    lines += ["", "## Plots", ""]
    try:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        for clip in result.clips:
            name = plot_name(report_path, clip.name)
            write_openness_plot(clip, report_path.parent / name)
            lines.append(f"![{clip.name}]({name})")
        if result.skipped:
            lines += ["", "## Skipped", ""] + [f"- {clip}: {reason}" for clip, reason in result.skipped]
        lines += ["", "## Definitions", "", "\n\n".join(_definitions()), ""]
        report_path.write_text("\n".join(lines), encoding="utf-8")
    except OSError as err:
        raise OutputError(f"Cannot write the evaluation report {report_path}: {err.strerror}") from err
    return report_path
