"""Closing lids: the eyelid pass covers the eye with lid skin and a lash line, and nothing streaks."""

from __future__ import annotations

import cv2
import numpy as np

from core.landmarks.face_landmarks import LID_POINTS, RIG_LOWER_LIDS, RIG_UPPER_LIDS
from core.render.delaunay_warp import MeshWarpRenderer
from core.render.eyelid_pass import measure_lid
from core.render.warp_mesh import clamp_rig
from tests.drawn_face import LINER, SKIN, draw_portrait

EYES = ((36, 39), (42, 45))


def close_lids(rig: np.ndarray, closure: float) -> np.ndarray:
    """Upper lids (interior points and iBUG 37/38, 43/44) moved ``closure`` of the way onto the lower lids."""
    rig = rig.copy()
    rig[RIG_UPPER_LIDS] += closure * (rig[RIG_LOWER_LIDS] - rig[RIG_UPPER_LIDS])
    for up, low in ((37, 41), (38, 40), (43, 47), (44, 46)):
        rig[up] += closure * (rig[low] - rig[up])
    return rig


def lid_curves(rig: np.ndarray, eye: int) -> tuple[np.ndarray, np.ndarray]:
    """Upper and lower lid, corner to corner (9×2 each)."""
    c0, c1 = rig[EYES[eye][0]], rig[EYES[eye][1]]
    upper = rig[RIG_UPPER_LIDS].reshape(2, LID_POINTS, 2)[eye]
    lower = rig[RIG_LOWER_LIDS].reshape(2, LID_POINTS, 2)[eye]
    return np.vstack([c0, upper, c1]), np.vstack([c0, lower, c1])


def eye_polygon_mask(rig: np.ndarray, shape: tuple[int, int], shrink: float = 0.85) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    for eye in (0, 1):
        upper, lower = lid_curves(rig, eye)
        poly = np.vstack([upper, lower[::-1][1:-1]])
        poly = poly.mean(0) + shrink * (poly - poly.mean(0))
        cv2.fillPoly(mask, [np.round(poly * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    return mask.astype(bool)


def column_band_mask(rig: np.ndarray, shape: tuple[int, int], top_of, bottom_of, margin: float = 0.2) -> np.ndarray:
    """Pixels of each eye between two curves given as functions of (upper, lower) → y(x); corners trimmed."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w]
    mask = np.zeros(shape, bool)
    for eye in (0, 1):
        upper, lower = lid_curves(rig, eye)
        x0, x1 = upper[0, 0], upper[-1, 0]
        cols = (xs >= x0 + margin * (x1 - x0)) & (xs <= x1 - margin * (x1 - x0))
        top = top_of(upper, lower, xs)
        bottom = bottom_of(upper, lower, xs)
        mask |= cols & (ys >= top) & (ys <= bottom)
    return mask


def y_on(curve: np.ndarray, xs: np.ndarray) -> np.ndarray:
    return np.interp(xs, curve[:, 0], curve[:, 1])


def sclera_or_iris(pixels: np.ndarray) -> np.ndarray:
    r, g, b = (pixels[..., k].astype(int) for k in range(3))
    white = np.minimum(np.minimum(r, g), b) > 235
    blue = (b - r > 50) & (b > 110)
    return white | blue


def luma(pixels: np.ndarray) -> np.ndarray:
    return pixels[..., :3].astype(float) @ np.array([0.299, 0.587, 0.114])


def test_the_lid_look_is_measured_from_the_drawing(drawn):
    image, face = drawn
    rig = clamp_rig(face.rig_points())
    for eye in (0, 1):
        look = measure_lid(image, rig, eye)
        assert np.abs(look.skin.astype(int) - np.array(SKIN)).max() <= 6
        assert np.abs(look.lash_colour * 255 - np.array(LINER)).max() <= 25
        assert 1.0 <= look.lash_width <= 3.0  # the liner is 0.006 × 256 ≈ 1.5 px, antialiased
        assert look.rise <= 2.0


def test_open_eyes_are_left_alone(renderer, drawn):
    image, face = drawn
    frame = renderer.render(face.rig_points())
    eyes = eye_polygon_mask(face.rig_points(), frame.shape[:2], shrink=1.3)
    assert np.abs(frame[eyes].astype(int) - image[eyes].astype(int)).max() <= 8


def test_full_closure_covers_the_eye_without_streaks(renderer, drawn):
    _, face = drawn
    rest = face.rig_points()
    closed = close_lids(rest, 1.0)
    frame = renderer.render(closed)
    inside = eye_polygon_mask(rest, frame.shape[:2])
    assert inside.sum() > 150
    assert sclera_or_iris(frame[inside]).sum() == 0
    # Lid skin fills the eye ...
    skin_like = np.abs(frame[inside][:, :3].astype(int) - np.array(SKIN)).max(1) < 40
    assert skin_like.mean() > 0.8
    # ... and the only dark pixels around it are the lash line along the closed lid.
    around = eye_polygon_mask(rest, frame.shape[:2], shrink=1.25)
    lash = np.zeros(frame.shape[:2], np.uint8)
    for eye in (0, 1):
        _, lower = lid_curves(clamp_rig(closed), eye)
        cv2.polylines(lash, [np.round(lower * 16).astype(np.int32)], False, 1, 7, cv2.LINE_8, 4)
    dark = (luma(frame) < 110) & around & ~lash.astype(bool)
    assert dark.sum() <= 3


def test_half_closure_covers_the_upper_half(renderer, drawn):
    _, face = drawn
    rest = face.rig_points()
    open_frame = renderer.render(rest)
    frame = renderer.render(close_lids(rest, 0.5))

    def mid(upper, lower, xs):
        return 0.5 * (y_on(upper, xs) + y_on(lower, xs))

    top_half = column_band_mask(
        rest, frame.shape[:2], lambda u, l, xs: y_on(u, xs) + 1.5, lambda u, l, xs: mid(u, l, xs) - 2.0
    )
    low_half = column_band_mask(
        rest, frame.shape[:2], lambda u, l, xs: mid(u, l, xs) + 2.5, lambda u, l, xs: y_on(l, xs) - 1.5
    )
    assert top_half.sum() > 60 and low_half.sum() > 40
    assert sclera_or_iris(frame[top_half]).mean() < 0.02
    assert (np.abs(frame[top_half][:, :3].astype(int) - np.array(SKIN)).max(1) < 40).mean() > 0.85
    # The lower half still shows the eye as it was (a soft shadow under the lid aside), not squashed.
    assert sclera_or_iris(open_frame[low_half]).mean() > 0.6
    change = np.abs(frame[low_half][:, :3].astype(int) - open_frame[low_half][:, :3].astype(int)).max(1)
    assert np.median(change) < 40
    assert (change < 80).mean() > 0.9


def test_closing_keeps_the_eye_under_the_lid_unsquashed(renderer, drawn):
    _, face = drawn
    rest = face.rig_points()
    positions = renderer.mesh.positions(close_lids(rest, 1.0))
    at_rest = renderer.mesh.positions(rest)
    assert np.abs(positions - at_rest).max() < 1e-3
    assert (renderer.mesh.signed_areas(positions) > 0).all()


def test_closed_lids_keep_the_alpha(ctx):
    image, face = draw_portrait(192, transparent_background=True)
    warp = MeshWarpRenderer(ctx, image, face, (192, 192))
    frame = warp.render(close_lids(face.rig_points(), 1.0))
    warp.release()
    assert np.array_equal(frame[..., 3], image[..., 3])


def test_scaled_output_closes_the_eye_too(ctx, drawn):
    image, face = drawn
    warp = MeshWarpRenderer(ctx, image, face, (128, 128))
    frame = warp.render(close_lids(face.rig_points(), 1.0))
    warp.release()
    up = cv2.resize(frame, (256, 256), interpolation=cv2.INTER_LINEAR)
    inside = eye_polygon_mask(face.rig_points(), up.shape[:2], shrink=0.7)
    assert sclera_or_iris(up[inside]).mean() < 0.02


def test_a_textured_portrait_gets_a_textured_lid_that_still_covers(ctx, drawn):
    image, face = drawn
    rng = np.random.default_rng(3)
    grainy = image.copy()
    grainy[..., :3] = np.clip(image[..., :3].astype(int) + rng.integers(-24, 25, image.shape[:2] + (1,)), 0, 255)
    warp = MeshWarpRenderer(ctx, grainy, face, (256, 256))
    assert min(look.grain for look in warp._eyelids.looks) > 4.0  # mirrored skin, not a flat colour
    frame = warp.render(close_lids(face.rig_points(), 1.0))
    warp.release()
    inside = eye_polygon_mask(face.rig_points(), frame.shape[:2])
    assert sclera_or_iris(frame[inside]).mean() < 0.02
    assert (np.abs(frame[inside][:, :3].astype(int) - np.array(SKIN)).max(1) < 50).mean() > 0.8
    assert frame[inside][:, :3].std(0).mean() > 3.0  # the skin's grain shows on the lid
