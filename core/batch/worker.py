"""One batch row, run inside a worker process that keeps its models loaded.

``init_worker`` runs once per worker process (the pool's initializer, or lazily in a
Ray task): it holds torch, OpenCV and the software GL rasterizer (llvmpipe) to the
worker's CPUs (``RowJob.threads``, the CPUs a Ray task asked for; one, see
core.batch.runner.THREADS_PER_WORKER), so N workers never fight over the same cores; ffmpeg's
encoder picks its own threads as in ``render``. It also memoizes the model
loaders (S2L, PhoneNet, PoseGen, emotion expressions, the neural renderer), so each
weights file is read and checked once per process however many rows the worker runs.
Portraits are prepared once per worker, keyed by the files' contents (a character's
many lines share one portrait), and the GL context and frame renderers stay open
across rows (core.batch.render_state).

``run_row`` never raises: a failing row comes back as a ``RowResult`` with its error,
so the other rows go on. It is resumable: each row's finished outputs are recorded
in ``OUT/.batch/NAME.json`` with a fingerprint of the row's inputs; an output whose
record matches and whose file checks out is skipped, anything else is made again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from core.batch.manifest import NEEDS_NO_PORTRAIT, BatchRow
from core.errors import SpaceStudioError

RECORD_DIR = ".batch"
RECORD_VERSION = 2  # 2: mp4 / png drawn by the row's renderer (auto, as `render`), no longer always the warp
_RIG_KINDS = ("csv", "arkit", "live2d", "spine")
_held = False


@dataclass(frozen=True)
class RowJob:
    """A row and the folder its outputs go to."""

    row: BatchRow
    out_dir: Path
    threads: int = 1  # the CPUs this row's worker may use
    model: Path | None = None  # S2L weights (None: the shipped ones)


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
    """Once per process: ``threads`` for torch, OpenCV and llvmpipe; model loaders memoized."""
    global _held
    if _held:
        return
    threads = max(1, int(threads))
    # llvmpipe reads this when the worker's GL context is made (after this, never before); 0 = it
    # rasterizes on the calling thread, which for one thread saves the hand-off (~1 ms a frame)
    os.environ["LP_NUM_THREADS"] = "0" if threads == 1 else str(threads)
    import cv2
    import torch

    torch.set_num_threads(threads)
    cv2.setNumThreads(threads)
    from core.audio.phone_net import PhonePosteriors
    from core.motion.emotion_expression import EmotionExpressions
    from core.motion.posegen import PoseGenerator
    from core.motion.s2l_inference import SpeechToLandmarks
    from core.render.neural_renderer import RefineModel

    for cls in (SpeechToLandmarks, PhonePosteriors, PoseGenerator, EmotionExpressions):
        cls.load = classmethod(_memoized_while_unchanged(cls.load.__func__))
    RefineModel.load = staticmethod(_memoized_while_unchanged(RefineModel.load, bound=False,
                                                              companions=RefineModel.companion_files))
    _held = True


def _memoized_while_unchanged(load, bound: bool = True, companions=None):  # noqa: ANN001, ANN202
    """``load`` remembered per call, keyed by its arguments and the size and mtime of every
    file they name (defaults included): a weights file replaced on disk is loaded, and so
    hash-checked, again instead of being served from memory. ``bound``: a classmethod's
    function (first argument the class) rather than a staticmethod's. ``companions(path)``:
    the files ``load`` also reads beside a named one (the renderer's optional stages), stamped too."""
    import inspect

    signature, cache = inspect.signature(load), {}

    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        arguments = signature.bind(*args, **kwargs)
        arguments.apply_defaults()
        values = tuple(arguments.arguments.values())[1 if bound else 0:]
        owner = args[0] if bound else None
        named = [Path(v) for v in values if isinstance(v, (str, Path)) and Path(v).is_file()]
        beside = [p for path in (named or [None]) for p in (companions(path) if companions else ()) if p.is_file()]
        key = (owner, repr(values), _stamp(*named, *beside))
        if key not in cache:
            cache[key] = load(*args, **kwargs)
        return cache[key]

    return functools.wraps(load)(wrapper)


_setups: dict[str, object] = {}
KEEP_SETUPS = 16


def _portrait(image: Path, landmarks: Path | None) -> tuple[object, str]:
    """(PortraitSetup, its content key): prepared once per worker for equal file contents."""
    from core.batch.render_state import content_key
    from core.portrait_setup import prepare_portrait

    key = content_key(image, landmarks)
    if key not in _setups:
        if len(_setups) >= KEEP_SETUPS:
            _setups.pop(next(iter(_setups)))
        _setups[key] = prepare_portrait(image, landmarks)
    return _setups[key], key


def _stamp(*paths: Path | None) -> tuple:
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths if p is not None)


def fingerprint(row: BatchRow, model: Path | None = None) -> str:
    """Changes whenever the row's settings, any of its input files or the S2L weights change."""
    files = [row.audio, row.image, row.landmarks, row.transcript, model]
    if row.pose[0] == "from-video":
        files.append(Path(row.pose[1]))
    text = json.dumps([RECORD_VERSION, _stamp(*files), row.emotions, row.pose, row.seed, row.renderer], default=str)
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
    if record.get("fingerprint") != fingerprint(job.row, job.model):
        return set()
    return {k for k in record.get("outputs", []) if _file_ok(job.row.output_path(job.out_dir, k), k)}


def _write_record(job: RowJob, outputs: set[str]) -> None:
    from core.export.atomic_output import atomic_file

    path = _record_path(job)
    path.parent.mkdir(exist_ok=True)
    with atomic_file(path) as temp:
        temp.write_text(json.dumps({"fingerprint": fingerprint(job.row, job.model), "outputs": sorted(outputs)}))


def run_row(job: RowJob) -> RowResult:
    """Make every output of one row not already finished; never raises."""
    init_worker(job.threads)
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


def _options(row: BatchRow, transcript: str | None, model: Path | None):
    from core.emotion_spec import parse_emotion_spec
    from core.pipeline import GenerationOptions
    from core.pose_source import parse_pose_args

    return GenerationOptions(seed=row.seed, pose=parse_pose_args(list(row.pose), row.seed, 1.0),
                             emotions=tuple(parse_emotion_spec(s) for s in row.emotions), transcript=transcript,
                             model_path=model)


def _make_outputs(job: RowJob, todo: list[str]) -> None:
    from core.cli_commands import read_transcript
    from core.export.cue_formats import CueDocument, write_cues
    from core.export.mouth_cues import cues_for_animation, cues_for_audio, shape_set

    row = job.row
    transcript = read_transcript(row.transcript) if row.transcript else None
    animation = cues = None
    portrait_key = ""
    if set(todo) - NEEDS_NO_PORTRAIT:
        from core.pipeline import animate

        setup, portrait_key = _portrait(row.image, row.landmarks)
        animation = animate(setup, row.audio, _options(row, transcript, job.model))
    duration = animation.speech.audio.duration if animation else 0.0
    if any(k.startswith("cues") or k in _RIG_KINDS for k in todo):
        if animation:
            cues = cues_for_animation(animation)
        else:
            from core.motion.s2l_inference import SpeechToLandmarks

            model = SpeechToLandmarks.load(job.model) if job.model else None
            cues, duration = cues_for_audio(row.audio, transcript, model=model)
    for kind in todo:
        path = row.output_path(job.out_dir, kind)
        if kind.startswith("cues."):
            write_cues(path, CueDocument(cues, row.audio, duration, shape_set()), kind[5:])
        elif kind in _RIG_KINDS:
            _write_rig(animation, cues, path, kind)
        elif kind == "json":
            from core.export.animation_export import export_animation

            export_animation(animation, path, kind, None)
        else:
            _write_frames(animation, path, kind, row.renderer, portrait_key)


_frames_state = None


def _write_frames(animation, path: Path, kind: str, requested: str, portrait_key: str) -> None:  # noqa: ANN001
    """mp4 or png as ``space-studio render`` writes them (default size, no mouth set or
    background option), drawn with the worker's kept GL context and renderers."""
    global _frames_state
    from core.batch.render_state import WorkerRenderer
    from core.export.video_export import export_video
    from core.export.output_check import check_free_space, estimated_bytes
    from core.pipeline import output_size
    from core.render.frame_style import FrameStyle

    if _frames_state is None:
        _frames_state = WorkerRenderer()
    size = output_size(animation.setup, None)
    total = len(animation.motion)
    check_free_space(path.parent, estimated_bytes(kind, total, size))
    style = FrameStyle().for_export(animation, kind)
    renderer = _frames_state.choice(requested, animation.setup, portrait_key)
    frames = _frames_state.frames(animation, size, renderer, style, portrait_key)
    if kind == "png":
        from core.export.png_sequence import export_png_sequence

        export_png_sequence(path, frames, total)
    else:
        export_video(path, frames, size, animation.motion.fps, animation.audio_path, total)


def _write_rig(animation, cues, path: Path, kind: str) -> None:
    from core.export.atomic_output import atomic_file
    from core.export.rigs.face_tracks import face_tracks
    from core.export.rigs.rig_export import rig_text

    text = rig_text(face_tracks(animation, cues), kind)
    with atomic_file(path) as temp:
        temp.write_text(text, encoding="utf-8", newline="\n")
