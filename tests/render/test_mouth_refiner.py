"""The renderer's mouth stage: hash-checked weights, repaints only the mouth opening, falls back cleanly without them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from core.errors import ModelWeightsError
from core.image_io import load_portrait
from core.landmarks.landmark_json import load_landmarks
from core.render.delaunay_warp import MeshWarpRenderer
from core.render.mouth_crop import LIPS, MOUTH_CROP_SIZE, extract_mouth, mouth_box, mouth_drawing
from core.render.mouth_refiner import MOUTH_WEIGHTS_NAME, MouthModel, MouthNet, MouthNetConfig
from core.render.neural_face_crop import opening_weight
from core.render.neural_net import RefineNet, RefineNetConfig
from core.render.neural_renderer import FaceRefiner, RefineModel, choose_renderer
from core.training.train_mouth_refiner import MouthTrainConfig, MouthTrainingRecord, save_mouth_checkpoint
from core.training.train_renderer import RendererTrainConfig, TrainingRecord, save_renderer_checkpoint

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"
SMALL = MouthNetConfig(widths=(8, 16, 16), blocks=(1, 1, 1), head=4)
FACE_SMALL = RefineNetConfig(widths=(8, 16, 16), blocks=(1, 1, 1))


@pytest.fixture(scope="module")
def sample():
    return load_portrait(SAMPLE / "portrait.png").rgba, load_landmarks(SAMPLE / "portrait_landmarks.json")


def _open_rig(face) -> np.ndarray:
    rig = face.rig_points().copy()
    rig[5:12, 1] += 8
    rig[55:60, 1] += 8
    rig[64:68, 1] += 10  # lower inner lip down: an open mouth
    return rig


def _weights(folder: Path, mouth: bool = True) -> Path:
    """A face refiner checkpoint that changes nothing, and (``mouth``) a mouth stage that darkens what it touches."""
    folder.mkdir(parents=True, exist_ok=True)
    face = folder / "renderer.pt"
    save_renderer_checkpoint(face, RefineNet(FACE_SMALL), 64, TrainingRecord([], [], []), RendererTrainConfig(model=FACE_SMALL))
    if mouth:
        torch.manual_seed(0)
        net = MouthNet(SMALL)
        torch.nn.init.constant_(net.head.bias, -1.0)  # residual tanh(−1): paints the opening dark
        save_mouth_checkpoint(folder / MOUTH_WEIGHTS_NAME, net, MouthTrainingRecord([], [], []), MouthTrainConfig(model=SMALL))
    return face


@pytest.fixture
def warped(ctx, sample):
    rgba, face = sample
    rig = _open_rig(face)
    warp = MeshWarpRenderer(ctx, rgba, face, (rgba.shape[1], rgba.shape[0]))
    try:
        return warp.render(rig), rig
    finally:
        warp.release()


def test_the_mouth_stage_repaints_the_opening_and_nothing_else(warped, tmp_path):
    frame, rig = warped
    _weights(tmp_path)
    model = MouthModel.load(tmp_path / MOUTH_WEIGHTS_NAME)
    out = model.refine(frame, rig, 1.0)
    inner = rig[LIPS][12:]
    weight = opening_weight(inner, (0, 0, frame.shape[1], frame.shape[0]))
    changed = np.abs(out[..., :3].astype(int) - frame[..., :3]).max(-1) > 0
    assert not changed[weight == 0].any()
    centre = np.round(inner.mean(0)).astype(int)
    assert int(frame[centre[1], centre[0], :3].sum()) - int(out[centre[1], centre[0], :3].sum()) > 60
    assert np.array_equal(out[..., 3], frame[..., 3])
    assert np.array_equal(model.refine(frame, rig, 0.0), frame)  # strength 0: the frame itself


def test_the_face_refiner_runs_the_mouth_stage_when_its_weights_are_beside_its_own(warped, sample, tmp_path):
    rgba, face = sample
    frame, rig = warped
    with_mouth = RefineModel.load(_weights(tmp_path / "with"))
    without = RefineModel.load(_weights(tmp_path / "without", mouth=False))
    assert with_mouth.mouth is not None and with_mouth.mouth_note is None
    assert without.mouth is None and without.mouth_note is None  # absent: simply off, as before the stage existed
    plain = FaceRefiner.for_portrait(without, rgba, face, 1.0).refine(frame, rig)
    staged = FaceRefiner.for_portrait(with_mouth, rgba, face, 1.0).refine(frame, rig)
    weight = opening_weight(rig[LIPS][12:], (0, 0, frame.shape[1], frame.shape[0]))
    differs = np.abs(plain[..., :3].astype(int) - staged[..., :3]).max(-1) > 0
    assert differs.any() and not differs[weight == 0].any()


def test_damaged_mouth_weights_turn_the_stage_off_with_a_one_line_note(sample, tmp_path):
    rgba, face = sample
    path = _weights(tmp_path)
    mouth = tmp_path / MOUTH_WEIGHTS_NAME
    data = bytearray(mouth.read_bytes())
    data[len(data) // 2] ^= 0xFF
    mouth.write_bytes(bytes(data))
    with pytest.raises(ModelWeightsError, match="Checksum mismatch"):
        MouthModel.load(mouth)
    model = RefineModel.load(path)
    assert model.mouth is None and "mouth stage off" in model.mouth_note and "\n" not in model.mouth_note
    chosen, note = choose_renderer("neural", rgba, face, path)
    assert chosen == "neural" and note == model.mouth_note  # the face refinement still runs, and the user is told


def test_mouth_crop_is_level_centred_and_drawn(sample):
    rgba, face = sample
    rig = _open_rig(face)
    tilted = rig.copy()
    centre = rig[48:60].mean(0)
    turn = np.deg2rad(12)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    tilted = (rig - centre) @ rotation.T + centre  # a rolled head: the crop turns with it
    width, height = MOUTH_CROP_SIZE
    for points in (rig, tilted):
        box = mouth_box(points)
        lips = box.points_to_crop(points[LIPS])
        assert abs(lips[6, 1] - lips[0, 1]) < 0.5  # mouth corners level
        assert lips[6, 0] - lips[0, 0] == pytest.approx(64.0, abs=0.5)
        assert np.abs(lips.mean(0)[:1] - width / 2).max() < 6
        drawing = mouth_drawing(lips)
        assert drawing.shape == (height, width, 2) and drawing[..., 1].max() > 0 and drawing[:, :10].max() == 0
        assert extract_mouth(rgba[:, :, :3], box).shape == (height, width, 3)


def test_a_black_and_white_photo_gets_no_colour_in_its_mouth(warped, tmp_path):
    """The net learned from colour video; on a grey portrait its correction must stay grey."""
    frame, rig = warped
    _weights(tmp_path)
    model = MouthModel.load(tmp_path / MOUTH_WEIGHTS_NAME)
    torch.manual_seed(1)
    torch.nn.init.normal_(model.net.head.weight, std=0.2)  # a head that paints in colour
    grey = np.repeat(frame[..., :3].mean(-1, keepdims=True).astype(np.uint8), 3, axis=-1)
    grey_frame = np.dstack([grey, frame[..., 3]])
    out = model.refine(grey_frame, rig, 1.0)
    assert np.abs(out[..., :3].astype(int) - grey_frame[..., :3]).max() > 5  # it did paint
    spread = out[..., :3].max(-1).astype(int) - out[..., :3].min(-1)
    assert spread.max() <= 1  # and stayed grey (rounding aside)
    coloured = model.refine(frame, rig, 1.0)  # the drawn sample is in colour: its correction keeps colour
    box = mouth_box(rig)
    crop = extract_mouth(frame[..., :3].copy(), box)
    correction = model.correction(crop, mouth_drawing(box.points_to_crop(rig[LIPS])))
    assert np.abs(correction - correction.mean(-1, keepdims=True)).max() > 1
    assert coloured.shape == frame.shape


def test_the_mouth_is_never_painted_green_or_blue_on_a_warm_portrait():
    """A warm, saturated crop (a painting's palette): whatever the net proposes, no cyan teeth."""
    from core.render.mouth_refiner import keep_mouth_hues

    crop = np.zeros((96, 128, 3), np.uint8)
    crop[...] = (200, 120, 40)  # orange skin
    teal = np.zeros((96, 128, 3), np.float32)
    teal[40:60, 40:90] = (-60.0, 60.0, 120.0)  # a proposal that would turn the teeth teal
    out = crop.astype(np.float32) + keep_mouth_hues(teal, crop)
    assert (out[..., 1] - out[..., 0]).max() <= 4.0 + 1e-3 and (out[..., 2] - out[..., 0]).max() <= 4.0 + 1e-3
    warm = np.zeros_like(teal)
    warm[40:60, 40:90] = (40.0, 30.0, 20.0)  # lighter, still warm: untouched
    assert np.array_equal(keep_mouth_hues(warm, crop), warm)
