"""PhoneNet teacher labels: real phone-loop decoding of real speech, caching, frame mapping."""

from __future__ import annotations

import numpy as np
import pytest

from core.audio.audio_io import Audio, load_audio
from core.audio.phone_net import PHONES
from core.audio.phone_recognizer import LABEL_FPS, recognize_phones
from core.training import phone_labels as pl
from core.training.train_phone_net import frame_labels
from tests.core.audio.speech_fixture import espeak_wav

pytest.importorskip("pocketsphinx")


@pytest.fixture(scope="module")
def sentence(tmp_path_factory):
    wav = espeak_wav(tmp_path_factory.mktemp("phones") / "s.wav", "My mother bought a big blue boat.")
    speech = load_audio(wav)
    pause = np.zeros(8000, np.float32)
    return wav, Audio(np.concatenate([pause, speech.samples, pause]))


def test_speech_gets_phones_and_silence_gets_none(sentence):
    _, audio = sentence
    labels = recognize_phones(audio)
    assert len(labels) == int(np.ceil(audio.duration * LABEL_FPS)) + 1
    assert (labels[:30] == 0).mean() > 0.8  # the leading half second is silence
    inside = labels[60:-60]
    assert (inside > 0).mean() > 0.6
    heard = {PHONES[i] for i in inside}
    assert heard & {"M", "B", "P"}, heard  # bilabials: the mouth-closing sounds of this sentence


def test_labels_are_cached_by_content(sentence, tmp_path):
    wav, _ = sentence
    first = pl.cached_phone_frames(wav, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.npz"))) == 1
    np.testing.assert_array_equal(pl.cached_phone_frames(wav, cache_dir=tmp_path), first)


def test_frame_labels_take_the_phone_at_each_frame_centre():
    labels_100 = np.repeat(np.arange(10), 10)  # phone k during [k/10, (k+1)/10) s
    frames = frame_labels(labels_100, 30)
    centres = (np.arange(30) + 0.5) / 30
    np.testing.assert_array_equal(frames, np.minimum(np.round(centres * 100).astype(int) // 10, 9))
