"""The drawn render style on the drawn test portrait, in a real EGL context."""

from __future__ import annotations

import moderngl
import numpy as np
import pytest

from core.landmarks.face_landmarks import RIG_LOWER_LIDS, RIG_UPPER_LIDS, FaceLandmarks
from tests.drawn_face import LIP_LOWER, SKIN
from tests.render.render_helpers import drawn_style_renderer


@pytest.fixture(scope="module")
def drawn_renderer(gl_session: moderngl.Context, drawn: tuple[np.ndarray, FaceLandmarks]):
    yield from drawn_style_renderer(gl_session, drawn)


def _mouth_width(rig: np.ndarray) -> float:
    return float(np.linalg.norm(rig[54] - rig[48]))


def open_mouth(rig: np.ndarray, share: float) -> np.ndarray:
    """The lower lip and jaw dropped by ``share`` of the mouth width (a spoken open vowel)."""
    rig = rig.astype(np.float64).copy()
    drop = share * _mouth_width(rig)
    rig[[55, 56, 57, 58, 59, 65, 66, 67], 1] += drop
    rig[4:13, 1] += 0.6 * drop  # the motion moves the jaw too; the drawn style must not
    return rig


def closed_eyes(rig: np.ndarray) -> np.ndarray:
    rig = rig.astype(np.float64).copy()
    rig[RIG_UPPER_LIDS] = rig[RIG_LOWER_LIDS]
    return rig


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def _skin_distance(pixels: np.ndarray) -> np.ndarray:
    return np.abs(pixels[..., :3].astype(np.float64) - np.array(SKIN)).sum(-1)


def _mouth_box(rig: np.ndarray) -> tuple[slice, slice]:
    x0, x1 = int(rig[48, 0]) - 4, int(rig[54, 0]) + 5
    y0 = int(rig[50:53, 1].min()) - 4
    return slice(y0, y0 + int(0.8 * _mouth_width(rig))), slice(x0, x1)


def _dark_pixels(frame: np.ndarray, box: tuple[slice, slice]) -> int:
    return int((_luma(frame[box]) < 0.45 * _luma(np.array(SKIN))).sum())


def test_the_drawn_mouth_opens_with_openness_and_closes_at_rest(drawn_renderer, drawn, ctx):
    rest = drawn[1].rig_points()
    box = _mouth_box(rest)
    closed = drawn_renderer.render(rest, intro=1.0)
    half = drawn_renderer.render(open_mouth(rest, 0.15), intro=1.0)
    wide = drawn_renderer.render(open_mouth(rest, 0.35), intro=1.0)
    counts = [_dark_pixels(frame, box) for frame in (closed, half, wide)]
    assert counts[0] < counts[1] < counts[2]
    assert counts[2] > 4 * max(counts[0], 1)
    # Closed, the drawn mouth is a line: no dark interior a few pixels under the lip line.
    below = (slice(int(rest[66, 1]) + 4, int(rest[66, 1]) + 10), slice(int(rest[62, 0]) - 3, int(rest[62, 0]) + 4))
    assert _skin_distance(closed[below]).max() < 20
    assert _skin_distance(wide[below]).min() > 60  # interior, tongue, not skin


def test_frame_zero_is_the_drawing_as_drawn(drawn_renderer, drawn, ctx):
    image, face = drawn
    rest = face.rig_points()
    first = drawn_renderer.render(rest, intro=0.0)
    box = _mouth_box(rest)
    assert np.abs(first[box].astype(int) - image[box].astype(int)).max() <= 2
    # The original lips are still there (not covered by skin and redrawn).
    assert np.abs(first[box][..., :3].astype(int) - np.array(LIP_LOWER)).sum(-1).min() < 30


def test_the_mouth_cross_fades_in_without_a_pop(drawn_renderer, drawn, ctx):
    rig = open_mouth(drawn[1].rig_points(), 0.3)
    frames = [drawn_renderer.render(rig, intro=i / 4).astype(np.float64) for i in range(5)]
    steps = [np.abs(b - a).mean() for a, b in zip(frames, frames[1:])]
    assert max(steps) < 0.5 * np.abs(frames[-1] - frames[0]).mean()


def test_far_pixels_and_the_chin_line_stay_as_drawn(drawn_renderer, drawn, ctx):
    image, face = drawn
    rig = closed_eyes(open_mouth(face.rig_points(), 0.35))
    frame = drawn_renderer.render(rig, intro=1.0)
    changed = np.abs(frame.astype(int) - image.astype(int)).max(-1) > 2
    rows, cols = np.nonzero(changed)
    x0, y0, x1, y1 = face.bounding_box()
    assert cols.min() >= x0 and cols.max() <= x1 and rows.min() >= y0 and rows.max() <= y1
    chin = face.rig_points()[8]
    around_chin = (slice(int(chin[1]) - 1, int(chin[1]) + 4), slice(int(chin[0]) - 8, int(chin[0]) + 9))
    assert not changed[around_chin].any()  # the jaw does not move: no new chin line


def test_a_blink_covers_the_eye_with_skin_and_a_lid_line(drawn_renderer, drawn, ctx):
    image, face = drawn
    rest = face.rig_points()
    frame = drawn_renderer.render(closed_eyes(rest), intro=1.0)
    for eye in (0, 1):
        x, y = np.round(face.iris[eye]).astype(int)
        before = image[y - 2 : y + 3, x - 2 : x + 3, :3].astype(float).mean((0, 1))
        after = frame[y - 2 : y + 3, x - 2 : x + 3, :3].astype(float).mean((0, 1))
        assert np.abs(before - np.array(SKIN)).sum() > 200  # the iris and pupil were there
        assert np.abs(after - np.array(SKIN)).sum() < 45  # now lid skin
        lid = rest[RIG_LOWER_LIDS].reshape(2, 7, 2)[eye][3]
        column = frame[int(lid[1]) - 6 : int(lid[1]) + 5, int(lid[0])]
        assert _luma(column).min() < 0.45 * _luma(np.array(SKIN))  # the drawn lid line


def test_the_renderer_keeps_the_warp_interface(drawn_renderer, drawn, ctx):
    """Any finite 98×2 rig in (no frame number: a preview), RGBA out; a wrong rig is refused."""
    frame = drawn_renderer.render(open_mouth(drawn[1].rig_points(), 0.2))
    assert frame.shape == (256, 256, 4) and frame.dtype == np.uint8
    with pytest.raises(ValueError, match="98"):
        drawn_renderer.render(np.zeros((68, 2)))


def test_render_to_draws_the_same_frame_upright_on_screen(drawn_renderer, drawn, ctx):
    rig = closed_eyes(open_mouth(drawn[1].rig_points(), 0.3))
    expected = drawn_renderer.render(rig)
    target = ctx.framebuffer(color_attachments=[ctx.renderbuffer((256, 256), 4)])
    try:
        drawn_renderer.render_to(target, rig)
        shown = np.frombuffer(target.read(components=4, alignment=1), np.uint8).reshape(256, 256, 4)[::-1]
        assert np.abs(shown.astype(int) - expected.astype(int)).max() <= 1
    finally:
        if ctx.fbo is target:
            ctx.detect_framebuffer(0).use()
        target.color_attachments[0].release()
        target.release()
