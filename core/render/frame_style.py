"""What frames look like beyond the renderer's choice: a sprite mouth set, a background.

``FrameStyle`` travels from the command line (``--mouth-set DIR``, ``--background``) to
``core.pipeline.rendered_frames``: ``open_renderer`` makes the frame renderer for a
resolved ``--renderer`` choice (``drawn`` → ``DrawnStyleRenderer``, with the mouth set
if there is one; the rest → ``neural_renderer.create_renderer``) and ``frame`` renders
one frame, with its cue-track mouth shape and flattened over the background when asked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import moderngl
import numpy as np

from core.landmarks.face_landmarks import FaceLandmarks
from core.render.background import Background, flatten, parse_background, premultiplied
from core.render.sprite_mouths import MouthSet, load_mouth_set


@dataclass(frozen=True)
class FrameStyle:
    """A mouth set (drawn style with sprites), a background for transparent portraits, and
    the shape letter per frame (the cue track) when a mouth set is used."""

    mouth_set: MouthSet | None = None
    background: Background | None = None
    frame_shapes: tuple[str, ...] | None = None

    @staticmethod
    def from_options(mouth_set: Path | None = None, background: str | None = None) -> FrameStyle:
        """Checked now, before any long work: a bad folder or colour fails with one line."""
        return FrameStyle(load_mouth_set(mouth_set) if mouth_set is not None else None,
                          parse_background(background) if background is not None else None)

    def for_export(self, animation, fmt: str) -> FrameStyle:  # noqa: ANN001 - core.pipeline.Animation (cycle)
        """Filled in for one export: the cue track for a mouth set; for mp4, the default
        background behind a transparent portrait (mp4 has no alpha)."""
        style = self
        if fmt == "mp4" and style.background is None and animation.setup.portrait.has_alpha:
            style = replace(style, background=Background())
        if style.mouth_set is not None and style.frame_shapes is None:
            style = replace(style, frame_shapes=cue_track_shapes(animation))
        return style

    def frame(self, renderer, index: int, rig: np.ndarray, mouth_open: float) -> np.ndarray:  # noqa: ANN001
        """Frame ``index`` rendered by ``renderer`` (from ``open_renderer``) in this style."""
        from core.render.drawn_style import INTRO_FRAMES, DrawnStyleRenderer

        if isinstance(renderer, DrawnStyleRenderer):
            shape = self.frame_shapes[index] if self.frame_shapes is not None else None
            frame = renderer.render(rig, mouth_open, shape, intro=index / INTRO_FRAMES)
        else:
            frame = renderer.render(rig, mouth_open)
        if self.background is None:
            return frame
        return flatten(frame, self.background.plate((frame.shape[1], frame.shape[0])))


def cue_track_shapes(animation) -> tuple[str, ...]:  # noqa: ANN001 - core.pipeline.Animation
    """The mouth-shape letter of every frame, from the animation's cue track (core.export.mouth_cues)
    with the user's edits of the studio's mouth-shape lane pasted in (core.animation.mouth_shapes)."""
    from core.animation.mouth_shapes import effective_cues
    from core.export.mouth_cues import cue_at, cues_for_animation

    frames = len(animation.motion)
    cues = effective_cues(animation, cues_for_animation(animation))
    if not cues:
        return ("X",) * frames
    return tuple(cue_at(cues, (np.arange(frames) + 0.5) / animation.motion.fps))


def open_renderer(ctx: moderngl.Context, portrait_rgba: np.ndarray, face: FaceLandmarks, size: tuple[int, int],
                  renderer: str, style: FrameStyle):  # noqa: ANN201 - MeshWarpRenderer-like
    """The frame renderer for ``renderer`` (warp | neural | auto | drawn) in ``style``."""
    portrait = premultiplied(portrait_rgba) if style.background is not None else portrait_rgba
    if renderer == "drawn" or style.mouth_set is not None:
        from core.render.drawn_style import DrawnStyleRenderer

        return DrawnStyleRenderer(ctx, portrait, face, size, style.mouth_set)
    from core.render.neural_renderer import create_renderer

    return create_renderer(ctx, portrait, face, size, renderer)
