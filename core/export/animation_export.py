"""Write a generated ``Animation`` as mp4, a PNG sequence, or the motion JSON."""

from __future__ import annotations

from pathlib import Path

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
    renderer: str = "warp", style: FrameStyle | None = None,
) -> Path:
    """Render (unless JSON) with ``renderer`` (warp | neural | auto | drawn, see core.pipeline.rendered_frames)
    in ``style`` (mouth set, background: an mp4 of a transparent portrait gets the default one)
    and write atomically; Cancelled leaves nothing at ``out``."""
    if fmt not in FORMATS:
        raise OutputError(f"Unknown output format '{fmt}'; use one of {', '.join(FORMATS)}.")
    progress = progress or Progress()
    width_height = None if fmt == "json" else output_size(animation.setup, size)
    _check_parent(out, estimated_bytes(fmt, len(animation.motion), width_height))
    if fmt == "json":
        return write_motion_json(out, motion_data(animation.motion),
                                 lambda done, total: progress.step("Writing motion JSON", done, total))
    style = (style or FrameStyle()).for_export(animation, fmt)
    frames = rendered_frames(animation.setup, animation.motion, width_height, renderer=renderer, style=style)
    total = len(animation.motion)

    def report(done: int, _total: int) -> None:
        progress.step("Rendering frames", done, total)

    if fmt == "png":
        from core.export.png_sequence import export_png_sequence

        return export_png_sequence(out, frames, total, progress=report, cancel=lambda: progress.cancelled)
    from core.export.video_export import export_video

    return export_video(
        out, frames, width_height, animation.motion.fps, animation.audio_path, total,
        progress=report, cancel=lambda: progress.cancelled,
    )


def _check_parent(out: Path, needed_bytes: int) -> None:
    """Fail before rendering when the output folder is missing or its disk too full for a rough
    estimate of the output; the atomic writers catch the rest and leave nothing."""
    parent = Path(out).absolute().parent
    if not parent.is_dir():
        raise OutputError(f"Output folder '{parent}' does not exist.")
    check_free_space(parent, needed_bytes)
