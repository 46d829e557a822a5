"""The mouth rests in pauses: a voice-activity gate on the predicted motion.

S2L learned silence from room tone; digital silence, breaths and long pauses in
a user's line can still leave the lips slightly parted. Animation tools close
the mouth whenever nobody speaks (Rhubarb's rest shape), so non-speech frames
ease the jaw and lips back onto the closed identity face.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

REST_POINTS = np.r_[0:17, 48:68]  # jaw and lips: what speech moves
RAMP_SECONDS = 0.1  # how long the mouth takes to settle or to leave the rest


def speech_gate(speech: np.ndarray, fps: float) -> np.ndarray:
    """T bool speech decisions → T weights 0..1 with short ramps (no popping)."""
    width = max(1, int(round(RAMP_SECONDS * fps)))
    return np.clip(uniform_filter1d(np.asarray(speech, np.float64), size=width, mode="nearest"), 0.0, 1.0)


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
