"""APC: causality, the shifted-prediction loss, that it learns, and the checked loader."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.audio.apc import APC, APCConfig, APCFeatures, apc_loss
from core.audio.features import FeatureStats
from core.errors import ModelWeightsError
from core.training.model_record import save_checkpoint

torch.set_num_threads(1)
SMALL = APCConfig(hidden=16, layers=2, shift=2)


def _saved(tmp_path, cfg: APCConfig = SMALL):
    torch.manual_seed(0)
    path = tmp_path / "apc.pt"
    stats = FeatureStats(np.zeros(40, np.float32), np.ones(40, np.float32))
    save_checkpoint(path, APC(cfg), cfg.to_dict(), stats, 30.0)
    return path


def test_codes_depend_on_the_past_only():
    model = APC(SMALL).eval()
    x = torch.randn(1, 30, 40)
    later = x.clone()
    later[0, 16:] += 5.0
    with torch.no_grad():
        codes, changed = model(x)[1], model(later)[1]
    assert torch.allclose(codes[0, :16], changed[0, :16], atol=1e-6)
    assert not torch.allclose(codes[0, 16], changed[0, 16])


def test_loss_compares_frame_t_prediction_with_frame_t_plus_shift_and_skips_padding():
    model = APC(SMALL)
    x = torch.randn(2, 20, 40)
    pred, _ = model(x)
    expected = (pred[0, :-2] - x[0, 2:]).abs().mean()
    assert torch.allclose(apc_loss(model, x[:1]), expected, atol=1e-6)
    padded = x.clone()
    padded[1, 12:] = 100.0  # padding beyond the second sequence's length must not count
    lengths = torch.tensor([20, 12])
    with torch.no_grad():
        p = model(padded)[0]
        err = torch.cat([(p[0, :18] - padded[0, 2:]).abs().mean(-1), (p[1, :10] - padded[1, 2:12]).abs().mean(-1)])
        assert torch.allclose(apc_loss(model, padded, lengths), err.mean(), atol=1e-5)


def test_learns_to_predict_a_predictable_signal_better_than_repeating_the_frame():
    torch.manual_seed(0)
    t = torch.arange(64, dtype=torch.float32)
    phase = torch.rand(16, 1, 40) * 6.28
    x = torch.sin(0.4 * t[None, :, None] + phase)  # every coefficient a sinusoid
    model = APC(APCConfig(hidden=32, layers=1, shift=2))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(150):
        loss = apc_loss(model, x)
        opt.zero_grad()
        loss.backward()
        opt.step()
    repeat = (x[:, :-2] - x[:, 2:]).abs().mean()
    with torch.no_grad():
        assert float(apc_loss(model, x)) < 0.3 * float(repeat)


def test_loaded_features_have_one_code_per_frame(tmp_path):
    codes = APCFeatures.load(_saved(tmp_path))
    assert codes.dims == 16
    out = codes(np.random.default_rng(0).normal(size=(25, 40)).astype(np.float32))
    assert out.shape == (25, 16) and out.dtype == np.float32 and np.isfinite(out).all()
    assert codes(np.zeros((0, 40), np.float32)).shape == (0, 16)
    # digital silence (MFCCs far outside the training range) is clipped, not amplified
    assert np.isfinite(codes(np.full((10, 40), -1e4, np.float32))).all()


def test_missing_and_tampered_weights_are_refused(tmp_path):
    with pytest.raises(ModelWeightsError, match="not found"):
        APCFeatures.load(tmp_path / "absent.pt")
    path = _saved(tmp_path)
    (tmp_path / "apc.pt.sha256").write_text("0" * 64 + "  apc.pt\n")
    with pytest.raises(ModelWeightsError, match="Checksum mismatch"):
        APCFeatures.load(path)
