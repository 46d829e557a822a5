"""The mouth rests in pauses: a voice-activity gate on the predicted motion.

S2L learned silence from room tone; digital silence, breaths and long pauses in
a user's line can still leave the lips slightly parted. Animation tools close
the mouth whenever nobody speaks (Rhubarb's rest shape), so non-speech frames
ease the jaw and lips back onto the closed identity face.

Only where a listener hears a pause, though: before the first word, after the last,
and in gaps of REST_MIN_PAUSE_SECONDS or longer. Real speakers keep their lips parted
through the short gaps between words (measured on the 80 talking clips: closed in 25 %
of frames of gaps under 0.4 s), and shutting the mouth in each one made it snap.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

REST_POINTS = np.r_[0:17, 48:68]  # jaw and lips: what speech moves
RAMP_SECONDS = 0.1  # how long the mouth takes to settle or to leave the rest
REST_MIN_PAUSE_SECONDS = 0.4  # shorter gaps between words keep the speech motion


def bridge_short_gaps(speech: np.ndarray, fps: float, min_pause: float = REST_MIN_PAUSE_SECONDS) -> np.ndarray:
    """T bools with every non-speech run shorter than ``min_pause`` that lies *between*
    speech counted as speech (the line's leading and trailing silence always rests)."""
    speech = np.asarray(speech, dtype=bool).copy()
    edges = np.flatnonzero(np.diff(np.r_[0, (~speech).astype(np.int8), 0]))
    for start, stop in zip(edges[::2], edges[1::2]):
        interior = start > 0 and stop < len(speech)
        if interior and stop - start < min_pause * fps:
            speech[start:stop] = True
    return speech


def speech_gate(speech: np.ndarray, fps: float, min_pause: float | None = None) -> np.ndarray:
    """T bool speech decisions → T weights 0..1 with short ramps (no popping); 0 only in
    pauses a listener hears (``bridge_short_gaps``, default REST_MIN_PAUSE_SECONDS;
    ``min_pause=0`` rests in every gap, as before issue 13)."""
    width = max(1, int(round(RAMP_SECONDS * fps)))
    held = bridge_short_gaps(speech, fps, REST_MIN_PAUSE_SECONDS if min_pause is None else min_pause)
    return np.clip(uniform_filter1d(held.astype(np.float64), size=width, mode="nearest"), 0.0, 1.0)


def rest_in_silence(motion: np.ndarray, rest: np.ndarray, speech: np.ndarray, fps: float) -> np.ndarray:
    """T×68×2 motion with jaw and lips blended to ``rest`` (68×2) where nobody speaks."""
    if len(motion) == 0:
        return np.array(motion, np.float32, copy=True)
    return blend_to_rest(motion, rest, speech_gate(speech[: len(motion)], fps))


def blend_to_rest(motion: np.ndarray, rest: np.ndarray, gate: np.ndarray) -> np.ndarray:
    """Jaw and lips of T×68×2 ``motion`` moved towards ``rest``: gate 1 keeps the motion, 0 is rest."""
    motion = np.array(motion, np.float32, copy=True)
    gate = np.asarray(gate, np.float32)[: len(motion), None, None]
    rest_part = np.asarray(rest, np.float32)[REST_POINTS][None]
    motion[:, REST_POINTS] = rest_part + gate * (motion[:, REST_POINTS] - rest_part)
    return motion
