"""Blinks on photos look filmed, blinks on drawings stay drawn.

On a photo the closing lid is the portrait's own lid skin with a soft lash line of its own
lash colours, and leaves no outline of the open eye above it; a drawing's lids (mesh warp
and drawn style) are exactly what they were before the photo lid existed (golden frames,
rendered by that code).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from core.landmarks.face_landmarks import LID_POINTS, RIG_LOWER_LIDS, RIG_UPPER_LIDS
from core.render.delaunay_warp import MeshWarpRenderer
from core.render.drawn_style import DrawnStyleRenderer
from core.render.lid_plate import EyeFill, fill_mask, lid_plate
from tests.drawn_face import draw_portrait
from tests.render.test_eyelid_pass import close_lids, luma

GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED_PORTRAITS = Path(__file__).resolve().parents[3] / "shared" / "data" / "portraits"
needs_shared = pytest.mark.skipif(not SHARED_PORTRAITS.is_dir(), reason="shared data set not present")
EYE_BOX = np.s_[90:137, 76:179]  # the eyes of draw_portrait(256), as cropped into the golden frames


def _golden(name: str) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(GOLDEN / f"{name}.png"), cv2.IMREAD_UNCHANGED), cv2.COLOR_BGRA2RGBA)


def _assert_matches(frame: np.ndarray, name: str) -> None:
    diff = np.abs(frame[EYE_BOX].astype(int) - _golden(name).astype(int)).max(-1)
    assert diff.max() <= 2 and (diff > 0).mean() < 0.002, f"{name}: {int((diff > 0).sum())} pixels differ"


def test_a_drawings_lids_are_unchanged_by_the_photo_lid(ctx):
    image, face = draw_portrait(256)
    rest = face.rig_points()
    warp = MeshWarpRenderer(ctx, image, face, (256, 256))
    drawn = DrawnStyleRenderer(ctx, image, face, (256, 256))
    try:
        assert not warp._eyelids.photographic
        _assert_matches(warp.render(close_lids(rest, 0.5)), "lids_warp_half")
        _assert_matches(warp.render(close_lids(rest, 1.0)), "lids_warp_closed")
        _assert_matches(drawn.render(close_lids(rest, 1.0), 0.0, None, intro=1.0), "lids_drawn_style_closed")
    finally:
        warp.release()
        drawn.release()


def test_the_lid_plate_paints_the_eye_over_and_leaves_the_rest_alone():
    rng = np.random.default_rng(5)
    skin = np.clip(rng.normal(170, 6, (80, 120, 3)), 0, 255).astype(np.uint8)
    portrait = np.dstack([skin, np.full((80, 120), 255, np.uint8)])
    portrait[44:52, 40:80, :3] = 20  # a dark "eye" with a lash line
    upper = np.column_stack([np.linspace(38, 82, 9), np.full(9, 44.0)])
    lower = np.column_stack([np.linspace(38, 82, 9), np.full(9, 52.0)])
    mask = fill_mask((80, 120), upper, lower, np.full(9, 3.0), np.array([0.0, 1.0]))
    plate = lid_plate(portrait, [EyeFill(mask, 44.0, grow=2.0, depth=8.0)]).astype(int)
    assert luma(plate[45:51, 44:76]).min() > 140  # the eye is skin now, textured like it
    assert plate[45:51, 44:76].std() > 2.0
    far = np.ones((80, 120), bool)
    far[30:64, 30:90] = False
    assert np.array_equal(plate[far], portrait[..., :3][far])


@pytest.fixture(scope="module")
def photos(gl_session):
    """Closed, half-closed and open frames of photos (warp renderer, the portrait's own size)."""
    from core.portrait_setup import prepare_portrait

    out = {}
    for name in ("KwaiVGI__LivePortrait/s42.jpg", "KwaiVGI__LivePortrait/s2.jpg", "OpenTalker__SadTalker/art_20.png"):
        setup = prepare_portrait(SHARED_PORTRAITS / name)
        rgba, rest = setup.portrait.rgba, setup.face.rig_points()
        warp = MeshWarpRenderer(gl_session, rgba, setup.face, (rgba.shape[1], rgba.shape[0]))
        try:
            frames = {c: warp.render(close_lids(rest, c)) for c in (0.5, 1.0)}
            out[Path(name).stem] = (rgba, rest, frames, warp._eyelids.looks, warp._eyelids.photographic)
        finally:
            warp.release()
    return out


def _lid(rig: np.ndarray, eye: int, part: slice, xs: np.ndarray) -> np.ndarray:
    lids = rig[part].reshape(2, LID_POINTS, 2)[eye]
    corners = rig[[(36, 39), (42, 45)][eye], :]
    curve = np.vstack([corners[0], lids, corners[1]])
    return np.interp(xs, curve[:, 0], curve[:, 1])


def _middle_columns(rig: np.ndarray, eye: int) -> np.ndarray:
    corners = rig[[(36, 39), (42, 45)][eye], 0]
    return np.linspace(corners[0], corners[1], 40)[8:32]  # the middle 60 %: away from the corners


def _along(image: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Luma sampled bilinearly at (xs, ys) (same shapes)."""
    map_x, map_y = (np.asarray(a, np.float32).reshape(-1, 1) for a in np.broadcast_arrays(xs, ys))
    rgb = cv2.remap(np.ascontiguousarray(image[..., :3]), map_x, map_y, cv2.INTER_LINEAR)
    return luma(rgb.reshape(np.broadcast(xs, ys).shape + (3,)))


def _outline_depth(frame: np.ndarray, rest: np.ndarray, eye: int, look, edge_y: np.ndarray) -> float:
    """How much darker than the skin 2 px above and below it the darkest curve running parallel to
    the open lid is, between half the brow gap above the open lid and the lash line (grey levels)."""
    xs = _middle_columns(rest, eye)
    open_y = _lid(rest, eye, RIG_UPPER_LIDS, xs)
    curves = np.array([_along(frame, xs, np.minimum(open_y + o, edge_y - 2 * look.lash_width)).mean()
                       for o in np.arange(-0.45 * look.brow_gap, 0.0, 0.5)])
    return float((np.minimum(curves[:-8], curves[8:]) - curves[4:-4]).max())


@needs_shared
@pytest.mark.parametrize("name", ["s42", "s2"])
def test_a_blink_on_a_photo_leaves_no_outline_above_the_lid(photos, name):
    rgba, rest, frames, looks, photographic = photos[name]
    assert photographic
    for eye in (0, 1):
        xs = _middle_columns(rest, eye)
        closed_edge = _lid(rest, eye, RIG_LOWER_LIDS, xs)
        # Before the photo lid: a crease 16 (s42) and 20–33 (s2) grey levels deep.
        assert _outline_depth(frames[1.0], rest, eye, looks[eye], closed_edge) < 6.0
        half = close_lids(rest, 0.5)
        assert _outline_depth(frames[0.5], rest, eye, looks[eye], _lid(half, eye, RIG_UPPER_LIDS, xs)) < 6.0


@needs_shared
@pytest.mark.parametrize("name", ["s42", "s2", "art_20"])
def test_the_lash_line_is_the_portraits_own_and_follows_the_lid_edge(photos, name):
    rgba, rest, frames, looks, _ = photos[name]
    for eye in (0, 1):
        look, xs = looks[eye], _middle_columns(rest, eye)
        reach = np.arange(-3 * look.lash_width, 3 * look.lash_width + 0.01, 0.5)
        open_y = _lid(rest, eye, RIG_UPPER_LIDS, xs)
        own = _along(rgba, xs[:, None], open_y[:, None] + np.arange(-look.rise - look.lash_width, look.lash_width + 1.01, 0.5))
        closed = _along(frames[1.0], xs[:, None], _lid(rest, eye, RIG_LOWER_LIDS, xs)[:, None] + reach)
        # As dark as the portrait's own lash line, never darker (before: art_20 10.8 vs its own 26.1).
        assert np.median(closed.min(1)) >= np.median(own.min(1)) - 3.0
        lid = _along(frames[1.0], xs[:, None], _lid(rest, eye, RIG_LOWER_LIDS, xs)[:, None] - 4 * look.lash_width)
        assert np.median(closed.min(1)) < 0.8 * np.median(lid)  # a visible line under the lid skin
        # On the lid's edge, wherever the edge has come to (half closed: the open eye is below it).
        for closure, frame in frames.items():
            edge = _lid(close_lids(rest, closure), eye, RIG_UPPER_LIDS, xs)
            profile = _along(frame, xs[:, None], edge[:, None] + reach[reach <= 1.5 * look.lash_width])
            assert np.median(np.abs(reach[profile.argmin(1)])) <= 1.5 * look.lash_width + 1.0
