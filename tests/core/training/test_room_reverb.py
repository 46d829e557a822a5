"""Room reverb for training audio: a decaying tail of the right length, level kept."""

from __future__ import annotations

import numpy as np

from core.training.room_reverb import reverberant, room_impulse


def test_impulse_decays_60_db_over_the_reverberation_time():
    ir = room_impulse(0.5, 16000, np.random.default_rng(0))
    assert len(ir) == 8000 and ir[0] == 1.0
    first, last = np.abs(ir[1:800]).mean(), np.abs(ir[-800:]).mean()
    assert 20 * np.log10(first / last) > 40


def test_reverberant_copy_keeps_length_and_peak_and_smears_a_click():
    click = np.zeros(16000, np.float32)
    click[1000] = 0.5
    wet = reverberant(click, 16000, 0.3, np.random.default_rng(1))
    assert wet.shape == click.shape and np.isclose(np.abs(wet).max(), 0.5)
    assert np.abs(wet[1100:5000]).max() > 1e-3  # the room answers after the click
    assert np.abs(wet[:1000]).max() < 1e-6  # but never before it (FFT rounding aside)
    assert reverberant(np.zeros(0, np.float32), 16000, 0.3, np.random.default_rng(0)).shape == (0,)
