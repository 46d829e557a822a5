"""Speed-perturbed copies of a training clip: the same talk, said faster or slower.

About 90 s of paired video cannot show S2L every speaking rate a dialogue line
comes at. Like Kaldi's speed perturbation, a copy plays the clip's audio ``speed``
times as fast by resampling (tempo and pitch move together, with no vocoder
artefacts), and the face track is re-timed with it, so the copy is a new
(sound, lips) pair in which every syllable keeps its own mouth.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import numpy as np

from core.audio.audio_io import Audio
from core.audio.features import mfcc_per_frame
from core.training.s2l_dataset import FEATURE_FPS, Clip

SPEEDS = (0.9, 1.1)  # Kaldi's speed-perturbation factors


def faster(samples: np.ndarray, speed: float) -> np.ndarray:
    """``samples`` played ``speed`` times as fast at the same sample rate (1 / speed as long)."""
    from scipy.signal import resample_poly

    ratio = Fraction(1 / speed).limit_denominator(50)
    return resample_poly(np.asarray(samples, np.float32), ratio.numerator, ratio.denominator).astype(np.float32)


def source_frames(start: int, length: int, speed: float) -> tuple[int, np.ndarray]:
    """First frame of the sped-up audio that the clip's frames ``start…start+length-1`` cover,
    and the (fractional) clip frame each of its frames shows.

    Frame t's window is centred at (t + 0.5) / fps; playing ``speed`` times as fast, frame j
    of the copy hears what frame speed · (j + 0.5) − 0.5 heard."""
    first = math.ceil((start + 0.5) / speed - 0.5 - 1e-9)
    last = math.floor((start + length - 0.5) / speed - 0.5 + 1e-9)
    copy = np.arange(first, last + 1)
    return first, speed * (copy + 0.5) - 0.5 - start


def retimed(points: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``points`` (T×…) linearly interpolated at fractional frames ``at``."""
    at = np.clip(at, 0, len(points) - 1)
    lo = np.floor(at).astype(int)
    hi = np.minimum(lo + 1, len(points) - 1)
    w = (at - lo).reshape(-1, *([1] * (points.ndim - 1)))
    return (points[lo] * (1 - w) + points[hi] * w).astype(points.dtype)


def is_tempo_copy(clip: Clip) -> bool:
    """Whether ``clip`` is a copy made by tempo_copy (its name says so)."""
    return "@" in clip.name and clip.name.endswith("x")


def tempo_copy(clip: Clip, audio: Audio, start: int, speed: float) -> Clip:
    """``clip`` (whose frames begin at frame ``start`` of ``audio``) said ``speed`` times as fast."""
    first, at = source_frames(start, len(clip.mfcc), speed)
    mfcc = mfcc_per_frame(Audio(faster(audio.samples, speed), audio.sample_rate), FEATURE_FPS)
    n = min(len(at), len(mfcc) - first)
    return replace(clip, name=f"{clip.name}@{speed:g}x", mfcc=mfcc[first:first + n],
                   points=retimed(clip.points, at[:n]))


def retimed_labels(labels: np.ndarray, start: int, clip: Clip, copy: Clip, speed: float) -> np.ndarray:
    """Per-frame rows of the original clip (``labels``, aligned with ``clip``) at the frames of
    ``copy``: the nearest source frame's row (for one-hot phones, which must stay one-hot)."""
    _, at = source_frames(start, len(clip.mfcc), speed)
    idx = np.clip(np.round(at[: len(copy.mfcc)]).astype(int), 0, len(labels) - 1)
    return labels[idx]
