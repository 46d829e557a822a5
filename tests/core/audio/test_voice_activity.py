import numpy as np
import soundfile as sf

from core.audio.voice_activity import rms_per_frame, voice_activity
from tests.core.evaluation.synthetic import spoken_wav


def test_rms_per_frame_of_a_constant_signal():
    rms = rms_per_frame(np.full(16000, 0.5, np.float32), 16000, 30.0)
    assert len(rms) == 30
    np.testing.assert_allclose(rms, 0.5, atol=1e-6)


def test_speech_found_between_silent_pads(tmp_path):
    samples, rate = sf.read(spoken_wav(tmp_path, pad_s=1.0), dtype="float32")
    speech = voice_activity(samples, rate, 30.0)
    n = len(speech)
    assert not speech[:25].any(), "leading silence (first 0.83 s) marked as speech"
    assert not speech[n - 22:].any(), "trailing silence (last 0.73 s) marked as speech"
    middle = speech[30 : n - 30]
    assert middle.mean() > 0.8, f"only {middle.mean():.0%} of the spoken part is speech"


def test_hangover_bridges_short_gaps():
    rate, fps = 16000, 30.0
    tone = 0.3 * np.sin(np.arange(rate) * 2 * np.pi * 200 / rate).astype(np.float32)
    gap = np.zeros(int(rate * 0.1), np.float32)  # 3 frames
    samples = np.concatenate([np.zeros(rate, np.float32), tone, gap, tone, np.zeros(rate, np.float32)])
    speech = voice_activity(samples, rate, fps)
    assert speech[30 + 30 + 1]  # inside the 100 ms gap
    assert not speech[5] and not speech[-5]
