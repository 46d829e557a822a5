"""Jaw and lip smoothing: no lag, softened steps, the rest of the face untouched."""

from __future__ import annotations

import numpy as np

from core.motion.mouth_smoothing import smoothed_mouth
from core.motion.silence_rest import REST_POINTS


def _stepped_motion(frames: int = 60) -> np.ndarray:
    motion = np.zeros((frames, 68, 2), np.float32)
    motion[20:40, :, 1] = 1.0  # every point jumps up for 20 frames and back
    return motion


def test_a_step_of_the_mouth_is_softened_but_not_delayed():
    motion = _stepped_motion()
    smooth = smoothed_mouth(motion, 30.0)
    lip = smooth[:, 66, 1]
    assert 0.1 < lip[19] < 0.5 and 0.5 < lip[20] < 0.9  # a ramp across the step...
    assert np.isclose(lip[19] + lip[20], 1.0, atol=1e-6)  # ...centred on it: zero phase
    assert np.isclose(lip[30], 1.0, atol=1e-4) and np.isclose(lip[5], 0.0, atol=1e-6)
    centre = (np.arange(60) * lip).sum() / lip.sum()
    assert np.isclose(centre, 29.5, atol=1e-3)  # the opening's centre of mass does not move


def test_only_jaw_and_lips_are_smoothed():
    motion = _stepped_motion()
    smooth = smoothed_mouth(motion, 30.0)
    others = np.setdiff1d(np.arange(68), REST_POINTS)
    np.testing.assert_array_equal(smooth[:, others], motion[:, others])
    assert not np.array_equal(smooth[:, REST_POINTS], motion[:, REST_POINTS])


def test_the_blur_is_a_fixed_time_whatever_the_frame_rate():
    at_30 = smoothed_mouth(_stepped_motion(60), 30.0)[:, 66, 1]
    at_60 = smoothed_mouth(np.repeat(_stepped_motion(60), 2, axis=0), 60.0)[:, 66, 1]
    assert np.allclose((at_60[0::2] + at_60[1::2]) / 2, at_30, atol=0.05)  # pairs share a 30 fps frame


def test_short_or_unsmoothed_motion_comes_back_as_a_copy():
    one = np.ones((1, 68, 2), np.float32)
    out = smoothed_mouth(one, 30.0)
    assert out is not one and np.array_equal(out, one)
    motion = _stepped_motion()
    np.testing.assert_array_equal(smoothed_mouth(motion, 30.0, sigma_seconds=0), motion)
