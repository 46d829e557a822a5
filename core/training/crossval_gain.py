"""The cross-validation of S2L with a mouth gain (core.motion.mouth_gain) fitted out of fold.

``python -m core.training.crossval_gain OUT`` (or ``space-studio train s2l-crossval …
--calibrate-gain``) takes the fold models of a finished cross-validation in OUT, whose
``crossval.json`` scored every clip with the model that never saw its person, and
gives each fold model the gain that brings the mean openness amplitude ratio of the
*other* folds' clips to 1. A fold's own people never enter its gain: their real mouths
are neither trained on nor used to fit it. The calibrated fold models go to OUT/gain/
and are scored there through the product path (report.md, crossval.json, gains.json,
which also holds ``all_clips``: the gain for weights trained on everyone, fitted on every clip).
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import torch

from core.errors import SpaceStudioError
from core.evaluation.crossval import clip_key, speaker_folds, talking_clips
from core.evaluation.evaluate import EvaluationResult
from core.export.atomic_output import atomic_file, write_text_atomic
from core.motion.mouth_gain import gain_for_ratios
from core.weights_file import verify_sha256, write_sha256_sidecar

WEIGHTS = "s2l_small.pt"


def fold_gains(scores: dict, folds: int, clips: Sequence[str]) -> dict[int, float]:
    """Fold index → the gain fitted on the amplitude ratios of "ours" on every other fold's
    clips (``scores``: a crossval.json; ``clips``: the keys the folds were cut from)."""
    ratios = _amplitude_ratios(scores)
    gains = {}
    for fold in speaker_folds(folds, list(clips)):
        own = {clip_key(p) for p in fold.test}
        gains[fold.index] = gain_for_ratios([r for clip, r in ratios.items() if clip not in own])
    return gains


def all_clips_gain(scores: dict) -> float:
    """The gain for weights trained on everyone (``train_s2l --all-speakers --mouth-gain``):
    fitted on every clip of the cross-validation, each scored by a model that never saw its person."""
    return gain_for_ratios(list(_amplitude_ratios(scores).values()))


def _amplitude_ratios(scores: dict) -> dict[str, float]:
    """Clip → amplitude ratio of "ours" in a crossval.json (clips without one left out)."""
    return {row["clip"]: row["amplitude_ratio"] for row in scores["methods"]["ours"]["clips"]
            if row["amplitude_ratio"] is not None}


def with_mouth_gain(source: Path, target: Path, gain: float) -> str:
    """Copy S2L weights (checked) with ``mouth_gain`` set, and the metrics.json beside them;
    returns the new sha256."""
    verify_sha256(source, "S2L weights")
    checkpoint = torch.load(source, map_location="cpu", weights_only=True)
    checkpoint["mouth_gain"] = float(gain)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(target) as temp:
        torch.save(checkpoint, temp)
    record = source.with_name("metrics.json")
    if record.is_file():
        shutil.copyfile(record, target.with_name("metrics.json"))
    return write_sha256_sidecar(target)


def calibrate(out: Path, data: Path, folds: int = 4) -> EvaluationResult:
    """Fit each fold's gain out of fold from ``out``/crossval.json, write the calibrated
    fold models to ``out``/gain and score them there; returns the merged result."""
    from core.training.crossval_s2l import CrossValConfig, run

    scores_path = out / "crossval.json"
    if not scores_path.is_file():
        raise SpaceStudioError(f"No cross-validation scores at {scores_path}: run space-studio train s2l-crossval first")
    present = [clip_key(p) for p in talking_clips(data / "talking")]
    scores = json.loads(scores_path.read_text(encoding="utf-8"))
    gains = fold_gains(scores, folds, present)
    calibrated = out / "gain"
    for index, gain in gains.items():
        with_mouth_gain(out / f"fold{index}" / WEIGHTS, calibrated / f"fold{index}" / WEIGHTS, gain)
    record = {**{f"fold{i}": g for i, g in gains.items()}, "all_clips": all_clips_gain(scores)}
    write_text_atomic(calibrated / "gains.json", json.dumps(record, indent=1))
    return run(replace(CrossValConfig(), data=data, out=calibrated, folds=folds), retrain=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a finished cross-validation (fold models and crossval.json)")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--folds", type=int, default=4)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    result = calibrate(args.out, args.data, args.folds)
    print(result.table())
    print(f"report: {args.out / 'gain' / 'report.md'}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
