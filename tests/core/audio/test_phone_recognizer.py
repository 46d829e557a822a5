"""pocketsphinx phones: forced alignment of a transcript to real speech, and its errors."""

from __future__ import annotations

import itertools
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from core.audio.audio_io import load_audio
from core.audio.phone_net import PHONES
from core.audio.phone_recognizer import (LABEL_FPS, align_phones, align_transcript, one_hot_frames, recognize_phones,
                                         transcript_words)
from core.errors import TranscriptError

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "packaging"))
from make_sample import SENTENCE_1, SENTENCE_2  # noqa: E402

pytest.importorskip("pocketsphinx")


@pytest.fixture(scope="module")
def sample_speech():
    return load_audio(REPO / "resources" / "sample" / "speech.wav")


def test_transcript_aligns_every_phone_in_order(sample_speech):
    labels = align_phones(sample_speech, f"{SENTENCE_1}\n{SENTENCE_2}")
    assert len(labels) == int(np.ceil(sample_speech.duration * LABEL_FPS)) + 1
    sequence = [PHONES[k] for k, _ in itertools.groupby(labels) if k]
    # "Hello there ... Welcome ... Space ... pictures ... Give me a voice"
    assert sequence[:3] == ["HH", "AH", "L"]
    starts = {p: sequence.index(p) for p in ("M", "P", "V", "OY")}
    assert starts["M"] < starts["P"] < starts["V"] < starts["OY"]
    # The full stop's pause is silence, and it lies inside the audio's quiet gap.
    speech = np.flatnonzero(labels)
    gaps = np.flatnonzero(np.diff(speech) > 20)
    assert len(gaps) >= 1


def test_unknown_words_are_named(sample_speech):
    with pytest.raises(TranscriptError, match="xqzzyv"):
        align_phones(sample_speech, "Hello xqzzyv there")


def test_empty_transcript_is_refused(sample_speech):
    with pytest.raises(TranscriptError, match="no words"):
        align_phones(sample_speech, " ... !! ")


def test_numbers_must_be_words(sample_speech):
    with pytest.raises(TranscriptError, match="as words.*42"):
        align_phones(sample_speech, "Hello 42 there")


def test_words_are_normalized():
    assert transcript_words("Don’t STOP, now!\nthree times") == ["don't", "stop", "now", "three", "times"]


def test_one_hot_rows_take_the_phone_at_each_frame_centre():
    labels = np.repeat(np.arange(5), 20)  # phone k during [k/5, (k+1)/5) s
    rows = one_hot_frames(labels, 10.0, 10)
    assert rows.shape == (10, len(PHONES))
    np.testing.assert_array_equal(rows.sum(1), 1.0)
    np.testing.assert_array_equal(rows.argmax(1), [0, 0, 1, 1, 2, 2, 3, 3, 4, 4])


def test_threads_aligning_and_recognizing_at_once_get_the_same_answers(sample_speech):
    # The studio aligns in its lip thread while the mouth-shape lane aligns in another;
    # the shared decoders crashed the process (SIGSEGV) before they were serialized.
    text = f"{SENTENCE_1}\n{SENTENCE_2}"
    alone = align_transcript(sample_speech, text)
    heard = recognize_phones(sample_speech)
    with ThreadPoolExecutor(4) as pool:
        aligned = [pool.submit(align_transcript, sample_speech, text) for _ in range(3)]
        recognized = [pool.submit(recognize_phones, sample_speech) for _ in range(3)]
        for job in aligned:
            labels, words = job.result()
            assert np.array_equal(labels, alone[0]) and words == alone[1]
        for job in recognized:
            assert np.array_equal(job.result(), heard)
