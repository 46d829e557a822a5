"""The animation starts on the portrait as given, then the mouth settles.

S2L speaks from the closed-mouth identity face (core.motion.rest_face), so a
portrait caught mid-word or smiling would snap shut on frame 0. Instead frame 0
has the portrait's own jaw and lips, and the difference fades out within the
time every rest transition takes (core.motion.silence_rest.RAMP_SECONDS).

Real faces hold their opening for longer (~0.3 s), and a slower fade follows
them better (cross-validated r0 +0.035 at 0.3 s against +0.017 at 0.1 s), but
every frame of it counts as "open in a pause" where a clip begins in silence:
at 0.3 s the closed-in-silence rate fell below 0.9 on clips with short pauses.
"""

from __future__ import annotations

import numpy as np

from core.motion.silence_rest import RAMP_SECONDS, REST_POINTS


SETTLED = 0.05  # share of the portrait's opening left after RAMP_SECONDS


def portrait_weight(n_frames: int, fps: float) -> np.ndarray:
    """T weights of the portrait's own mouth: 1 on frame 0, exponentially down to SETTLED at RAMP_SECONDS."""
    seconds = np.arange(n_frames) / fps
    return np.power(SETTLED, seconds / RAMP_SECONDS).astype(np.float32)


def start_on_portrait(motion: np.ndarray, portrait: np.ndarray, rest: np.ndarray, fps: float) -> np.ndarray:
    """T×68×2 ``motion`` (spoken from ``rest``) with the portrait's jaw and lips (68×2|3) added
    back on its first frames: frame 0 is the portrait's mouth plus the motion's own change."""
    motion = np.array(motion, np.float32, copy=True)
    offset = (np.asarray(portrait, np.float32)[:, :2] - np.asarray(rest, np.float32)[:, :2])[REST_POINTS]
    weight = portrait_weight(len(motion), fps)
    motion[:, REST_POINTS] += weight[:, None, None] * offset[None]
    return motion
