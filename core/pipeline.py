"""Portrait + speech → per-frame posed landmarks → rendered output.

The stages, each a small function the CLI and the studio share:

1. ``prepare_portrait`` (core.portrait_setup): pixels, landmarks, rest face.
2. ``predict_speech_motion``: audio → MFCC per frame → S2L base motion (normalized).
3. ``default_tracks``: blinks at a rate, emotion spans, pose source → ``Tracks``.
4. ``compose_motion``: base motion + tracks (+ learned emotion expressions and the
   base pose) → ``MotionFrames`` in image pixels.
5. ``export_motion``: frames rendered by the mesh warp and written as mp4, PNGs or JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core import defaults
from core.animation.compose import ComposedMotion, compose
from core.animation.composer import to_motion_frames
from core.animation.keyframes import Key
from core.animation.tracks import EMOTIONS, Tracks
from core.audio.audio_io import Audio, load_audio
from core.emotion_spec import EmotionSpan
from core.landmarks.face_landmarks import RIG_POINT_COUNT
from core.landmarks.normalized_space import NormalizedFace
from core.memory import release_free_memory
from core.motion.motion_frames import MotionFrames
from core.portrait_setup import PortraitSetup
from core.pose_source import PoseSource, absolute_pose, pose_deltas
from core.progress import Progress, ProgressCallback

if TYPE_CHECKING:
    from core.render.frame_style import FrameStyle

EMOTION_RAMP_SECONDS = 0.3  # an emotion span eases in and out over this long
COMPOSE_FRAMES = 2048  # frames composed at once (68 s at 30 fps): ~25 MB of float64 working copies

FrameProgress = Callable[[int, int], None]  # (frames done, frames in all) within one step


@dataclass(frozen=True)
class GenerationOptions:
    """Everything that shapes the motion, beyond the portrait and the audio."""

    fps: float = defaults.FPS
    blinks_per_minute: float = defaults.BLINKS_PER_MINUTE
    seed: int = 0
    pose: PoseSource = field(default_factory=PoseSource)
    emotions: tuple[EmotionSpan, ...] = ()
    model_path: Path | None = None
    transcript: str | None = None  # the line's words: phone timing by forced alignment


@dataclass(frozen=True)
class SpeechMotion:
    """The speech and what S2L made of it: base normalized landmarks T×68×2."""

    audio: Audio
    fps: float
    mfcc: np.ndarray
    base: np.ndarray

    @property
    def frames(self) -> int:
        return int(self.base.shape[0])


def predict_speech_motion(
    audio: Audio, setup: PortraitSetup, fps: float, model_path: Path | None = None,
    emotion: np.ndarray | None = None, transcript: str | None = None,
    progress: ProgressCallback | None = None,
) -> SpeechMotion:
    """Run S2L on the audio for this portrait's rest face (aligned to ``transcript`` if given);
    ``progress(stage, done, total)`` follows the work inside (features, phones, frames)."""
    from core.motion.s2l_inference import SpeechToLandmarks

    model = SpeechToLandmarks.load(model_path) if model_path else SpeechToLandmarks.load()
    base, mfcc = model.animate_speech(audio, fps, setup.rest.points68, emotion, transcript, progress=progress)
    return SpeechMotion(audio, fps, mfcc, np.asarray(base, np.float32))


def default_tracks(options: GenerationOptions, duration: float) -> Tracks:
    """Tracks for a command-line render: generated blinks, emotion spans, pose settings."""
    tracks = Tracks()
    tracks.blinks.regenerate(options.blinks_per_minute, options.seed, duration)
    for span in options.emotions:
        _key_emotion_span(tracks, span, duration)
    return tracks


def _key_emotion_span(tracks: Tracks, span: EmotionSpan, duration: float) -> None:
    """Hold ``span.intensity`` over the span, easing in and out at its ends."""
    curve = tracks.emotion.curves[span.emotion]
    start, end = span.start, min(span.end, duration) if math.isfinite(span.end) else duration
    if start <= 0.0 and end >= duration:
        curve.add(Key(0.0, span.intensity))
        return
    ramp = min(EMOTION_RAMP_SECONDS, (end - start) / 3)
    for time, value in ((start - ramp, 0.0), (start, span.intensity), (end, span.intensity), (end + ramp, 0.0)):
        if 0.0 <= time <= duration and curve.find(time) is None:
            curve.add(Key(time, value))


def emotion_displacements() -> dict[str, np.ndarray] | None:
    """The learned per-emotion expression offsets (68×2 normalized each), if shipped."""
    from core.motion.emotion_expression import EmotionExpressions

    expressions = EmotionExpressions.load()
    return {name: expressions.points68[i] for i, name in enumerate(EMOTIONS)}


def compose_motion(
    setup: PortraitSetup, speech: SpeechMotion, tracks: Tracks, base_pose: np.ndarray | None,
    progress: FrameProgress | None = None,
) -> tuple[ComposedMotion, MotionFrames]:
    """Apply every track to the speech motion and pose it into image pixels, COMPOSE_FRAMES
    at a time into float32 arrays (composing works in float64, ~6 copies of the clip)."""
    return compose_base(setup.rest, speech.base, speech.fps, tracks, base_pose, emotion_displacements(), progress)


def compose_base(
    rest: NormalizedFace, base: np.ndarray, fps: float, tracks: Tracks, base_pose: np.ndarray | None,
    displacements: dict[str, np.ndarray] | None, progress: FrameProgress | None = None,
) -> tuple[ComposedMotion, MotionFrames]:
    """``compose_motion`` for any base motion (normalized T×68×2): the export's and the studio
    preview's one composition (core.derived_motion), so both draw the same rigs."""
    frames = len(base)
    rig, pixels = np.empty((frames, RIG_POINT_COUNT, 2), np.float32), np.empty((frames, RIG_POINT_COUNT, 2), np.float32)
    pose, mouth = np.empty((frames, 7), np.float32), np.empty(frames, np.float32)
    for start in range(0, frames, COMPOSE_FRAMES):
        block = slice(start, min(frames, start + COMPOSE_FRAMES))
        part = compose(base[block], rest, tracks, displacements,
                       None if base_pose is None else base_pose[block], fps, first_frame=start)
        rig[block], pose[block], mouth[block] = part.rig, part.pose, part.mouth_open
        pixels[block] = to_motion_frames(part, rest.rig_z).rig
        if progress is not None:
            progress(block.stop, frames)
    return ComposedMotion(fps, rig, pose, mouth), MotionFrames(fps, pixels, pose[:, :6], mouth)


@dataclass(frozen=True)
class Animation:
    """A fully generated animation, ready to render or save."""

    setup: PortraitSetup
    speech: SpeechMotion
    tracks: Tracks
    composed: ComposedMotion
    motion: MotionFrames
    audio_path: Path


def animate(
    setup: PortraitSetup, audio_path: Path, options: GenerationOptions, progress: Progress | None = None
) -> Animation:
    """The whole generation: audio → S2L → tracks → pose → image-space motion."""
    progress = progress or Progress()
    progress.step("Reading audio", 0, 4)
    audio = load_audio(audio_path)
    progress.step("Predicting lip motion", 1, 4)
    speech = predict_speech_motion(audio, setup, options.fps, options.model_path, transcript=options.transcript,
                                   progress=progress.step)
    release_free_memory()  # streamed inference leaves freed blocks in the C heap
    progress.step("Generating pose", 2, 4)
    deltas = pose_deltas(options.pose, speech.mfcc, options.fps)
    base_pose = absolute_pose(setup.face.pose, deltas, speech.frames)
    progress.step("Composing tracks", 3, 4)
    tracks = default_tracks(options, audio.duration)
    composed, motion = compose_motion(setup, speech, tracks, base_pose,
                                      lambda done, total: progress.step("Composing tracks", done, total))
    release_free_memory()
    progress.step("Composing tracks", 4, 4)
    return Animation(setup, speech, tracks, composed, motion, audio_path)


def output_size(setup: PortraitSetup, longer_side: int | None) -> tuple[int, int]:
    """Output (w, h): the portrait's aspect, longer side as asked (default: as is, ≤ 2048), even."""
    from core.render.delaunay_warp import MAX_OUTPUT_SIZE

    height, width = setup.portrait.rgba.shape[:2]
    target = longer_side or min(max(width, height), MAX_OUTPUT_SIZE)
    if not 16 <= target <= MAX_OUTPUT_SIZE:
        from core.errors import OutputError

        raise OutputError(f"--size must be between 16 and {MAX_OUTPUT_SIZE} pixels, got {target}.")
    factor = target / max(width, height)
    return (max(2, round(width * factor / 2) * 2), max(2, round(height * factor / 2) * 2))


def rendered_frames(
    setup: PortraitSetup, motion: MotionFrames, size: tuple[int, int], frames: Sequence[int] | None = None,
    renderer: str = "warp", style: FrameStyle | None = None,
) -> Iterator[np.ndarray]:
    """Yield H×W×4 RGBA frames rendered headless (EGL) by ``renderer``: warp | neural | auto | drawn
    (core.render.neural_renderer: the mesh warp, or the warp refined by the learned renderer;
    core.render.drawn_style: drawn mouths and lids), in ``style`` (a mouth set; over a background: H×W×3)."""
    from core.render.frame_style import FrameStyle, open_renderer
    from core.render.gl_context import create_headless_context

    style = style or FrameStyle()
    ctx = create_headless_context()
    try:
        frame_renderer = open_renderer(ctx, setup.portrait.rgba, setup.face, size, renderer, style)
    except BaseException:
        ctx.release()
        raise
    try:
        for index in frames if frames is not None else range(len(motion)):
            yield style.frame(frame_renderer, index, motion.rig[index], float(motion.mouth_open[index]))
    finally:
        frame_renderer.release()
        ctx.release()
