"""The mouth rests in pauses a listener hears, not in every gap between words."""

import numpy as np

from core.motion.silence_rest import bridge_short_gaps, rest_in_silence, speech_gate

FPS = 30.0


def _speech(*runs: tuple[bool, int]) -> np.ndarray:
    return np.concatenate([np.full(n, talking) for talking, n in runs])


def test_short_gaps_between_words_count_as_speech_long_pauses_and_ends_do_not():
    speech = _speech((False, 5), (True, 20), (False, 6), (True, 20), (False, 15), (True, 10), (False, 3))
    held = bridge_short_gaps(speech, FPS)
    assert not held[:5].any(), "the silence before the first word rests, however short"
    assert held[25:31].all(), "a 0.2 s gap between words keeps the speech motion"
    assert not held[51:66].any(), "a 0.5 s pause rests"
    assert not held[-3:].any(), "the silence after the last word rests, however short"
    np.testing.assert_array_equal(bridge_short_gaps(speech, FPS, min_pause=0.0), speech)


def test_gate_is_zero_only_in_heard_pauses():
    speech = _speech((True, 30), (False, 6), (True, 30), (False, 30), (True, 30))
    gate = speech_gate(speech, FPS)
    assert gate[30:36].min() == 1.0  # the short gap is bridged
    assert gate[75:90].max() == 0.0  # the middle of the 1 s pause rests
    assert speech_gate(speech, FPS, min_pause=0.0)[32:34].max() < 1.0  # the old behaviour: every gap


def test_rest_in_silence_leaves_short_gaps_open():
    speech = _speech((True, 30), (False, 6), (True, 30), (False, 30))
    motion = np.ones((96, 68, 2), np.float32)
    rest = np.zeros((68, 2), np.float32)
    out = rest_in_silence(motion, rest, speech, FPS)
    assert np.all(out[30:36, 48:68] == 1.0)  # lips keep moving in the gap
    assert np.all(out[-10:, 48:68] == 0.0)  # and rest at the end of the line
