"""Write a generated ``Animation`` as mp4, a PNG sequence, or the motion JSON."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.errors import OutputError
from core.export.motion_json import MotionData, write_motion_json
from core.export.output_check import check_free_space, estimated_bytes
from core.motion.motion_frames import MotionFrames
from core.pipeline import Animation, output_size, rendered_frames
from core.progress import Progress
from core.render.frame_style import FrameStyle

FORMATS = ("mp4", "png", "json")


def motion_data(motion: MotionFrames) -> MotionData:
    """The motion JSON's content (image pixels), with mouth openness as an extra."""
    return MotionData(
        fps=motion.fps,
        landmarks68=motion.landmarks68,
        iris=motion.iris,
        pose=motion.pose,
        extra={"mouth_open": motion.mouth_open.round(4).tolist()},
    )


def export_animation(
    animation: Animation, out: Path, fmt: str, size: int | None, progress: Progress | None = None,
    renderer: str = "warp", style: FrameStyle | None = None, frames: range | None = None,
) -> Path:
    """Render (unless JSON) with ``renderer`` (warp | neural | auto | drawn, see core.pipeline.rendered_frames)
    in ``style`` (mouth set, background: an mp4 of a transparent portrait gets the default one)
    and write atomically; Cancelled leaves nothing at ``out``. ``frames`` (default: all) picks a
    range of the line: PNGs are then numbered from 0 and an mp4 carries the speech under them."""
    if fmt not in FORMATS:
        raise OutputError(f"Unknown output format '{fmt}'; use one of {', '.join(FORMATS)}.")
    progress = progress or Progress()
    chosen = _frame_range(frames, len(animation.motion))
    width_height = None if fmt == "json" else output_size(animation.setup, size)
    _check_parent(out, estimated_bytes(fmt, len(chosen), width_height))
    if fmt == "json":
        return write_motion_json(out, motion_data(_motion_slice(animation.motion, chosen)),
                                 lambda done, total: progress.step("Writing motion JSON", done, total))
    style = (style or FrameStyle()).for_export(animation, fmt)
    rendered = rendered_frames(animation.setup, animation.motion, width_height, chosen, renderer=renderer, style=style)
    total = len(chosen)

    def report(done: int, _total: int) -> None:
        progress.step("Rendering frames", done, total)

    if fmt == "png":
        from core.export.png_sequence import export_png_sequence

        return export_png_sequence(out, rendered, total, progress=report, cancel=lambda: progress.cancelled)
    from core.export.video_export import export_video

    return export_video(
        out, rendered, width_height, animation.motion.fps, _sound_under(animation, chosen), total,
        progress=report, cancel=lambda: progress.cancelled,
    )


def _frame_range(frames: range | None, count: int) -> range:
    """``frames`` clipped to the line (all of it when None); an empty range is refused."""
    chosen = range(count) if frames is None else range(max(0, frames.start), min(count, frames.stop))
    if len(chosen) == 0:
        raise OutputError(f"No frames to export in {frames} (the line has {count}).")
    return chosen


def _motion_slice(motion: MotionFrames, frames: range) -> MotionFrames:
    if len(frames) == len(motion):
        return motion
    rows = slice(frames.start, frames.stop)
    return MotionFrames(motion.fps, motion.rig[rows], motion.pose[rows], motion.mouth_open[rows])


def _sound_under(animation: Animation, frames: range) -> Path | np.ndarray:
    """The speech file as given for the whole line; for a range, its 16 kHz samples under those frames."""
    from core.export.video_export import SAMPLE_RATE

    if len(frames) == len(animation.motion):
        return animation.audio_path
    audio, fps = animation.speech.audio, animation.motion.fps
    first = int(round(frames.start / fps * audio.sample_rate))
    last = int(round(frames.stop / fps * audio.sample_rate))
    samples = np.asarray(audio.samples[first:last], np.float32)
    if audio.sample_rate != SAMPLE_RATE:
        raise OutputError(f"speech at {audio.sample_rate} Hz cannot be cut; expected {SAMPLE_RATE} Hz")
    return samples


def _check_parent(out: Path, needed_bytes: int) -> None:
    """Fail before rendering when the output folder is missing or its disk too full for a rough
    estimate of the output; the atomic writers catch the rest and leave nothing."""
    parent = Path(out).absolute().parent
    if not parent.is_dir():
        raise OutputError(f"Output folder '{parent}' does not exist.")
    check_free_space(parent, needed_bytes)
