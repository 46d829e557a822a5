"""Shared steps of the render tests that are not fixtures themselves."""

from __future__ import annotations

import moderngl
import numpy as np

from core.landmarks.face_landmarks import FaceLandmarks


def drawn_style_renderer(gl: moderngl.Context, portrait: tuple[np.ndarray, FaceLandmarks]):
    """Yield a DrawnStyleRenderer of ``portrait`` (image, face) at its own size; release it after."""
    from core.render.drawn_style import DrawnStyleRenderer

    image, face = portrait
    renderer = DrawnStyleRenderer(gl, image, face, (image.shape[1], image.shape[0]))
    yield renderer
    renderer.release()
