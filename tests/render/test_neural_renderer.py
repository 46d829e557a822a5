"""The learned renderer on a real EGL context: it refines only the face crop, and fails clearly without weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from core.errors import ModelWeightsError
from core.image_io import load_portrait
from core.landmarks.landmark_json import load_landmarks
from core.render.delaunay_warp import MeshWarpRenderer
from core.render.neural_face_crop import crop_box, extract_crop, feather_window, landmark_drawing, opening_weight
from core.render.neural_net import RefineNet, RefineNetConfig
from core.render.mouth_cavity import lip_gap
from core.render.neural_renderer import FaceRefiner, NeuralRenderer, RefineModel, choose_renderer, create_renderer
from core.render.neural_style import read_style
from core.training.train_renderer import RendererTrainConfig, TrainingRecord, save_renderer_checkpoint

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"
SHARED_PORTRAITS = Path(__file__).resolve().parents[3] / "shared" / "data" / "portraits"
SMALL = RefineNetConfig(widths=(8, 16, 16), blocks=(1, 1, 1))


@pytest.fixture(scope="module")
def sample():
    portrait = load_portrait(SAMPLE / "portrait.png")
    return portrait.rgba, load_landmarks(SAMPLE / "portrait_landmarks.json")


def _checkpoint(folder: Path, changes_pixels: bool = True) -> Path:
    torch.manual_seed(0)
    net = RefineNet(SMALL)
    if changes_pixels:  # a head that really paints: a strong brightening everywhere in the crop
        torch.nn.init.normal_(net.head.weight, std=0.05)
        torch.nn.init.constant_(net.head.bias, 1.0)
    path = folder / "renderer.pt"
    save_renderer_checkpoint(path, net, 64, TrainingRecord(["x/clip.mp4"], [], []), RendererTrainConfig(model=SMALL))
    return path


def test_neural_renderer_changes_only_the_face_crop(ctx, sample, tmp_path):
    rgba, face = sample
    size = (rgba.shape[1], rgba.shape[0])
    rig = face.rig_points().copy()
    rig[57:60, 1] += 6  # drop the lower lip: a frame that is not the rest pose
    warp = MeshWarpRenderer(ctx, rgba, face, size)
    neural = NeuralRenderer(ctx, rgba, face, size, RefineModel.load(_checkpoint(tmp_path)))
    try:
        plain, refined = warp.render(rig), neural.render(rig)
    finally:
        warp.release()
        neural.release()
    box = neural.face_box(rig)
    x0, y0, x1, y1 = box.pixel_bounds(*size)
    outside = np.ones(plain.shape[:2], bool)
    outside[max(0, y0 - 1):y1 + 1, max(0, x0 - 1):x1 + 1] = False
    assert np.array_equal(plain[outside], refined[outside])
    difference = np.abs(plain[..., :3].astype(int) - refined[..., :3]).max(axis=-1)
    cy, cx = int(box.centre_y), int(box.centre_x)
    assert difference[cy - 5:cy + 5, cx - 5:cx + 5].min() > 10  # the face centre was repainted
    # feathered: the change fades towards the crop border instead of stopping at a seam
    assert difference[cy, x0 + 1] < difference[cy, cx] / 3


def test_missing_weights_name_the_warp_as_the_way_on(tmp_path):
    with pytest.raises(ModelWeightsError, match="--renderer warp"):
        RefineModel.load(tmp_path / "absent.pt")


def test_corrupt_weights_name_the_warp_as_the_way_on(tmp_path):
    path = _checkpoint(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelWeightsError, match="--renderer warp") as raised:
        RefineModel.load(path)
    assert "\n" not in str(raised.value)


def test_explicit_neural_fails_early_but_auto_falls_back_to_the_warp(sample, tmp_path):
    rgba, face = sample
    with pytest.raises(ModelWeightsError, match="--renderer warp"):
        choose_renderer("neural", rgba, face, tmp_path / "absent.pt")
    assert choose_renderer("warp", rgba, face, tmp_path / "absent.pt") == ("warp", None)


def test_auto_keeps_the_warp_for_the_drawn_sample(ctx, sample, tmp_path):
    rgba, face = sample
    assert not read_style(rgba, face.rig_points()).is_photographic
    renderer = create_renderer(ctx, rgba, face, (128, 128), "auto", _checkpoint(tmp_path))
    try:
        assert isinstance(renderer, MeshWarpRenderer)
    finally:
        renderer.release()


@pytest.mark.skipif(not SHARED_PORTRAITS.is_dir(), reason="shared data set not present")
@pytest.mark.parametrize("name, photographic", [("KwaiVGI__LivePortrait/s12.jpg", True),
                                                ("KwaiVGI__LivePortrait/s9.jpg", True),
                                                ("KwaiVGI__LivePortrait/s7.jpg", False)])
def test_style_reading_on_photos_paintings_and_a_cartoon(name, photographic):
    from core.portrait_setup import prepare_portrait

    setup = prepare_portrait(SHARED_PORTRAITS / name)
    assert read_style(setup.portrait.rgba, setup.face.rig_points()).is_photographic is photographic


def test_crop_drawing_and_feather_geometry(sample):
    rgba, face = sample
    rig = face.rig_points()
    box = crop_box(rig)
    in_crop = box.points_to_crop(rig, 64)
    assert in_crop[:68].min() > 0 and in_crop[:68].max() < 64  # the whole face is inside the crop
    drawing = landmark_drawing(in_crop, 64)
    mouth_centre = np.round(in_crop[48:60].mean(0)).astype(int)
    assert drawing[mouth_centre[1], mouth_centre[0], 0] > 0 and drawing[..., 0][:, :8].max() == 0
    opened = rig.copy()
    opened[[65, 66, 67], 1] += 0.08 * box.side  # lower inner lip down: an open mouth
    bounds = box.pixel_bounds(rgba.shape[1], rgba.shape[0])
    replace = opening_weight(opened[60:68], bounds)
    inner = np.round(opened[[62, 66]].mean(0) - bounds[:2]).astype(int)
    assert replace[inner[1], inner[0]] > 0.9 and replace[:, :8].max() == 0 and replace[:8].max() == 0
    # drawn at the output resolution: the lip edge goes from warp to refined within ~3 pixels
    column = replace[:, inner[0]]
    rising = np.flatnonzero((column > 0.05) & (column < 0.95))
    assert 0 < len(rising) <= 8
    window = feather_window(64)
    assert window[0, 0] == 0 and window[32, 32] == 1
    crop = extract_crop(rgba[:, :, :3], box, 64)
    assert crop.shape == (64, 64, 3)


def test_render_to_a_framebuffer_shows_the_same_refined_frame(ctx, sample, tmp_path):
    rgba, face = sample
    size = (rgba.shape[1] // 2, rgba.shape[0] // 2)
    rig = face.rig_points().copy()
    rig[57:60, 1] += 6
    neural = NeuralRenderer(ctx, rgba, face, size, RefineModel.load(_checkpoint(tmp_path)))
    fbo = ctx.simple_framebuffer(size, components=4)
    try:
        neural.render_to(fbo, rig)
        on_screen = np.frombuffer(fbo.read(components=4, alignment=1), np.uint8).reshape(size[1], size[0], 4)[::-1]
        # Rendering offscreen after it rebinds the renderer's own framebuffer, so releasing
        # ``fbo`` leaves no deleted framebuffer bound for the next test's GL calls.
        expected = neural.render(rig)
    finally:
        neural.release()
        fbo.release()
    assert np.abs(on_screen.astype(int) - expected).max() <= 2


def test_the_portraits_own_open_mouth_is_kept_and_only_a_wider_gap_is_invented(sample, tmp_path):
    """A smiling photo's own teeth stay (the warp shows them up to the portrait's gap); beyond
    it the net's interior takes over, smoothly within half a pixel of extra gap."""
    rgba, face = sample
    model = RefineModel.load(_checkpoint(tmp_path))  # the brightening head: repaints what it touches
    rig = face.rig_points().copy()
    rig[[65, 66, 67], 1] += 10  # lower inner lip down: an opening
    opening_centre = np.round(rig[[62, 66]].mean(0)).astype(int)
    frame = rgba.copy()
    crop = extract_crop(rgba[:, :, :3], crop_box(face.rig_points()), model.crop_size)
    gap = lip_gap(rig)
    portrait_open_as_wide = FaceRefiner(model, crop, rest_gap=gap, scale=1.0)
    portrait_closed = FaceRefiner(model, crop, rest_gap=0.0, scale=1.0)
    assert portrait_open_as_wide.invent_strength(rig) == 0.0 and portrait_closed.invent_strength(rig) == 1.0
    assert 0.0 < FaceRefiner(model, crop, rest_gap=gap - 0.25, scale=1.0).invent_strength(rig) < 1.0
    x, y = opening_centre
    kept = portrait_open_as_wide.refine(frame, rig)[y, x, :3].astype(int)
    invented = portrait_closed.refine(frame, rig)[y, x, :3].astype(int)
    assert np.abs(kept - frame[y, x, :3]).max() <= 1
    assert np.abs(invented - frame[y, x, :3]).max() > 10
