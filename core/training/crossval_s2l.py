"""Leave-speakers-out cross-validation of S2L.

``python -m core.training.crossval_s2l --data ../shared/data --out build/s2l_crossval --folds 4``
(every fold trains the shipped recipe: MFCCs + PhoneNet posteriors + APC codes, room-reverb and
speed-perturbed copies, 400 steps, look-ahead 8)

The talking clips are split into folds of whole people (core.evaluation.crossval);
for each fold a model is trained on everyone else and scored, through the same
path the product uses (``space-studio evaluate``), only on that fold's people.
Every clip is therefore scored exactly once, by a model that never saw its
speaker, and the merged report covers the whole dev set (``report.md``, and
``crossval.json`` with the rows of ``space-studio evaluate --json``).

Every clip is prepared (augmented, heard through PhoneNet and APC) once and each
fold cuts its split from that pool (core.training.crossval_pool).
``--fractions 1 0.5 0.25 --curve-folds 0 1`` also trains fold models on half and a
quarter of their training video, for the learning curve
(``python -m core.training.crossval_curve OUT`` tabulates and plots it).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from core.audio.apc import DEFAULT_WEIGHTS as APC_WEIGHTS
from core.audio.phone_net import DEFAULT_WEIGHTS as PHONE_WEIGHTS
from core.evaluation.crossval import Fold, clip_key, speaker_folds, talking_clips
from core.evaluation.evaluate import EvaluationResult, run_evaluation, write_json
from core.export.atomic_output import write_text_atomic
from core.evaluation.report import write_report
from core.motion.s2l_inference import training_videos
from core.motion.speech2landmarks import S2LConfig
from core.training.crossval_pool import ClipPool, build_pool, fold_split, training_minutes
from core.training.train_s2l import TrainConfig, add_apc_options, add_recipe_options, apc_width, train


@dataclass(frozen=True)
class CrossValConfig:
    """Where the data is, where fold models and the report go, and how each fold trains."""

    data: Path = Path("../shared/data")
    out: Path = Path("build/s2l_crossval")
    folds: int = 4
    steps: int = TrainConfig.max_steps
    lookahead: int = 8
    phone_net: Path | None = PHONE_WEIGHTS  # PhoneNet weights S2L listens through; None: MFCCs only
    openness_weight: float = TrainConfig.openness_weight
    amplitude_weight: float = TrainConfig.amplitude_weight
    seed: int = TrainConfig.seed
    apc: Path | None = APC_WEIGHTS  # APC weights S2L also listens through; None: none
    reverb_times: tuple[float, ...] = TrainConfig.reverb_times
    tempo_speeds: tuple[float, ...] = TrainConfig.tempo_speeds
    measured_offsets: bool = TrainConfig.measured_offsets


def fold_train_config(config: CrossValConfig, fold: Fold) -> TrainConfig:
    """The training run of one fold: everyone but the fold's people."""
    model = S2LConfig(conv_layers=max(8, config.lookahead + 4), symmetric_layers=config.lookahead,
                      lookahead=config.lookahead, phone_features=config.phone_net is not None,
                      apc_features=apc_width(config.apc))
    return TrainConfig(data=config.data, out=config.out / f"fold{fold.index}", max_steps=config.steps,
                       validation_speakers=fold.test_speakers, model=model, phone_net=config.phone_net, apc=config.apc,
                       openness_weight=config.openness_weight, amplitude_weight=config.amplitude_weight,
                       seed=config.seed, reverb_times=config.reverb_times,
                       tempo_speeds=config.tempo_speeds, measured_offsets=config.measured_offsets)


def base_train_config(config: CrossValConfig) -> TrainConfig:
    """The recipe every fold trains (its own people and output folder set by fold_train_config)."""
    return fold_train_config(config, Fold(-1, (), (), ()))


def run(config: CrossValConfig, retrain: bool = True, fraction: float = 1.0,
        only_folds: Sequence[int] | None = None, pool: ClipPool | None = None) -> EvaluationResult:
    """Train every fold (``retrain=False``: reuse the fold models already in ``out``), score it
    on its own people, write ``out/report.md`` and ``out/crossval.json``; returns the merged result.

    ``fraction`` < 1 trains each fold model on that share of its training video (whole clips,
    seeded), for the learning curve; ``only_folds`` runs a subset of the folds; ``pool``: every
    clip already prepared (core.training.crossval_pool), shared between runs."""
    merged = EvaluationResult()
    talking = config.data / "talking"
    minutes: dict[int, float] = {}
    present = [clip_key(p) for p in talking_clips(talking)]  # a partial copy of the data set works too
    for fold in speaker_folds(config.folds, present):
        if only_folds is not None and fold.index not in only_folds:
            continue
        print(f"fold {fold.index}: held out {', '.join(fold.test_speakers)}", flush=True)
        fold_config = fold_train_config(config, fold)
        if retrain:
            pool = pool or build_pool(base_train_config(config))
            split = fold_split(pool, fold.test_speakers, fraction, config.seed + fold.index)
            minutes[fold.index] = training_minutes(split)
            print(f"fold {fold.index}: {training_minutes(split):.2f} min of training video", flush=True)
            train(fold_config, split=split)
        weights = fold_config.out / "s2l_small.pt"
        result = run_evaluation([talking / key for key in fold.test], model_path=weights,
                                trained_on=training_videos(weights))
        merged.clips.extend(result.clips)
        merged.skipped.extend(result.skipped)
    write_report(merged, config.out / "report.md")
    write_json(merged, config.out / "crossval.json")
    if minutes:
        write_text_atomic(config.out / "training_minutes.json", json.dumps(minutes, indent=1))
    return merged


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=CrossValConfig.data)
    parser.add_argument("--out", type=Path, default=CrossValConfig.out)
    parser.add_argument("--folds", type=int, default=CrossValConfig.folds)
    parser.add_argument("--steps", type=int, default=CrossValConfig.steps)
    parser.add_argument("--lookahead", type=int, default=CrossValConfig.lookahead)
    parser.add_argument("--phones", type=Path, default=PHONE_WEIGHTS, metavar="PHONE_NET_PT",
                        help="every fold listens through this PhoneNet (default: the shipped one)")
    parser.add_argument("--no-phones", dest="phones", action="store_const", const=None,
                        help="MFCCs only")
    add_apc_options(parser)
    add_recipe_options(parser)
    parser.add_argument("--calibrate-gain", action="store_true",
                        help="then give each fold model the mouth gain fitted on the other folds' clips and "
                             "score those in --out/gain (core.training.crossval_gain)")
    parser.add_argument("--score-only", action="store_true",
                        help="re-score the fold models already in --out (no training) and rewrite the report")
    parser.add_argument("--fractions", type=float, nargs="+", default=[1.0], metavar="SHARE",
                        help="also train fold models on these shares of their training video (learning curve; "
                             "1: the cross-validation itself, in --out; a share s < 1 goes to --out/fraction_<s>)")
    parser.add_argument("--curve-folds", type=int, nargs="*", default=None, metavar="FOLD",
                        help="folds the shares < 1 use (default: all)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    config = CrossValConfig(args.data, args.out, args.folds, args.steps, args.lookahead, args.phones,
                            args.openness_weight, args.seed, args.apc, tuple(args.reverb), tuple(args.tempo),
                            args.measured_offsets, amplitude_weight=args.amplitude_weight)
    pool = None if args.score_only else build_pool(base_train_config(config))
    for fraction in args.fractions:
        out = config.out if fraction >= 1 else config.out / f"fraction_{fraction:g}"
        result = run(replace(config, out=out), retrain=not args.score_only, fraction=fraction,
                     only_folds=None if fraction >= 1 else args.curve_folds, pool=pool)
        print(result.table())
        print(f"report: {out / 'report.md'}", flush=True)
    if args.calibrate_gain:
        from core.training.crossval_gain import calibrate

        print(calibrate(config.out, config.data, config.folds).table())
        print(f"report: {config.out / 'gain' / 'report.md'}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
