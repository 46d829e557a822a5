"""One batch row, run inside a worker process that keeps its models loaded.

``init_worker`` runs once per worker process (the pool's initializer, or lazily in a
Ray task): it limits torch to one thread per worker and memoizes the model loaders
(S2L, PhoneNet, PoseGen, emotion expressions), so each weights file is read and
checked once per process however many rows the worker runs; portraits are prepared
once per worker too (a character's many lines share one portrait).

``run_row`` never raises: a failing row comes back as a ``RowResult`` with its error,
so the other rows go on. It is resumable: each row's finished outputs are recorded
in ``OUT/.batch/NAME.json`` with a fingerprint of the row's inputs; an output whose
record matches and whose file checks out is skipped, anything else is made again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from core.batch.manifest import NEEDS_NO_PORTRAIT, BatchRow
from core.errors import SpaceStudioError

RECORD_DIR = ".batch"
RECORD_VERSION = 1
_RIG_KINDS = ("csv", "arkit", "live2d", "spine")
_held = False


@dataclass(frozen=True)
class RowJob:
    """A row and the folder its outputs go to."""

    row: BatchRow
    out_dir: Path


@dataclass(frozen=True)
class RowResult:
    """What became of one row: done, skipped (already finished) or failed."""

    row: int
    name: str
    status: str
    seconds: float
    outputs: tuple[str, ...]
    error: str = ""


def init_worker(threads: int = 1) -> None:
    """Once per process: one torch thread, model loaders memoized."""
    global _held
    if _held:
        return
    import torch

    torch.set_num_threads(threads)
    from core.audio.phone_net import PhonePosteriors
    from core.motion.emotion_expression import EmotionExpressions
    from core.motion.posegen import PoseGenerator
    from core.motion.s2l_inference import SpeechToLandmarks

    for cls in (SpeechToLandmarks, PhonePosteriors, PoseGenerator, EmotionExpressions):
        cls.load = classmethod(_memoized_while_unchanged(cls.load.__func__))
    _held = True


def _memoized_while_unchanged(load):  # noqa: ANN001, ANN202
    """``load`` remembered per call, keyed by its arguments and the size and mtime of every
    file they name (defaults included): a weights file replaced on disk is loaded, and so
    hash-checked, again instead of being served from memory."""
    import inspect

    signature, cache = inspect.signature(load), {}

    def wrapper(cls, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        bound = signature.bind(cls, *args, **kwargs)
        bound.apply_defaults()
        values = tuple(bound.arguments.values())[1:]
        key = (cls, repr(values), _stamp(*(Path(v) for v in values if isinstance(v, (str, Path)) and Path(v).is_file())))
        if key not in cache:
            cache[key] = load(cls, *args, **kwargs)
        return cache[key]

    return functools.wraps(load)(wrapper)


@functools.lru_cache(maxsize=16)
def _portrait(image: Path, landmarks: Path | None, stamp: tuple):
    from core.portrait_setup import prepare_portrait

    return prepare_portrait(image, landmarks)


def _stamp(*paths: Path | None) -> tuple:
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths if p is not None)


def fingerprint(row: BatchRow) -> str:
    """Changes whenever the row's settings or any of its input files change."""
    files = [row.audio, row.image, row.landmarks, row.transcript]
    if row.pose[0] == "from-video":
        files.append(Path(row.pose[1]))
    text = json.dumps([RECORD_VERSION, _stamp(*files), row.emotions, row.pose, row.seed], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _record_path(job: RowJob) -> Path:
    return job.out_dir / RECORD_DIR / f"{job.row.name}.json"


def _file_ok(path: Path, kind: str) -> bool:
    """A quick check that a finished output is what it claims to be."""
    if kind == "png":
        return path.is_dir() and any(path.glob("*.png"))
    if not path.is_file() or path.stat().st_size == 0:
        return False
    if kind == "mp4":
        with path.open("rb") as f:
            return f.read(8)[4:8] == b"ftyp"
    if path.suffix == ".json":
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
    return True


def finished_outputs(job: RowJob) -> set[str]:
    """The row's outputs already made from these very inputs (record + file check)."""
    try:
        record = json.loads(_record_path(job).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if record.get("fingerprint") != fingerprint(job.row):
        return set()
    return {k for k in record.get("outputs", []) if _file_ok(job.row.output_path(job.out_dir, k), k)}


def _write_record(job: RowJob, outputs: set[str]) -> None:
    from core.export.atomic_output import atomic_file

    path = _record_path(job)
    path.parent.mkdir(exist_ok=True)
    with atomic_file(path) as temp:
        temp.write_text(json.dumps({"fingerprint": fingerprint(job.row), "outputs": sorted(outputs)}))


def run_row(job: RowJob) -> RowResult:
    """Make every output of one row not already finished; never raises."""
    init_worker()
    start = time.perf_counter()
    row = job.row
    done = finished_outputs(job)
    todo = [k for k in row.outputs if k not in done]
    if not todo:
        return RowResult(row.row, row.name, "skipped", 0.0, row.outputs)
    try:
        _make_outputs(job, todo)
    except (SpaceStudioError, OSError, ValueError) as err:
        return RowResult(row.row, row.name, "failed", time.perf_counter() - start, tuple(sorted(done)), str(err))
    except Exception as err:  # noqa: BLE001 - one broken row must not stop a night's batch
        detail = traceback.format_exception_only(type(err), err)[-1].strip()
        return RowResult(row.row, row.name, "failed", time.perf_counter() - start, tuple(sorted(done)), detail)
    _write_record(job, done | set(todo))
    return RowResult(row.row, row.name, "done", time.perf_counter() - start, row.outputs)


def _options(row: BatchRow, transcript: str | None):
    from core.emotion_spec import parse_emotion_spec
    from core.pipeline import GenerationOptions
    from core.pose_source import parse_pose_args

    return GenerationOptions(seed=row.seed, pose=parse_pose_args(list(row.pose), row.seed, 1.0),
                             emotions=tuple(parse_emotion_spec(s) for s in row.emotions), transcript=transcript)


def _make_outputs(job: RowJob, todo: list[str]) -> None:
    from core.cli_commands import read_transcript
    from core.export.cue_formats import CueDocument, write_cues
    from core.export.mouth_cues import cues_for_animation, cues_for_audio, shape_set

    row = job.row
    transcript = read_transcript(row.transcript) if row.transcript else None
    animation = cues = None
    if set(todo) - NEEDS_NO_PORTRAIT:
        from core.pipeline import animate

        setup = _portrait(row.image, row.landmarks, _stamp(row.image, row.landmarks))
        animation = animate(setup, row.audio, _options(row, transcript))
    duration = animation.speech.audio.duration if animation else 0.0
    if any(k.startswith("cues") or k in _RIG_KINDS for k in todo):
        if animation:
            cues = cues_for_animation(animation)
        else:
            cues, duration = cues_for_audio(row.audio, transcript)
    for kind in todo:
        path = row.output_path(job.out_dir, kind)
        if kind.startswith("cues."):
            write_cues(path, CueDocument(cues, row.audio, duration, shape_set()), kind[5:])
        elif kind in _RIG_KINDS:
            _write_rig(animation, cues, path, kind)
        else:
            from core.export.animation_export import export_animation

            export_animation(animation, path, kind, None)


def _write_rig(animation, cues, path: Path, kind: str) -> None:
    from core.export.atomic_output import atomic_file
    from core.export.rigs.face_tracks import face_tracks
    from core.export.rigs.rig_export import rig_text

    text = rig_text(face_tracks(animation, cues), kind)
    with atomic_file(path) as temp:
        temp.write_text(text, encoding="utf-8", newline="\n")
