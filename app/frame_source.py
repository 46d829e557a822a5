"""Which renderer turns a rig into pixels: core's MeshWarpRenderer, else the unwarped portrait."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import moderngl
import numpy as np

from core.landmarks.face_landmarks import FaceLandmarks

if TYPE_CHECKING:
    from core.render.frame_style import FrameStyle


class PassthroughRenderer:
    """Shows the portrait unchanged (used only while core.render is missing)."""

    def __init__(self, portrait_rgba: np.ndarray) -> None:
        self._rgba = portrait_rgba

    def render(self, rig: np.ndarray, mouth_open: float) -> np.ndarray:
        return self._rgba


def make_renderer(ctx: moderngl.Context, portrait_rgba: np.ndarray, rest_face: FaceLandmarks,  # noqa: ANN201
                  renderer: str = "warp", style: FrameStyle | None = None):
    """MeshWarpRenderer on ``ctx`` at the portrait's size when core.render has it; ``renderer``
    auto | neural picks the learned renderer for photos (core.render.neural_renderer; auto falls
    back to the warp for drawings or when its weights are missing); drawn (or a ``style`` with a
    mouth set) the drawn style (core.render.frame_style.open_renderer, as the command line)."""
    try:
        module = importlib.import_module("core.render.delaunay_warp")
        renderer_cls = module.MeshWarpRenderer
    except (ImportError, AttributeError):
        return PassthroughRenderer(portrait_rgba)
    h, w = portrait_rgba.shape[:2]
    if renderer == "drawn" or (style is not None and style.mouth_set is not None):
        from core.render.frame_style import FrameStyle, open_renderer

        return open_renderer(ctx, portrait_rgba, rest_face, (w, h), "drawn", style or FrameStyle())
    if renderer != "warp":
        from core.render.neural_renderer import create_renderer

        return create_renderer(ctx, portrait_rgba, rest_face, (w, h), renderer)
    return renderer_cls(ctx, portrait_rgba, rest_face, (w, h))
