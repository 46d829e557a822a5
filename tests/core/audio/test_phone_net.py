"""PhoneNet: shapes, probabilities, look-ahead and the checked loader."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.audio.features import FeatureStats
from core.audio.phone_net import DEFAULT_WEIGHTS, N_PHONES, PhoneNet, PhoneNetConfig, PhonePosteriors
from core.errors import ModelWeightsError
from core.training.model_record import save_checkpoint

torch.set_num_threads(1)


def _saved(tmp_path, cfg=PhoneNetConfig(width=16)) -> tuple:
    torch.manual_seed(0)
    net = PhoneNet(cfg)
    path = tmp_path / "phone_net.pt"
    stats = FeatureStats(np.zeros(40, np.float32), np.ones(40, np.float32))
    save_checkpoint(path, net, cfg.to_dict(), stats, 30.0)
    return path, net


def test_posteriors_are_probabilities_per_frame(tmp_path):
    path, _ = _saved(tmp_path)
    post = PhonePosteriors.load(path)(np.random.default_rng(0).normal(size=(50, 40)).astype(np.float32))
    assert post.shape == (50, N_PHONES)
    np.testing.assert_allclose(post.sum(1), 1.0, atol=1e-5)
    assert (post >= 0).all()
    assert PhonePosteriors.load(path)(np.zeros((0, 40), np.float32)).shape == (0, N_PHONES)


@pytest.mark.parametrize("lookahead", [0, 2, 4])
def test_sees_exactly_lookahead_future_frames(lookahead):
    net = PhoneNet(PhoneNetConfig(width=16, layers=4, kernel=3, lookahead=lookahead)).eval()
    x = torch.randn(1, 40, 40)
    t = 20
    changed = x.clone()
    changed[0, t + lookahead + 1:] += 5.0  # the future beyond the look-ahead
    with torch.no_grad():
        assert torch.allclose(net(x)[0, : t + 1], net(changed)[0, : t + 1], atol=1e-6)
        if lookahead:
            nearer = x.clone()
            nearer[0, t + lookahead] += 5.0  # the last future frame it may see
            assert not torch.allclose(net(x)[0, t], net(nearer)[0, t])


def test_lookahead_beyond_receptive_field_is_refused():
    with pytest.raises(ValueError, match="lookahead"):
        PhoneNet(PhoneNetConfig(layers=2, kernel=3, lookahead=3))


def test_missing_and_tampered_weights_are_refused(tmp_path):
    with pytest.raises(ModelWeightsError, match="not found"):
        PhonePosteriors.load(tmp_path / "absent.pt")
    path, _ = _saved(tmp_path)
    (tmp_path / "phone_net.pt.sha256").write_text("0" * 64 + "  phone_net.pt\n")
    with pytest.raises(ModelWeightsError, match="Checksum mismatch"):
        PhonePosteriors.load(path)


@pytest.mark.skipif(not DEFAULT_WEIGHTS.is_file(), reason="weights/phones/phone_net.pt not shipped")
def test_shipped_net_hears_speech_and_silence(tmp_path):
    from core.audio.audio_io import Audio, load_audio
    from core.audio.features import mfcc_per_frame
    from tests.core.audio.speech_fixture import espeak_wav

    speech = load_audio(espeak_wav(tmp_path / "s.wav", "Please put the big blue book on the table."))
    pause = np.zeros(16000, np.float32)
    mfcc = mfcc_per_frame(Audio(np.concatenate([pause, speech.samples, pause])), 30.0)
    post = PhonePosteriors.load()(mfcc)
    silence_prob = post[:, 0]
    assert silence_prob[5:25].mean() > 0.8  # the leading second of silence
    assert silence_prob[40:-40].mean() < 0.5  # inside the sentence
