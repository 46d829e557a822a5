"""The renderer trainer: pairs made by the real mesh warp of a drawn face, one tiny run, a loadable checkpoint."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.render.delaunay_warp import MeshWarpRenderer
from core.render.gl_context import create_headless_context
from core.render.neural_face_crop import crop_box, extract_crop, landmark_drawing
from core.render.neural_net import RefineNetConfig
from core.render.neural_renderer import RefineModel
from core.training.renderer_dataset import PairSet
from core.training.train_renderer import (CHECKPOINT_NAME, RendererTrainConfig, TrainingRecord, detail_loss, refine_loss,
                                         train)
from tests.drawn_face import draw_portrait

CROP = 64


@pytest.fixture(scope="module")
def drawn_pairs() -> PairSet:
    """Targets: the drawn face with the jaw dropped by 0..8 px, warped by the product's mesh warp;
    the 'real' frame is the drawing itself (a closed mouth), so the network must learn to undo the warp."""
    image, face = draw_portrait(128)
    rest = face.rig_points()
    ctx = create_headless_context()
    warp = MeshWarpRenderer(ctx, image, face, (128, 128))
    arrays: dict[str, list] = {"warped": [], "real": [], "drawing": []}
    try:
        for drop in np.linspace(0, 8, 12):
            rig = rest.copy()
            rig[5:12, 1] += drop
            rig[55:60, 1] += drop
            rig[64:68, 1] += drop * 0.8
            box = crop_box(rig)
            arrays["warped"].append(extract_crop(warp.render(rig)[:, :, :3], box, CROP))
            arrays["real"].append(extract_crop(image[:, :, :3], box, CROP))
            arrays["drawing"].append(landmark_drawing(box.points_to_crop(rig, CROP), CROP))
    finally:
        warp.release()
        ctx.release()
    portrait = extract_crop(image[:, :, :3], crop_box(rest), CROP)[None]
    n = len(arrays["warped"])
    return PairSet(*(np.asarray(arrays[k]) for k in ("warped", "real", "drawing")), portrait,
                   np.zeros(n, int), np.full(n, "drawn"), ("drawn/clip.mp4",))


def test_one_tiny_run_writes_a_loadable_checkpoint_with_its_curve(drawn_pairs, tmp_path):
    torch.set_num_threads(1)
    config = RendererTrainConfig(model=RefineNetConfig((8, 16, 16), (1, 1, 1)), batch=4, max_samples=48,
                                 validate_every=24, minutes=1.0)
    record = TrainingRecord(["drawn/clip.mp4"], ["drawn/val.mp4"], ["drawn"])
    model = train(drawn_pairs, drawn_pairs, config, tmp_path, record, say=lambda _m: None)
    assert record.samples_seen == 48
    assert [row[0] for row in record.learning_curve] == [24, 48, 48]
    assert np.isfinite(record.warp_validation_loss) and all(np.isfinite(r[2]) for r in record.learning_curve)
    assert model.head.weight.abs().sum() > 0  # it learned something: the head starts at zero
    loaded = RefineModel.load(tmp_path / CHECKPOINT_NAME)
    assert loaded.crop_size == CROP and loaded.training_clips == ("drawn/clip.mp4",)
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, loaded.net.state_dict()[name])


def test_the_detail_term_asks_for_the_real_mouths_sharpness_not_a_blur():
    """Per-pixel losses prefer a blurred mouth; the detail term scores the blur, and is off by default."""
    torch.manual_seed(0)
    real = torch.rand(2, 3, 32, 32)  # fine texture everywhere: teeth edges in miniature
    blurred = torch.nn.functional.avg_pool2d(real, 3, 1, 1, count_include_pad=False)
    mouth = torch.ones(2, 1, 32, 32)
    assert float(detail_loss(real, real, mouth)) < 1e-4
    assert float(detail_loss(blurred, real, mouth)) > 0.1
    assert float(detail_loss(blurred, real, torch.zeros_like(mouth))) == 0.0  # only the mouth counts
    weight = torch.ones(2, 1, 32, 32)
    plain = RendererTrainConfig()
    assert float(refine_loss(blurred, real, weight, plain, mouth)) == float(refine_loss(blurred, real, weight, plain))
    detailed = RendererTrainConfig(detail_weight=1.0)
    assert float(refine_loss(blurred, real, weight, detailed, mouth)) > float(refine_loss(blurred, real, weight, plain))
