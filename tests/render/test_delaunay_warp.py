"""The mesh-warp renderer on a drawn face: what a viewer would notice frame by frame."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.landmarks.face_landmarks import RIG_IRIS, RIG_LOWER_LIDS, RIG_UPPER_LIDS, FaceLandmarks
from core.render.delaunay_warp import MeshWarpRenderer
from tests.drawn_face import draw_portrait


def open_jaw(rig: np.ndarray, pixels: float) -> np.ndarray:
    """Drop the lower lip and chin by ``pixels`` (jaw points fall off with distance from the chin)."""
    rig = rig.copy()
    for i in range(3, 14):
        rig[i, 1] += pixels * np.exp(-(((i - 8) / 4.0) ** 2))
    rig[[55, 56, 57, 58, 59, 65, 66, 67], 1] += pixels
    rig[[48, 54, 60, 64], 1] += 0.35 * pixels
    return rig


def close_eyes(rig: np.ndarray) -> np.ndarray:
    rig = rig.copy()
    rig[RIG_UPPER_LIDS] = rig[RIG_LOWER_LIDS]
    rig[[37, 38, 43, 44]] = rig[[41, 40, 47, 46]]
    return rig


def iris_mask(frame: np.ndarray, face: FaceLandmarks) -> np.ndarray:
    """Iris-blue pixels inside the two eye boxes (the sky elsewhere is blue too)."""
    r, g, b = (frame[..., k].astype(int) for k in range(3))
    blue = (b - r > 70) & (b > 120) & (g < 170)
    boxes = np.zeros(blue.shape, bool)
    for eye in (slice(36, 42), slice(42, 48)):
        (x0, y0), (x1, y1) = face.points68[eye, :2].min(0), face.points68[eye, :2].max(0)
        boxes[int(y0) - 4 : int(y1) + 5, int(x0) - 2 : int(x1) + 3] = True
    return blue & boxes


def inner_lip_mask(rig: np.ndarray, shape: tuple[int, int], shrink: float = 0.8) -> np.ndarray:
    """Pixels well inside the inner-lip polygon (shrunk toward its centre)."""
    poly = rig[60:68]
    poly = poly.mean(0) + shrink * (poly - poly.mean(0))
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1)
    return mask.astype(bool)


def test_rest_rig_reproduces_the_portrait(renderer, drawn):
    image, face = drawn
    frame = renderer.render(face.rig_points())
    diff = np.abs(frame.astype(int) - image.astype(int))
    assert frame.shape == image.shape
    assert diff.mean() < 0.5
    assert np.percentile(diff, 99.9) <= 8


def test_open_jaw_shows_a_dark_mouth(renderer, drawn):
    _, face = drawn
    rig = open_jaw(face.rig_points(), 20)
    frame = renderer.render(rig)
    inside = inner_lip_mask(rig, frame.shape[:2])
    assert inside.sum() > 100
    cavity = frame[inside][:, :3].astype(float)
    # The back of the mouth is dark red-brown, far darker than the drawn lip line ...
    assert np.percentile(cavity.mean(1), 25) < 40
    assert (cavity[:, 0] >= cavity[:, 2]).mean() > 0.8
    # ... and the lip pink is never stretched into the gap.
    pink = (cavity[:, 0] > 170) & (cavity[:, 1] < 150)
    assert pink.mean() < 0.05
    closed = renderer.render(face.rig_points())
    assert frame[inside][:, :3].mean() < closed[inside][:, :3].mean() - 60


def test_open_mouth_shows_upper_teeth(renderer, drawn):
    _, face = drawn
    rig = open_jaw(face.rig_points(), 22)
    frame = renderer.render(rig, mouth_open=1.0)
    inside = inner_lip_mask(rig, frame.shape[:2], shrink=0.9)
    bright = frame[inside][:, :3].min(1) > 180
    assert bright.sum() > 15


def test_closed_lids_cover_the_iris(renderer, drawn):
    _, face = drawn
    open_eyes = iris_mask(renderer.render(face.rig_points()), face).sum()
    closed = iris_mask(renderer.render(close_eyes(face.rig_points())), face).sum()
    assert open_eyes > 100
    assert closed < 0.03 * open_eyes


def test_moving_the_iris_points_moves_the_iris(renderer, drawn):
    _, face = drawn
    rig = face.rig_points()
    looking = rig.copy()
    looking[RIG_IRIS, 0] += 3.0
    before = np.argwhere(iris_mask(renderer.render(rig), face))[:, 1].mean()
    after = np.argwhere(iris_mask(renderer.render(looking), face))[:, 1].mean()
    # The iris disc moves; skin-side iris pixels stretch, so the centroid lags a little.
    assert 1.2 < after - before < 4.0


def turned(rig: np.ndarray, degrees: float, shift: tuple[float, float]) -> np.ndarray:
    """The rig rotated in the image plane about the face centre, then shifted (pixels)."""
    centre = rig[:68].mean(0)
    angle = np.radians(degrees)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return (rig - centre) @ rotation.T + centre + np.array(shift)


def test_big_head_motion_leaves_no_holes(renderer, drawn):
    _, face = drawn
    moved = turned(face.rig_points(), 15, (40.0, 25.0))
    frame = renderer.render(moved)
    assert (frame[..., 3] == 255).all()
    assert not (frame[..., :3].max(-1) < 15).any()


def test_moderate_head_motion_folds_no_triangle(renderer, drawn):
    _, face = drawn
    moved = turned(face.rig_points(), 8, (20.0, 12.0))
    positions = renderer.mesh.positions(moved)
    assert (renderer.mesh.signed_areas(positions) >= -1e-3).all()


def test_transparent_background_stays_transparent(ctx):
    image, face = draw_portrait(192, transparent_background=True)
    warp = MeshWarpRenderer(ctx, image, face, (192, 192))
    frame = warp.render(open_jaw(face.rig_points(), 12))
    warp.release()
    assert frame[2, 2, 3] == 0 and frame[2, -3, 3] == 0
    nose = face.points68[30, :2].round().astype(int)
    assert frame[nose[1], nose[0], 3] == 255
    assert frame[..., 3].mean() == pytest.approx(image[..., 3].mean(), abs=3)


def test_larger_output_is_the_upright_portrait_scaled(ctx, drawn):
    image, face = drawn
    warp = MeshWarpRenderer(ctx, image, face, (512, 512))
    frame = warp.render(face.rig_points())
    warp.release()
    small = cv2.resize(frame, (256, 256), interpolation=cv2.INTER_AREA)
    assert np.abs(small.astype(int) - image.astype(int)).mean() < 2.0


def test_render_to_a_framebuffer_matches_render(ctx, renderer, drawn):
    _, face = drawn
    rig = open_jaw(face.rig_points(), 10)
    target = ctx.simple_framebuffer((256, 256), components=4)
    renderer.render_to(target, rig)
    on_screen = np.frombuffer(target.read(components=4), np.uint8).reshape(256, 256, 4)
    offscreen = renderer.render(rig)  # also rebinds the renderer's own framebuffer
    target.release()
    # A window shows GL rows bottom-up: flipped, it is the same frame.
    assert np.abs(on_screen[::-1].astype(int) - offscreen.astype(int)).max() <= 1


def test_bad_inputs_are_rejected(ctx, drawn):
    image, face = drawn
    with pytest.raises(ValueError, match="output size"):
        MeshWarpRenderer(ctx, image, face, (4096, 256))
    with pytest.raises(ValueError, match="RGBA"):
        MeshWarpRenderer(ctx, image[..., :3], face, (256, 256))


def test_black_and_white_portrait_gets_a_grey_mouth(ctx, drawn):
    image, face = drawn
    grey = image.copy()
    grey[..., :3] = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY)[..., None]
    warp = MeshWarpRenderer(ctx, grey, face, (grey.shape[1], grey.shape[0]))
    try:
        rig = open_jaw(face.rig_points(), 20)
        cavity = warp.render(rig)[inner_lip_mask(rig, grey.shape[:2])][:, :3].astype(int)
    finally:
        warp.release()
    assert len(cavity) > 100
    assert np.abs(cavity[:, 0] - cavity[:, 2]).max() <= 3  # no red in a black-and-white mouth
    assert np.percentile(cavity.mean(1), 25) < 40  # still dark inside
