"""The mouth-stage trainer: pairs cut from the real mesh warp of a drawn face, loss that falls, a loadable checkpoint."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.render.delaunay_warp import MeshWarpRenderer
from core.render.gl_context import create_headless_context
from core.render.mouth_crop import LIPS, MOUTH_CROP_SIZE, crop_opening_weight, extract_mouth, mouth_box
from core.render.mouth_refiner import MOUTH_WEIGHTS_NAME, MouthModel, MouthNet, MouthNetConfig
from core.training.mouth_pairs import MouthPairSet, load_mouth_pairs
from core.training.train_mouth_refiner import (MouthTrainConfig, MouthTrainingRecord, PatchDiscriminator, MouthTrainer,
                                               batch_tensors, composite, loss_region, train)
from core.training.train_renderer import RendererTrainConfig, refine_loss
from tests.drawn_face import draw_portrait

SMALL = MouthNetConfig(widths=(8, 16, 16), blocks=(1, 1, 1), head=4)


def _teeth(crop: np.ndarray, lips: np.ndarray) -> np.ndarray:
    """The 'real' mouth: the opening painted as a row of upper teeth (light, with gaps) over a dark interior."""
    weight = crop_opening_weight(lips)[..., None]
    height, width = crop.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width]
    top = lips[12:, 1].min()
    teeth = (ys < top + 6) & (xs % 8 != 0)
    painted = np.where(teeth[..., None], np.array([235, 230, 215]), np.array([60, 20, 25])).astype(np.float32)
    return (crop * (1 - weight) + painted * weight).astype(np.uint8)


@pytest.fixture(scope="module")
def drawn_mouths() -> MouthPairSet:
    """Mouth crops of the drawn face with the jaw dropped 3..10 px, warped by the product's mesh warp."""
    image, face = draw_portrait(256)
    rest = face.rig_points()
    ctx = create_headless_context()
    warp = MeshWarpRenderer(ctx, image, face, (256, 256))
    arrays: dict[str, list] = {"refined": [], "real": [], "lips": []}
    try:
        for drop in np.linspace(3, 10, 8):
            rig = rest.copy()
            rig[5:12, 1] += drop
            rig[55:60, 1] += drop
            rig[64:68, 1] += drop * 0.9
            box = mouth_box(rig)
            crop = extract_mouth(warp.render(rig)[:, :, :3], box)
            lips = box.points_to_crop(rig[LIPS])
            arrays["refined"].append(crop)
            arrays["real"].append(_teeth(crop, lips))
            arrays["lips"].append(lips)
    finally:
        warp.release()
        ctx.release()
    n = len(arrays["refined"])
    return MouthPairSet(np.asarray(arrays["refined"]), np.asarray(arrays["real"]), np.asarray(arrays["lips"], np.float32),
                        np.ones(n, np.float32), np.full(n, 80.0, np.float32), np.full(n, "drawn"), ("drawn/clip.mp4",))


def test_batches_have_the_crop_shape_and_weigh_only_the_opening(drawn_mouths):
    width, height = MOUTH_CROP_SIZE
    x, real, opening = batch_tensors(drawn_mouths, np.arange(4), np.random.default_rng(0))
    assert x.shape == (4, 5, height, width) and real.shape == (4, 3, height, width) and opening.shape == (4, 1, height, width)
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0
    assert float(opening.max()) == pytest.approx(1.0)
    # the opening is a small part of the crop: most pixels carry no weight
    assert 0.02 < float((opening > 0).float().mean()) < 0.3


def test_the_output_differs_from_its_input_only_inside_the_opening(drawn_mouths):
    torch.manual_seed(0)
    net = MouthNet(SMALL)
    torch.nn.init.normal_(net.head.weight, std=0.1)  # a head that paints
    x, _, opening = batch_tensors(drawn_mouths, np.arange(3))
    out = composite(x, *net(x), opening)
    changed = (out - x[:, :3]).abs().amax(1, keepdim=True) > 0
    assert bool(changed.any())
    assert not bool((changed & (opening == 0)).any())


def test_a_few_steps_lower_the_loss_with_the_discriminator_on(drawn_mouths):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    config = MouthTrainConfig(model=SMALL, learning_rate=3e-3)
    net, disc = MouthNet(SMALL), PatchDiscriminator((8, 8, 8))
    trainer = MouthTrainer(net, disc, config, torch.optim.Adam(net.parameters(), lr=3e-3),
                       torch.optim.Adam(disc.parameters(), lr=3e-3))
    x, real, opening = batch_tensors(drawn_mouths, np.arange(len(drawn_mouths)))

    def loss() -> float:
        with torch.no_grad():
            return float(refine_loss(composite(x, *net(x), opening), real, loss_region(opening), RendererTrainConfig()))

    before = loss()
    for _ in range(25):
        trainer.step(x, real, opening, gan_on=True)
    assert loss() < 0.8 * before


def test_one_tiny_run_writes_a_hash_checked_checkpoint_the_renderer_loads(drawn_mouths, tmp_path):
    torch.set_num_threads(1)
    config = MouthTrainConfig(model=SMALL, batch=4, max_samples=32, validate_every=16, minutes=1.0, gan_start=16)
    record = MouthTrainingRecord(["drawn/clip.mp4"], ["drawn/val.mp4"], ["drawn"])
    model = train(drawn_mouths, drawn_mouths, config, tmp_path, record, say=lambda _m: None)
    assert record.samples_seen == 32 and [row[0] for row in record.learning_curve] == [16, 32, 32]
    assert all(np.isfinite(row[2]) for row in record.learning_curve)
    assert record.input_validation["loss"] > 0
    loaded = MouthModel.load(tmp_path / MOUTH_WEIGHTS_NAME)
    assert loaded.size == MOUTH_CROP_SIZE
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, loaded.net.state_dict()[name])


def test_the_pair_cache_loader_drops_mouths_too_small_to_learn_teeth_from(drawn_mouths, tmp_path):
    from core.training.renderer_dataset import save_pairs_npz

    sizes = np.linspace(20, 90, len(drawn_mouths)).astype(np.float32)
    arrays = {"refined": drawn_mouths.refined, "real": drawn_mouths.real, "lips": drawn_mouths.lips,
              "strength": drawn_mouths.strength, "mouth_px": sizes}
    save_pairs_npz(tmp_path / "clip.npz", arrays, clip="drawn/clip.mp4", person="drawn")
    assert len(load_mouth_pairs([tmp_path / "clip.npz"])) == len(drawn_mouths)
    kept = load_mouth_pairs([tmp_path / "clip.npz"], min_mouth_px=40.0)
    assert len(kept) == int((sizes >= 40).sum()) and kept.refined.shape[1:] == drawn_mouths.refined.shape[1:]
