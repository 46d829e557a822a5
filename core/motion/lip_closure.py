"""The lips close on /m/, /b/ and /p/: the one mouth shape speech makes certain.

Bilabial stops and nasals cannot be said with parted lips, and a viewer notices a
"b" said through an open mouth at once (Rhubarb and animators' viseme charts keep
the same rule). S2L learned this only loosely from 90 s of video, so the lips are
pulled onto the closed identity face in proportion to how sure PhoneNet (or a
forced-aligned transcript) is that a bilabial is being said.
"""

from __future__ import annotations

import numpy as np

from core.audio.phone_net import PHONES
from core.motion.silence_rest import blend_to_rest

BILABIALS = ("M", "B", "P")
# Lips fully shut once bilabials hold half of the phone probability. Chosen on the
# leave-speakers-out cross-validation (one number for everyone): gain 0 / 1 / 2 / 3 / 5
# gave mean r0 0.338 / 0.356 / 0.366 / 0.371 / 0.373 while M-P crept up from 3 on.
CLOSURE_GAIN = 2.0
_COLUMNS = [PHONES.index(p) for p in BILABIALS]


def closure_gate(phones: np.ndarray, gain: float = CLOSURE_GAIN) -> np.ndarray:
    """T×40 phone probabilities → T weights: 1 keeps the lips as predicted, 0 shuts them."""
    phones = np.asarray(phones, np.float32)
    return 1.0 - np.clip(gain * phones[:, _COLUMNS].sum(axis=1), 0.0, 1.0)


def close_on_bilabials(motion: np.ndarray, rest: np.ndarray, phones: np.ndarray,
                       gain: float = CLOSURE_GAIN) -> np.ndarray:
    """T×68×2 motion with jaw and lips pulled onto ``rest`` (68×2, closed) on bilabials."""
    return blend_to_rest(motion, rest, closure_gate(phones[: len(motion)], gain))
