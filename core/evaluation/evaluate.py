"""Score motion predictors against real talking videos.

For each clip: the first valid frame's normalized face is the portrait, the
clip's audio is the speech; every predictor (still face, audio-energy jaw,
our S2L model when weights are given, any extra callable) predicts the motion,
which is compared per frame at 30 fps with the landmarks our detector finds in
the real frames (metrics in core.evaluation.metrics).

Entry point for ``space-studio evaluate``: ``run_evaluation``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Collection, Mapping, Sequence

import numpy as np

from core.errors import Cancelled, SpaceStudioError
from core.evaluation.baselines import cue_predictor, energy_jaw, phone_visemes, still_face
from core.evaluation.clip_source import (
    EVAL_FPS,
    ClipData,
    TrackLoader,
    default_track_loader,
    load_clip,
)
from core.evaluation.crossval import speaker_of
from core.evaluation.metrics import ClipMetrics, clip_metrics, mouth_openness
from core.evaluation.predictor import PredictionInput, Predictor
from core.progress import Progress, ProgressCallback
from core.timebase import fit_length

VIDEO_SUFFIXES = {".mp4", ".mpg", ".mpeg", ".mov", ".avi", ".mkv", ".webm", ".m4v"}
BASELINES: dict[str, Predictor] = {"still": still_face, "energy jaw": energy_jaw}


@dataclass(frozen=True)
class MethodResult:
    """One predictor on one clip: its metrics and its openness curve."""

    method: str
    metrics: ClipMetrics
    openness: np.ndarray  # T


@dataclass(frozen=True)
class ClipResult:
    """Every predictor on one clip, with the real openness and speech mask."""

    name: str
    real_openness: np.ndarray  # T
    valid: np.ndarray  # T bool
    speech: np.ndarray  # T bool
    methods: tuple[MethodResult, ...]


@dataclass
class EvaluationResult:
    """All clips of one run, the clips that could not be scored, the report path."""

    clips: list[ClipResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (clip, reason)
    report_path: Path | None = None

    @property
    def methods(self) -> list[str]:
        """Method names in the order they were run."""
        return [m.method for m in self.clips[0].methods] if self.clips else []

    def metric_means(self, method: str) -> dict[str, float]:
        """Mean of each metric over the clips (NaNs, e.g. a still face's r, skipped),
        plus ``abs_best_lag``, the mean |best lag| in frames."""
        rows = [m.metrics for c in self.clips for m in c.methods if m.method == method]
        names = [n for n in ClipMetrics.__dataclass_fields__ if n != "best_lag"]
        means = {n: _nanmean([getattr(r, n) for r in rows]) for n in names}
        means["abs_best_lag"] = _nanmean([abs(r.best_lag) if r.best_lag is not None else np.nan for r in rows])
        return means

    def to_json(self) -> dict:
        """Means and per-clip rows of every method (``space-studio evaluate --json``)."""
        return {"clips_scored": len(self.clips),
                "skipped": [{"clip": clip, "reason": reason} for clip, reason in self.skipped],
                "methods": {method: {"means": _json_numbers(self.metric_means(method)),
                                     "clips": [{"clip": c.name, **_json_numbers(asdict(m.metrics))}
                                               for c in self.clips for m in c.methods if m.method == method]}
                            for method in self.methods}}

    def table(self) -> str:
        """The per-method means as a markdown table (what the CLI prints)."""
        from core.evaluation.report import means_table

        return means_table(self)


def _json_numbers(values: dict) -> dict:
    """NaN is not JSON: undefined scores (a still face's r) become null."""
    return {k: None if isinstance(v, float) and not np.isfinite(v) else v for k, v in values.items()}


def _nanmean(values: list[float]) -> float:
    array = np.asarray(values, np.float64)
    return float(np.nanmean(array)) if np.isfinite(array).any() else float("nan")


def expand_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Videos named directly plus every video inside the named folders (sorted)."""
    videos: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            videos += sorted(p for p in path.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES)
        elif path.is_file():
            videos.append(path)
        else:
            raise SpaceStudioError(f"Video or folder not found: {path}")
    if not videos:
        raise SpaceStudioError("No videos to evaluate in: " + ", ".join(map(str, paths)))
    return videos


def s2l_predictor(model, rest_in_pauses: bool = True) -> Predictor:
    """A loaded SpeechToLandmarks as a predictor, exactly as the product runs it
    (``rest_in_pauses=False``: without the rest-in-silence gate, to show what it costs)."""
    from core.audio.audio_io import Audio

    def predict(inputs: PredictionInput) -> np.ndarray:
        audio = Audio(inputs.samples, inputs.sample_rate)
        motion, _ = model.animate_speech(audio, inputs.fps, inputs.face0, rest_in_pauses=rest_in_pauses)
        return fit_length(motion, inputs.n_frames)

    return predict


def _prediction(name: str, predictor: Predictor, inputs: PredictionInput) -> np.ndarray:
    """Run one predictor and check it returned n_frames×68×2."""
    pred = np.asarray(predictor(inputs), np.float64)
    if pred.ndim != 3 or pred.shape[1:] != (68, 2) or len(pred) < inputs.n_frames:
        raise SpaceStudioError(
            f"Predictor '{name}' returned shape {pred.shape}, expected ({inputs.n_frames}, 68, 2)"
        )
    return pred[: inputs.n_frames]


BilabialFrames = Callable[[PredictionInput], np.ndarray]  # → T bools: /m b p/ heard


def evaluate_clip(clip: ClipData, predictors: Mapping[str, Predictor],
                  bilabial_frames: BilabialFrames | None = None) -> ClipResult:
    """Run every predictor on one clip and score it against the real track
    (``bilabial_frames`` adds the closure rate at /m b p/)."""
    inputs = PredictionInput(clip.samples, clip.sample_rate, EVAL_FPS, clip.n_frames, clip.face0())
    bilabial = None if bilabial_frames is None else bilabial_frames(inputs)
    methods = []
    for name, predictor in predictors.items():
        pred = _prediction(name, predictor, inputs)
        metrics = clip_metrics(pred, clip.real, clip.speech, clip.valid, bilabial, EVAL_FPS)
        methods.append(MethodResult(name, metrics, mouth_openness(pred)))
    return ClipResult(clip.name, mouth_openness(clip.real), clip.valid, clip.speech, tuple(methods))


def _phone_posteriors():
    """The shipped PhoneNet, or None when its weights are not installed."""
    from core.audio.phone_net import DEFAULT_WEIGHTS, PhonePosteriors

    return PhonePosteriors.load() if DEFAULT_WEIGHTS.is_file() else None


def phonenet_bilabials(posteriors) -> BilabialFrames:
    """Frames where PhoneNet gives /m b p/ together at least half the probability,
    heard on the loudness-normalized line as the product hears it (no transcript)."""
    from core.audio.audio_io import Audio
    from core.audio.features import mfcc_per_frame
    from core.audio.loudness import loudness_gain
    from core.audio.phone_net import PHONES
    from core.motion.lip_closure import BILABIALS

    columns = [PHONES.index(p) for p in BILABIALS]

    def frames(inputs: PredictionInput) -> np.ndarray:
        audio = Audio(inputs.samples, inputs.sample_rate)
        mfcc = fit_length(mfcc_per_frame(audio, inputs.fps, loudness_gain(audio)), inputs.n_frames)
        return posteriors(mfcc)[:, columns].sum(axis=1) >= 0.5

    return frames


def _predictors(model_path: Path | None, extra: Mapping[str, Predictor] | None,
                posteriors=None) -> dict[str, Predictor]:
    predictors = dict(BASELINES)
    if posteriors is not None:
        predictors["phone visemes"] = lambda inputs: phone_visemes(inputs, posteriors=posteriors)
    if model_path is not None:
        from core.motion.s2l_inference import SpeechToLandmarks

        model = SpeechToLandmarks.load(Path(model_path))
        predictors["ours"] = s2l_predictor(model)
        predictors["ours, no rest in pauses"] = s2l_predictor(model, rest_in_pauses=False)
        predictors["cues"] = cue_predictor(model)
    predictors.update(extra or {})
    return predictors


def _unseen(videos: list[Path], trained_on: Collection[str | Path], result: EvaluationResult) -> list[Path]:
    """The videos whose person the model was not trained on; the rest go to skipped."""
    seen = {speaker_of(clip) for clip in trained_on}
    for video in videos:
        if speaker_of(video) in seen:
            reason = f"person '{speaker_of(video)}' is in the model's training set"
            result.skipped.append((str(video), reason))
    return [v for v in videos if speaker_of(v) not in seen]


def run_evaluation(
    paths: Sequence[str | Path],
    model_path: Path | None = None,
    report_path: Path | None = None,
    json_path: Path | None = None,
    progress: Progress | ProgressCallback | None = None,
    extra_predictors: Mapping[str, Predictor] | None = None,
    track_loader: TrackLoader | None = None,
    trained_on: Collection[str | Path] = (),
) -> EvaluationResult:
    """Evaluate every video in ``paths``; write a markdown report if asked.

    ``progress`` is a core.progress.Progress or its (stage, done, total) callback.

    ``trained_on`` lists the clips (paths or crossval keys) the model learnt
    from: every clip of those *people* is skipped, for all methods alike, so
    the model is never scored on a person it has seen and every method is
    averaged over the same clips. Clips where no face or no audio is found
    are listed in ``skipped`` too; if no clip is left, the first reason is raised.
    """
    result = EvaluationResult()
    videos = _unseen(expand_paths(paths), trained_on, result)
    posteriors = _phone_posteriors()
    predictors = _predictors(model_path, extra_predictors, posteriors)
    bilabials = None if posteriors is None else phonenet_bilabials(posteriors)
    loader = track_loader or default_track_loader()
    step = progress.step if isinstance(progress, Progress) else progress
    for done, video in enumerate(videos):
        if step is not None:
            step("Evaluating clips", done, len(videos))
        try:
            result.clips.append(evaluate_clip(load_clip(video, loader), predictors, bilabials))
        except Cancelled:
            raise
        except SpaceStudioError as err:
            result.skipped.append((str(video), str(err)))
    if step is not None:
        step("Evaluating clips", len(videos), len(videos))
    if not result.clips:
        reason = result.skipped[0][1] if result.skipped else "no videos"
        raise SpaceStudioError(f"No clip could be evaluated: {reason}")
    if report_path is not None:
        from core.evaluation.report import write_report

        result.report_path = write_report(result, Path(report_path))
    if json_path is not None:
        write_json(result, Path(json_path))
    return result


def write_json(result: EvaluationResult, path: Path) -> Path:
    """``result.to_json()`` written atomically to ``path``."""
    import json

    from core.errors import OutputError
    from core.export.atomic_output import atomic_file

    try:
        with atomic_file(path) as temp:
            temp.write_text(json.dumps(result.to_json(), indent=1), encoding="utf-8")
    except OSError as err:
        raise OutputError(f"Cannot write the evaluation scores {path}: {err.strerror or err}") from err
    return path
