"""Which renderer turns a rig into pixels: core's MeshWarpRenderer, else the unwarped portrait."""

from __future__ import annotations

import importlib

import moderngl
import numpy as np

from core.landmarks.face_landmarks import FaceLandmarks


class PassthroughRenderer:
    """Shows the portrait unchanged (used only while core.render is missing)."""

    def __init__(self, portrait_rgba: np.ndarray) -> None:
        self._rgba = portrait_rgba

    def render(self, rig: np.ndarray, mouth_open: float) -> np.ndarray:
        return self._rgba


def make_renderer(ctx: moderngl.Context, portrait_rgba: np.ndarray, rest_face: FaceLandmarks):  # noqa: ANN201
    """MeshWarpRenderer on ``ctx`` at the portrait's size when core.render has it."""
    try:
        module = importlib.import_module("core.render.delaunay_warp")
        renderer_cls = module.MeshWarpRenderer
    except (ImportError, AttributeError):
        return PassthroughRenderer(portrait_rgba)
    h, w = portrait_rgba.shape[:2]
    return renderer_cls(ctx, portrait_rgba, rest_face, (w, h))
