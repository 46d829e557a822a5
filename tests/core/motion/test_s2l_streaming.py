"""Long lines run a block at a time: the blocks must give the frames one pass would give,
and report progress inside the stage (issue 16: 2 h of audio, memory flat, progress moving)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import core.audio.apc as apc
import core.audio.phone_net as phone_net
import core.motion.s2l_inference as s2l_inference
from core.audio.audio_io import Audio, load_audio
from core.landmarks.face_template import load_template
from core.motion.s2l_inference import DEFAULT_WEIGHTS, SpeechToLandmarks
from tests.core.audio.speech_fixture import espeak_wav

torch.set_num_threads(1)

pytestmark = pytest.mark.skipif(not DEFAULT_WEIGHTS.is_file(), reason="weights/s2l/s2l_small.pt not shipped")


@pytest.fixture(scope="module")
def model() -> SpeechToLandmarks:
    return SpeechToLandmarks.load()


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> Audio:
    """Two espeak-ng sentences with pauses around them (~7 s, ~210 frames at 30 fps)."""
    folder = tmp_path_factory.mktemp("stream")
    first = load_audio(espeak_wav(folder / "a.wav", "Bring the big map, please.")).samples
    second = load_audio(espeak_wav(folder / "b.wav", "Open wide and say papa and mama.")).samples
    pause = np.zeros(8000, np.float32)
    return Audio(np.concatenate([pause, first * 0.2, pause, pause, second, pause]))


def _animate(model: SpeechToLandmarks, speech: Audio) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    reports: list[tuple[str, int, int]] = []
    face0 = np.asarray(load_template()["points3d"], np.float32)
    motion, _mfcc = model.animate_speech(speech, 30.0, face0, progress=lambda *r: reports.append(r))
    return motion, reports


def test_small_blocks_give_the_frames_of_one_pass(model, speech, monkeypatch):
    whole, _ = _animate(model, speech)
    # Block sizes that share no divisor, so no block edge of one network meets another's.
    monkeypatch.setattr(s2l_inference, "STREAM_FRAMES", 37)
    monkeypatch.setattr(phone_net, "STREAM_FRAMES", 23)
    monkeypatch.setattr(apc, "STREAM_FRAMES", 29)
    blocked, reports = _animate(model, speech)
    assert sum(stage == "Predicting lip motion" for stage, _d, _t in reports) >= 5, "the line ran in one block"
    assert blocked.shape == whole.shape and blocked.dtype == np.float32
    np.testing.assert_allclose(blocked, whole, atol=1e-4)


def test_apc_stream_with_carried_state_equals_whole_line(model, speech):
    from core.audio.features import mfcc_per_frame

    mfcc = mfcc_per_frame(speech, 30.0)
    whole, _ = model.apc.stream(mfcc)
    head, state = model.apc.stream(mfcc[:50])
    tail, _ = model.apc.stream(mfcc[50:], state)
    np.testing.assert_allclose(np.concatenate([head, tail]), whole, atol=1e-5)
    cold, _ = model.apc.stream(mfcc[50:])  # without the state the codes differ: the state matters
    assert np.abs(cold[:5] - whole[50:55]).max() > 1e-3


def test_progress_moves_inside_each_stage(model, speech, monkeypatch):
    monkeypatch.setattr(s2l_inference, "STREAM_FRAMES", 50)
    monkeypatch.setattr(phone_net, "STREAM_FRAMES", 50)
    _motion, reports = _animate(model, speech)
    for stage in ("Hearing phones", "Predicting lip motion", "Shaping the mouth"):
        done = [d for s, d, _t in reports if s == stage]
        totals = {t for s, _d, t in reports if s == stage}
        assert len(done) >= 4 and done == sorted(done), f"{stage}: {done}"
        assert totals == {done[-1]}, f"{stage} does not end at its total"
