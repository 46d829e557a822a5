"""The phones a line is heard to contain, per frame: one home for S2L, its lip closure and the cues.

A transcript is forced-aligned (pocketsphinx, exact phones); without one PhoneNet guesses
them from the MFCCs. Both give T×40 rows at the motion's frame rate.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from core.audio.audio_io import Audio


def heard_phones(audio: Audio, mfcc: np.ndarray, fps: float, transcript: str | None = None,
                 posteriors=None, progress: Callable[[int, int], None] | None = None) -> np.ndarray:  # noqa: ANN001
    """T×40 phone probabilities for the T frames of ``mfcc``: one-hot rows aligned to
    ``transcript``, else PhoneNet's posteriors (``posteriors``: a loaded PhonePosteriors,
    default the shipped one; ``progress(done, total)`` follows its blocks)."""
    if transcript is not None:
        from core.audio.loudness import normalized_loudness
        from core.audio.phone_recognizer import align_phones, one_hot_frames

        return one_hot_frames(align_phones(normalized_loudness(audio), transcript), fps, len(mfcc))
    if posteriors is None:
        from core.audio.phone_net import PhonePosteriors

        posteriors = PhonePosteriors.load()
    return posteriors(mfcc, progress)
