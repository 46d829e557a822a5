"""The S2L network: shapes, causality of the audio encoder, loss, numpy fast path."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.motion.rest_face import closed_mouth

from core.audio.features import FeatureStats
from core.motion.s2l_inference import SpeechToLandmarks
from core.motion.speech2landmarks import S2LConfig, Speech2Landmarks, openness_correlation_loss, s2l_loss

torch.set_num_threads(1)


def _inputs(t: int = 40, b: int = 2, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    emotion = torch.zeros(b, t, 8)
    emotion[..., 0] = 1
    return torch.randn(b, t, 40, generator=g), torch.randn(b, 68, 2, generator=g), emotion


def _random_model(cfg: S2LConfig | None = None) -> Speech2Landmarks:
    torch.manual_seed(0)
    model = Speech2Landmarks(cfg)
    with torch.no_grad():
        model.head.weight.normal_(0, 0.05)  # the zero-initialised head would hide bugs
        model.film_face.proj.weight.normal_(0, 0.1)
    return model.eval()


def test_forward_and_generate_shapes():
    model = _random_model()
    mfcc, face0, emotion = _inputs()
    prev = face0[:, None].expand(-1, 40, -1, -1)
    assert model(mfcc, face0, emotion, prev).shape == (2, 40, 68, 2)
    assert model.generate(mfcc, face0, emotion).shape == (2, 40, 68, 2)


def test_untrained_model_starts_at_face0():
    model = Speech2Landmarks().eval()
    mfcc, face0, emotion = _inputs()
    out = model.generate(mfcc, face0, emotion)
    torch.testing.assert_close(out, face0[:, None].expand_as(out))


@pytest.mark.parametrize("lookahead", [0, 2])
def test_audio_encoder_sees_only_lookahead_future_frames(lookahead):
    cfg = S2LConfig(lookahead=lookahead)
    encoder = _random_model(cfg).audio
    mfcc = torch.randn(1, 30, 40)
    changed = mfcc.clone()
    changed[:, 20:] += 5.0
    a, b = encoder(mfcc), encoder(changed)
    torch.testing.assert_close(a[:, : 20 - lookahead], b[:, : 20 - lookahead])
    assert not torch.allclose(a[:, 20 - lookahead], b[:, 20 - lookahead])  # first frame that can see it


def test_loss_weights_y_and_velocity():
    target = torch.zeros(1, 4, 68, 2)
    dx, dy = target.clone(), target.clone()
    dx[..., 0] = 0.1
    dy[..., 1] = 0.1
    assert s2l_loss(dy, target) > s2l_loss(dx, target) > 0
    jitter = target.clone()
    jitter[:, 1::2] = 0.1
    assert s2l_loss(jitter, target) > s2l_loss(dx, target)  # same offsets, plus velocity


def _mouth_opening(gaps: torch.Tensor) -> torch.Tensor:
    """B×T lower-lip drops → B×T×68×2 faces: corners 2 apart, inner lips 62/66 ``gap`` apart."""
    faces = torch.zeros(*gaps.shape, 68, 2)
    faces[..., 48, 0], faces[..., 54, 0] = -1.0, 1.0
    faces[..., 66, 1] = gaps
    return faces


def test_openness_correlation_loss_rewards_timing_not_scale():
    t = torch.linspace(0, 6.28, 32)
    real = _mouth_opening(0.2 + 0.2 * torch.sin(t)[None])
    in_time_small = _mouth_opening(0.05 + 0.02 * torch.sin(t)[None])
    late = _mouth_opening(0.2 + 0.2 * torch.sin(t - 1.5)[None])
    opposite = _mouth_opening(0.2 - 0.2 * torch.sin(t)[None])
    assert openness_correlation_loss(in_time_small, real) < 1e-4  # a tenth of the opening, same timing
    assert 0.5 < openness_correlation_loss(late, real) < openness_correlation_loss(opposite, real)


def test_openness_correlation_loss_ignores_windows_where_the_real_mouth_is_still():
    t = torch.linspace(0, 6.28, 32)
    real = _mouth_opening(torch.stack([0.2 + 0.2 * torch.sin(t), torch.full_like(t, 0.1)]))
    pred = _mouth_opening(torch.stack([0.2 + 0.2 * torch.sin(t), 0.1 + 0.1 * torch.cos(t)]))
    assert openness_correlation_loss(pred, real) < 1e-4  # the still window carries no weight


def test_paper_config_is_the_published_size():
    cfg = S2LConfig.paper()
    assert (cfg.width, cfg.conv_layers, cfg.landmark_mlp_layers, cfg.eye_mlp_layers) == (1024, 12, 8, 4)
    assert (cfg.lstm_layers, cfg.lstm_hidden, cfg.symmetric_layers) == (2, 1024, 4)


def test_numpy_fast_path_matches_torch_generate():
    model = _random_model()
    stats = FeatureStats(np.zeros(40, np.float32), np.ones(40, np.float32))
    mfcc, face0, emotion = _inputs(t=50, b=1)
    mfcc = mfcc.clamp(-2.5, 2.5)  # inside predict's ±3 σ feature clip
    emotion[..., 0], emotion[..., 2] = 0.5, 0.5
    closed = torch.from_numpy(closed_mouth(face0[0].numpy()))[None]  # predict closes the mouth first
    ref = model.generate(mfcc, closed, emotion)[0].numpy()
    fast = SpeechToLandmarks(model, stats).predict(mfcc[0].numpy(), face0[0].numpy(), emotion[0].numpy())
    np.testing.assert_allclose(fast, ref, atol=1e-4)
    assert np.abs(ref - closed[0].numpy()).max() > 1e-2  # it actually moved


def _save_with_phones(tmp_path, phone_sha: str | None = None):
    """A tiny phone-listening S2L checkpoint with its PhoneNet beside it."""
    from core.audio.phone_net import PhoneNet, PhoneNetConfig
    from core.weights_file import sha256_of, write_sha256_sidecar

    stats = FeatureStats(np.zeros(40, np.float32), np.ones(40, np.float32))
    phone_cfg = PhoneNetConfig(width=8, layers=2, lookahead=2)
    phone_path = tmp_path / "phone_net.pt"
    torch.save({"state_dict": PhoneNet(phone_cfg).state_dict(), "config": phone_cfg.to_dict(),
                "feature_stats": stats.to_dict()}, phone_path)
    write_sha256_sidecar(phone_path)
    cfg = S2LConfig(width=16, lstm_hidden=16, phone_features=True)
    s2l_path = tmp_path / "s2l_small.pt"
    torch.save({"state_dict": _random_model(cfg).state_dict(), "config": cfg.to_dict(),
                "feature_stats": stats.to_dict(), "phone_net_sha256": phone_sha or sha256_of(phone_path)}, s2l_path)
    write_sha256_sidecar(s2l_path)
    return s2l_path


def test_phone_listening_model_reads_mfccs_and_posteriors(tmp_path):
    cfg = S2LConfig(width=16, lstm_hidden=16, phone_features=True)
    assert cfg.n_features == 80
    model = SpeechToLandmarks.load(_save_with_phones(tmp_path))
    assert model.phones is not None
    mfcc = np.random.default_rng(0).normal(size=(30, 40)).astype(np.float32)
    face0 = closed_mouth(np.random.default_rng(1).normal(size=(68, 2)).astype(np.float32))
    out = model.predict(mfcc, face0)
    assert out.shape == (30, 68, 2) and np.isfinite(out).all()


def test_phone_listening_model_refuses_a_different_phone_net(tmp_path):
    from core.errors import ModelWeightsError

    with pytest.raises(ModelWeightsError, match="PhoneNet they were trained with"):
        SpeechToLandmarks.load(_save_with_phones(tmp_path, phone_sha="0" * 64))


def test_loudness_only_model_ignores_the_other_mfccs():
    cfg = S2LConfig(width=16, lstm_hidden=16, phone_features=True, mfcc_dims=1)
    assert cfg.n_features == 41
    model = _random_model(cfg)
    _, face0, emotion = _inputs(t=20, b=1)
    feats = torch.randn(1, 20, 80)
    timbre = feats.clone()
    timbre[..., 1:40] += 3.0  # another voice: every MFCC but loudness changes
    phones = feats.clone()
    phones[..., 40:] += 3.0
    with torch.no_grad():
        out = model.generate(feats, face0, emotion)
        assert torch.allclose(out, model.generate(timbre, face0, emotion))
        assert not torch.allclose(out, model.generate(phones, face0, emotion))


def _save_with_apc(tmp_path, apc_sha: str | None = None):
    """A tiny S2L checkpoint that hears MFCCs + phones + APC codes, its PhoneNet and APC beside it."""
    from core.audio.apc import APC, APCConfig
    from core.weights_file import sha256_of, write_sha256_sidecar

    s2l_path = _save_with_phones(tmp_path)
    stats = FeatureStats(np.zeros(40, np.float32), np.ones(40, np.float32))
    apc_cfg = APCConfig(hidden=8, layers=1)
    torch.manual_seed(1)
    apc_path = tmp_path / "apc.pt"
    torch.save({"state_dict": APC(apc_cfg).state_dict(), "config": apc_cfg.to_dict(),
                "feature_stats": stats.to_dict()}, apc_path)
    write_sha256_sidecar(apc_path)
    cfg = S2LConfig(width=16, lstm_hidden=16, phone_features=True, apc_features=8)
    ckpt = torch.load(s2l_path, weights_only=True)
    ckpt.update(state_dict=_random_model(cfg).state_dict(), config=cfg.to_dict(),
                apc_sha256=apc_sha or sha256_of(apc_path))
    torch.save(ckpt, s2l_path)
    write_sha256_sidecar(s2l_path)
    return s2l_path


def test_apc_listening_model_hears_mfccs_phones_and_apc_codes_in_that_order(tmp_path):
    model = SpeechToLandmarks.load(_save_with_apc(tmp_path))
    assert model.model.cfg.n_features == 88 and model.apc.dims == 8
    mfcc = np.random.default_rng(0).normal(size=(30, 40)).clip(-2.5, 2.5).astype(np.float32)
    face0 = closed_mouth(np.random.default_rng(1).normal(size=(68, 2)).astype(np.float32))
    emotion = np.zeros((30, 8), np.float32)
    emotion[:, 0] = 1
    feats = np.concatenate([mfcc, model.phones(mfcc), model.apc(mfcc)], axis=1)
    ref = model.model.generate(torch.from_numpy(feats)[None], torch.from_numpy(face0)[None],
                               torch.from_numpy(emotion)[None])[0].numpy()
    np.testing.assert_allclose(model.predict(mfcc, face0), ref, atol=1e-4)


def test_apc_listening_model_refuses_a_different_apc(tmp_path):
    from core.errors import ModelWeightsError

    with pytest.raises(ModelWeightsError, match="APC they were trained with"):
        SpeechToLandmarks.load(_save_with_apc(tmp_path, apc_sha="0" * 64))
