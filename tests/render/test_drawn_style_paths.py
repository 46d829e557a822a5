"""The drawn style's fast paths draw the same pixels as the plain ones, in a real EGL context:
a scissored ``render_box`` is a crop of ``render``, shared mesh positions change nothing, and
a frame whose skin plate is drawn only around the mouth and lids equals the frame made from
the whole plate (the path before, two full warps per frame)."""

from __future__ import annotations

from pathlib import Path

import moderngl
import numpy as np
import pytest

from core.landmarks.face_landmarks import RIG_LOWER_LIDS, RIG_UPPER_LIDS, FaceLandmarks
from core.portrait_setup import prepare_portrait
from core.render.delaunay_warp import MeshWarpRenderer
from core.render.drawn_style import DrawnStyleRenderer, head_motion, still_rig
from core.render.warp_mesh import clamp_rig
from tests.render.render_helpers import drawn_style_renderer

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


def _moved(rest: np.ndarray, mouth: float = 0.0, blink: tuple[float, float] = (0.0, 0.0),
           turn: float = 0.0, shift: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """``rest`` with the mouth dropped by ``mouth`` of its width, each eye ``blink`` shut,
    the head turned by ``turn`` radians about the nose and shifted by ``shift`` px."""
    rig = rest.astype(np.float64).copy()
    rig[[55, 56, 57, 58, 59, 65, 66, 67], 1] += mouth * float(np.linalg.norm(rest[54] - rest[48]))
    upper, lower = rig[RIG_UPPER_LIDS].reshape(2, 7, 2), rig[RIG_LOWER_LIDS].reshape(2, 7, 2)
    for eye in (0, 1):
        upper[eye] += blink[eye] * (lower[eye] - upper[eye])
    rig[RIG_UPPER_LIDS] = upper.reshape(-1, 2)
    c, s = np.cos(turn), np.sin(turn)
    return (rig - rest[30]) @ np.array([[c, -s], [s, c]]).T + rest[30] + np.array(shift)


RIGS = {  # (mouth, blink, turn, shift): every drawn pass alone and together, with head motion
    "rest": (0.0, (0.0, 0.0), 0.0, (0.0, 0.0)),
    "open mouth": (0.3, (0.0, 0.0), 0.0, (0.0, 0.0)),
    "left blink": (0.0, (0.8, 0.0), 0.03, (1.5, -0.7)),
    "both shut, mouth open, head moved": (0.2, (1.0, 1.0), -0.05, (-3.0, 2.0)),
}


def _whole_plate_frame(renderer: DrawnStyleRenderer, rig: np.ndarray, intro: float | None,
                       monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    """The frame with the skin plate warped whole, by itself (positions not shared)."""
    with monkeypatch.context() as patch:
        patch.setattr(renderer, "_plate_in", lambda still, positions, regions: renderer.plate_warp.render(still))
        return renderer.render(rig, intro=intro)


@pytest.fixture(scope="module")
def sample() -> tuple[np.ndarray, FaceLandmarks]:
    setup = prepare_portrait(SAMPLE / "portrait.png", SAMPLE / "portrait_landmarks.json")
    return setup.portrait.rgba, setup.face


@pytest.fixture(scope="module")
def sample_renderer(gl_session: moderngl.Context, sample: tuple[np.ndarray, FaceLandmarks]):
    yield from drawn_style_renderer(gl_session, sample)


@pytest.mark.parametrize("name", list(RIGS))
@pytest.mark.parametrize("intro", [1.0, 0.5, None])
def test_drawn_frames_of_the_sample_equal_the_whole_plate_path(sample_renderer, sample, ctx, monkeypatch, name, intro):
    rig = _moved(sample[1].rig_points(), *RIGS[name])
    fast = sample_renderer.render(rig, intro=intro)
    plain = _whole_plate_frame(sample_renderer, rig, intro, monkeypatch)
    assert np.array_equal(fast, plain)


def test_drawn_frames_of_the_drawn_face_equal_the_whole_plate_path(gl_session, drawn, ctx, monkeypatch):
    image, face = drawn
    renderer = DrawnStyleRenderer(gl_session, image, face, (2 * image.shape[1], 2 * image.shape[0]))
    try:
        for mouth, blink, turn, shift in RIGS.values():
            rig = _moved(face.rig_points(), mouth, blink, turn, shift)
            fast = renderer.render(rig, intro=1.0)
            assert np.array_equal(fast, _whole_plate_frame(renderer, rig, 1.0, monkeypatch))
        assert not np.array_equal(fast, renderer.render(face.rig_points(), intro=1.0))  # the rigs drew something
    finally:
        renderer.release()


def test_render_box_is_a_crop_of_render_and_leaves_no_scissor_behind(renderer: MeshWarpRenderer, drawn, ctx):
    rig = _moved(drawn[1].rig_points(), 0.3, (1.0, 0.6), 0.04, (2.0, 1.0))  # warp, lids and cavity all draw
    whole = renderer.render(rig)
    for x, y, w, h in ((0, 0, 256, 256), (90, 150, 70, 40), (0, 0, 1, 1), (255, 200, 1, 56), (30, 60, 200, 100)):
        assert np.array_equal(renderer.render_box(rig, (x, y, w, h)), whole[y : y + h, x : x + w])
    assert np.array_equal(renderer.render(rig), whole)  # the next whole frame is whole again
    for bad in ((0, 0, 0, 10), (-1, 0, 10, 10), (200, 0, 57, 10), (0, 250, 10, 7)):
        with pytest.raises(ValueError, match="box"):
            renderer.render_box(rig, bad)


def test_given_positions_draw_what_the_mesh_computes(renderer: MeshWarpRenderer, drawn, ctx):
    rest = drawn[1].rig_points()
    rig = _moved(rest, 0.2, (0.5, 0.0), -0.03, (1.0, -2.0))
    positions = renderer.mesh.positions(rig)
    assert np.array_equal(renderer.render(rig, positions=positions), renderer.render(rig))
    assert not np.array_equal(renderer.render(rig, positions=renderer.mesh.positions(rest)), renderer.render(rig))
    with pytest.raises(ValueError, match="positions"):
        renderer.render(rig, positions=positions[:-1])


def test_still_rig_with_a_given_motion_is_the_same_rig(drawn):
    rest = clamp_rig(drawn[1].rig_points())
    rig = clamp_rig(_moved(drawn[1].rig_points(), 0.3, (1.0, 0.0), 0.05, (3.0, -1.0)))
    assert np.array_equal(still_rig(rest, rig, head_motion(rest, rig)), still_rig(rest, rig))


def _shown(ctx: moderngl.Context, renderer: DrawnStyleRenderer, rig: np.ndarray) -> np.ndarray:
    """What ``render_to`` puts on a screen-sized framebuffer, row 0 at the top."""
    w, h = renderer.out_size
    target = ctx.framebuffer(color_attachments=[ctx.renderbuffer((w, h), 4)])
    try:
        renderer.render_to(target, rig)
        return np.frombuffer(target.read(components=4, alignment=1), np.uint8).reshape(h, w, 4)[::-1]
    finally:
        if ctx.fbo is target:
            ctx.detect_framebuffer(0).use()
        target.color_attachments[0].release()
        target.release()


@pytest.mark.parametrize("name", list(RIGS))
def test_render_to_shows_exactly_the_rendered_frame(sample_renderer, sample, ctx, name):
    """The preview keeps the warp on the GPU and round-trips only the drawn regions: same pixels."""
    rig = _moved(sample[1].rig_points(), *RIGS[name])
    assert np.array_equal(_shown(ctx, sample_renderer, rig), sample_renderer.render(rig))
