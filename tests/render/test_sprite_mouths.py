"""Sprite mouths on the drawn test portrait: swapped by shape, carried with the head."""

from __future__ import annotations

from pathlib import Path

import moderngl
import numpy as np
import pytest

from core.landmarks.face_landmarks import FaceLandmarks
from core.render.drawn_style import DrawnStyleRenderer
from core.render.sprite_mouths import load_mouth_set
from tests.drawn_face import LIP_LOWER, SKIN

SHIPPED = Path(__file__).resolve().parents[2] / "resources" / "mouth_sets" / "basic"


@pytest.fixture(scope="module")
def sprite_renderer(gl_session: moderngl.Context, drawn: tuple[np.ndarray, FaceLandmarks]):
    image, face = drawn
    renderer = DrawnStyleRenderer(gl_session, image, face, (image.shape[1], image.shape[0]), load_mouth_set(SHIPPED))
    yield renderer
    renderer.release()


def _sprite_pixels(frame: np.ndarray, rig: np.ndarray) -> np.ndarray:
    """N×2 (x, y) of pixels in the mouth's box that are far from the skin colour (the drawing)."""
    width = float(np.linalg.norm(rig[54] - rig[48]))
    ys, xs = np.mgrid[0 : frame.shape[0], 0 : frame.shape[1]]
    near = (xs > rig[48, 0] - 0.25 * width) & (xs < rig[54, 0] + 0.25 * width)
    near &= (ys > rig[51, 1] - 0.15 * width) & (ys < min(rig[57, 1] + 0.8 * width, rig[8, 1] - 4))
    unlike = np.abs(frame[..., :3].astype(int) - np.array(SKIN)).sum(-1) > 120
    return np.stack([xs[near & unlike], ys[near & unlike]], -1).astype(np.float64)


def _rotated(rig: np.ndarray, degrees: float) -> np.ndarray:
    centre = rig[27:36].mean(0)
    a = np.radians(degrees)
    rotation = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return (rig - centre) @ rotation.T + centre


def test_each_shape_shows_its_own_drawing(sprite_renderer, drawn, ctx):
    rest = drawn[1].rig_points().astype(np.float64)
    closed = _sprite_pixels(sprite_renderer.render(rest, shape="A"), rest)
    wide = _sprite_pixels(sprite_renderer.render(rest, shape="D"), rest)
    assert len(wide) > 3 * len(closed) > 0
    assert np.ptp(closed[:, 1]) < 0.5 * np.ptp(wide[:, 1])  # a line against an open mouth


def test_the_drawn_lips_are_covered_with_skin_first(sprite_renderer, drawn, ctx):
    image, face = drawn
    rest = face.rig_points().astype(np.float64)
    frame = sprite_renderer.render(rest, shape="A")
    lips = np.abs(image[..., :3].astype(int) - np.array(LIP_LOWER)).sum(-1) < 40
    assert lips.sum() > 50  # the portrait has lips there
    assert (np.abs(frame[..., :3].astype(int) - np.array(LIP_LOWER)).sum(-1) < 40).sum() == 0


def test_the_sprite_moves_and_turns_with_the_head(sprite_renderer, drawn, ctx):
    rest = drawn[1].rig_points().astype(np.float64)
    base = _sprite_pixels(sprite_renderer.render(rest, shape="X"), rest)
    moved_rig = rest + np.array([9.0, -5.0])
    moved = _sprite_pixels(sprite_renderer.render(moved_rig, shape="X"), moved_rig)
    assert np.allclose(moved.mean(0) - base.mean(0), [9.0, -5.0], atol=1.0)
    turned_rig = _rotated(rest, 12.0)
    turned = _sprite_pixels(sprite_renderer.render(turned_rig, shape="X"), turned_rig)
    centred = turned - turned.mean(0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    angle = np.degrees(np.arctan2(axes[0, 1], axes[0, 0])) % 180
    assert min(abs(angle - 12.0), abs(angle - 192.0)) < 3.0


def test_without_a_cue_track_the_shape_follows_the_lips(sprite_renderer, drawn, ctx):
    rest = drawn[1].rig_points().astype(np.float64)
    opened = rest.copy()
    opened[[55, 56, 57, 58, 59, 65, 66, 67], 1] += 0.4 * np.linalg.norm(rest[54] - rest[48])
    assert len(_sprite_pixels(sprite_renderer.render(opened), rest)) > 3 * len(
        _sprite_pixels(sprite_renderer.render(rest), rest))
