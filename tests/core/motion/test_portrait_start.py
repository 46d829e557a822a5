"""The animation starts on the portrait's own mouth and settles within a few frames."""

from __future__ import annotations

import numpy as np

from core.landmarks.face_template import load_template
from core.motion.portrait_start import portrait_weight, start_on_portrait
from core.landmarks.face_geometry import mouth_openness
from core.motion.rest_face import closed_mouth


def _open_portrait() -> np.ndarray:
    face = np.asarray(load_template()["points3d"], np.float32).copy()
    face[[65, 66, 67, 55, 56, 57, 58, 59, 7, 8, 9], 1] += 0.15  # lower lip and chin dropped
    return face


def test_first_frame_is_the_portrait_and_the_mouth_settles_to_the_motion():
    portrait = _open_portrait()
    rest = closed_mouth(portrait)
    motion = np.repeat(rest[None], 30, axis=0)  # a model that keeps the mouth at rest
    out = start_on_portrait(motion, portrait, rest, 30.0)
    np.testing.assert_allclose(out[0], portrait[:, :2], atol=1e-6)
    opening = mouth_openness(out)
    assert opening[0] > 0.1 and np.all(np.diff(opening) <= 1e-9)
    assert opening[3] < 0.1 * opening[0] and opening[5] < 0.01, "not settled after 0.1 s"
    np.testing.assert_array_equal(out[:, 17:48], motion[:, 17:48])  # brows, nose and eyes untouched


def test_speech_motion_is_kept_on_top_of_the_portrait_mouth():
    portrait = _open_portrait()
    rest = closed_mouth(portrait)
    motion = np.repeat(rest[None], 5, axis=0)
    motion[:, 66, 1] += 0.05  # the model opens the lower lip
    out = start_on_portrait(motion, portrait, rest, 30.0)
    np.testing.assert_allclose(out[0, 66], portrait[66, :2] + [0, 0.05], atol=1e-6)


def test_a_closed_portrait_changes_nothing_and_the_settling_time_follows_fps():
    rest = closed_mouth(_open_portrait())
    motion = np.random.default_rng(0).normal(size=(8, 68, 2)).astype(np.float32)
    np.testing.assert_allclose(start_on_portrait(motion, rest, rest, 30.0), motion)
    assert start_on_portrait(motion[:0], rest, rest, 30.0).shape == (0, 68, 2)
    np.testing.assert_allclose(portrait_weight(7, 60.0)[6], portrait_weight(4, 30.0)[3])
