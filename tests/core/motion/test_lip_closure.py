"""Lips shut on bilabials in proportion to the phone probability."""

from __future__ import annotations

import numpy as np

from core.audio.phone_net import PHONES
from core.motion.lip_closure import CLOSURE_GAIN, close_on_bilabials, closure_gate
from core.landmarks.face_geometry import mouth_openness
from tests.core.evaluation.synthetic import face_with_openness


def _phones(*names_and_probs: tuple[str, float]) -> np.ndarray:
    rows = np.zeros((len(names_and_probs), len(PHONES)), np.float32)
    for i, (name, p) in enumerate(names_and_probs):
        rows[i, PHONES.index(name)] = p
        rows[i, PHONES.index("AA")] += 1.0 - p
    return rows


def test_gate_keeps_vowels_and_shuts_sure_bilabials():
    gate = closure_gate(_phones(("AA", 1.0), ("M", 1.0), ("B", 0.5 / CLOSURE_GAIN), ("P", 0.6)))
    np.testing.assert_allclose(gate, [1.0, 0.0, 0.5, 0.0], atol=1e-6)


def test_lips_close_on_b_and_stay_open_on_a():
    open_face = face_with_openness(np.full(2, 0.3))[..., :2]
    closed = face_with_openness(np.zeros(1))[0, :, :2]
    out = close_on_bilabials(open_face, closed, _phones(("AA", 1.0), ("B", 1.0)))
    openness = mouth_openness(out)
    assert abs(openness[0] - mouth_openness(open_face[:1])[0]) < 1e-6
    assert openness[1] < 0.01
    np.testing.assert_allclose(out[1, :17], closed[:17], atol=1e-6)  # the jaw comes up with the lip
