"""What a finished S2L cross-validation says beyond its means: the learning curve and the
clips whose sound is off the picture.

``python -m core.training.crossval_curve build/s2l_crossval`` reads the ``crossval.json``
(``space-studio evaluate --json`` rows) of the cross-validation in that folder and of its
``fraction_*`` runs (``--fractions``), and writes ``learning_curve.md`` (plus
``learning_curve.png`` when matplotlib is installed) and ``av_offsets.md`` beside them.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.export.atomic_output import write_text_atomic

LAG_METHODS = ("energy jaw", "phone visemes", "ours")  # predictors that hear the sound
MIN_OFFSET_LAG = 2  # frames (67 ms at 30 fps): every method's best lag at least this far, one side


@dataclass(frozen=True)
class CurvePoint:
    """One share of the training video: minutes per fold model and ours' means on its clips."""

    fraction: float
    folds: int
    minutes: float
    clips: int
    r0: float
    best_r: float
    phone_visemes_r0: float


def load_run(folder: Path) -> dict:
    """The crossval.json of one run."""
    return json.loads((folder / "crossval.json").read_text(encoding="utf-8"))


def clip_rows(run: dict, method: str) -> dict[str, dict]:
    """clip name → its row of ``method``."""
    return {row["clip"]: row for row in run["methods"][method]["clips"]}


def mean_over(rows: dict[str, dict], clips: set[str], key: str) -> float:
    """Mean of ``key`` over ``clips`` (undefined values skipped)."""
    values = [rows[c][key] for c in clips if c in rows and rows[c][key] is not None]
    return float(np.mean(values)) if values else float("nan")


def curve(folder: Path) -> list[CurvePoint]:
    """Every run in ``folder`` (the full one and each fraction_*), scored on the clips that
    all of them scored, so each point averages the same people."""
    runs = {1.0: folder} | {float(p.name.split("_", 1)[1]): p for p in folder.glob("fraction_*")
                            if (p / "crossval.json").is_file()}
    loaded = {f: load_run(p) for f, p in runs.items()}
    common = set.intersection(*(set(clip_rows(r, "ours")) for r in loaded.values()))
    minutes = {f: json.loads((p / "training_minutes.json").read_text(encoding="utf-8")) for f, p in runs.items()}
    folds = set.intersection(*(set(m) for m in minutes.values()))  # the folds of those clips
    points = []
    for fraction, run in sorted(loaded.items()):
        per_fold = [minutes[fraction][f] for f in sorted(folds)]
        ours, visemes = clip_rows(run, "ours"), clip_rows(run, "phone visemes")
        points.append(CurvePoint(fraction, len(folds), float(np.mean(per_fold)), len(common),
                                 mean_over(ours, common, "r0"), mean_over(ours, common, "best_r"),
                                 mean_over(visemes, common, "r0")))
    return points


def curve_table(points: list[CurvePoint]) -> str:
    """The learning curve as a markdown table."""
    rows = ["| share of each fold's training video | folds | minutes per fold model | clips scored | r0 ours "
            "| best r ours | r0 phone visemes |", "|---|---|---|---|---|---|---|"]
    rows += [f"| {p.fraction:.0%} | {p.folds} | {p.minutes:.2f} | {p.clips} | {p.r0:.3f} | {p.best_r:.3f} "
             f"| {p.phone_visemes_r0:.3f} |" for p in points]
    return "\n".join(rows)


def write_curve_plot(points: list[CurvePoint], path: Path) -> Path | None:
    """r0 against minutes of training video as a PNG (None without matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(5, 3.5), dpi=100)
    ax.plot([p.minutes for p in points], [p.r0 for p in points], "o-", label="ours (S2L), r lag 0")
    ax.plot([p.minutes for p in points], [p.phone_visemes_r0 for p in points], "s--", label="phone visemes")
    ax.axhline(0.55, color="grey", linestyle=":", label="bar 0.55")
    ax.set_xlabel("minutes of training video per fold model")
    ax.set_ylabel("mouth-openness r at lag 0")
    ax.set_title("S2L learning curve (leave speakers out)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def offset_clips(run: dict, min_lag: int = MIN_OFFSET_LAG) -> list[tuple[str, dict[str, int]]]:
    """Clips whose best lag is at least ``min_lag`` frames, on the same side, for every method
    that hears the sound: the recording's own sound/picture offset, not any model's delay."""
    lags = {m: {row["clip"]: row["best_lag"] for row in run["methods"][m]["clips"]}
            for m in LAG_METHODS if m in run["methods"]}
    found = []
    for clip in lags["ours"]:
        per = {m: lags[m].get(clip) for m in lags}
        if any(v is None for v in per.values()):
            continue
        if all(v >= min_lag for v in per.values()) or all(v <= -min_lag for v in per.values()):
            found.append((clip, per))
    return found


def offsets_table(run: dict) -> str:
    """The offset clips as a markdown table (best lag in frames of 30 fps per method)."""
    rows = [f"| clip | {' | '.join(LAG_METHODS)} |", "|---|" + "---|" * len(LAG_METHODS)]
    rows += [f"| {clip} | {' | '.join(str(per[m]) for m in LAG_METHODS)} |" for clip, per in offset_clips(run)]
    return "\n".join(rows)


def write_summaries(folder: Path) -> None:
    """learning_curve.md (+ .png) and av_offsets.md in ``folder``."""
    points = curve(folder)
    plot = write_curve_plot(points, folder / "learning_curve.png")
    write_text_atomic(folder / "learning_curve.md", "\n".join([
        "# S2L learning curve", "", curve_table(points), "",
        f"Plot: {plot.name}" if plot else "(matplotlib not installed: no plot)", ""]))
    write_text_atomic(folder / "av_offsets.md", "\n".join([
        "# Clips whose sound is off the picture", "",
        f"Best lag (frames at 30 fps, as `evaluate` defines it: prediction frame t against real frame t − lag) of every method that hears "
        f"the sound, for clips where all of them agree on at least {MIN_OFFSET_LAG} frames on one side.", "",
        offsets_table(load_run(folder)), ""]))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m core.training.crossval_curve CROSSVAL_DIR")
    write_summaries(Path(sys.argv[1]))
