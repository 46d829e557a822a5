"""A simple energy voice-activity detector, one decision per video frame.

Used by the product (the mouth rests in pauses) and by the evaluation (the
silence metric). Why energy and not a learned VAD: both only need to find the
pauses between phrases of clean single-speaker recordings, and a rule anyone
can re-derive keeps the silence metric reproducible.

Rule (per frame of 1/fps seconds):
1. level = RMS of the frame's samples in dB;
2. a frame is *loud* when its level exceeds both the clip's noise floor
   (10th percentile) + ``floor_margin_db`` and the clip's peak (99th
   percentile) − ``peak_range_db`` — the first rejects steady background
   noise, the second makes the threshold relative to how loud the speaker is;
3. speech = loud frames widened by ``preroll`` frames before (lips move before
   sound starts) and ``hangover`` frames after (trailing fricatives and the
   closing of the mouth), so short gaps inside words stay speech.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.timebase import frame_count

_RMS_BLOCK_FRAMES = 2048  # frames summed together (68 s at 30 fps: ~10 MB of float64)


@dataclass(frozen=True)
class VadConfig:
    """Thresholds of the energy VAD (see the module doc)."""

    floor_margin_db: float = 10.0
    peak_range_db: float = 30.0
    preroll: int = 2  # frames (67 ms at 30 fps)
    hangover: int = 6  # frames (200 ms at 30 fps)


def rms_per_frame(
    samples: np.ndarray, sample_rate: int, fps: float, n_frames: int | None = None, gain: float = 1.0
) -> np.ndarray:
    """RMS of the samples (times ``gain``, in float32 as a scaled copy would hold them) inside
    each video frame's interval (n_frames values). Frames past the end of the audio get 0.

    Summed in float64 a block of frames at a time: a whole-line float64 copy would cost
    8 bytes a sample (0.9 GB for two hours of speech).
    """
    samples = np.asarray(samples)
    if n_frames is None:
        n_frames = frame_count(len(samples) / sample_rate, fps)
    edges = np.minimum(np.round(np.arange(n_frames + 1) * sample_rate / fps).astype(np.int64), len(samples))
    energy = np.empty(n_frames, np.float64)
    for first in range(0, n_frames, _RMS_BLOCK_FRAMES):
        block = edges[first: first + _RMS_BLOCK_FRAMES + 1]
        energy[first: first + len(block) - 1] = _mean_squares(samples, block, gain)
    return np.sqrt(np.maximum(energy, 0.0))


def _mean_squares(samples: np.ndarray, edges: np.ndarray, gain: float) -> np.ndarray:
    """Mean square of ``samples[edges[i]:edges[i + 1]]`` for consecutive frame edges."""
    segment = samples[edges[0]: edges[-1]]
    if gain != 1.0:
        segment = segment * np.float32(gain)
    squares = np.concatenate([[0.0], np.cumsum(np.square(segment, dtype=np.float64))])
    local = edges - edges[0]
    return (squares[local[1:]] - squares[local[:-1]]) / np.maximum(local[1:] - local[:-1], 1)


def _dilate(mask: np.ndarray, before: int, after: int) -> np.ndarray:
    """True wherever a True lies within ``after`` frames before or ``before`` after."""
    out = mask.copy()
    for shift in range(1, after + 1):
        out[shift:] |= mask[:-shift]
    for shift in range(1, before + 1):
        out[:-shift] |= mask[shift:]
    return out


def voice_activity(
    samples: np.ndarray,
    sample_rate: int,
    fps: float,
    n_frames: int | None = None,
    config: VadConfig = VadConfig(),
    gain: float = 1.0,
) -> np.ndarray:
    """Speech (True) / non-speech per video frame, by the rule in the module doc
    (of the samples scaled by ``gain``, without a scaled copy of the line)."""
    level = 20 * np.log10(rms_per_frame(samples, sample_rate, fps, n_frames, gain) + 1e-8)
    if level.size == 0:
        return np.zeros(0, dtype=bool)
    floor, peak = np.percentile(level, 10), np.percentile(level, 99)
    threshold = max(floor + config.floor_margin_db, peak - config.peak_range_db)
    loud = level > threshold
    return widen(loud, config)


def widen(voiced: np.ndarray, config: VadConfig = VadConfig()) -> np.ndarray:
    """Voiced frames widened by the pre-roll before and the hangover after (rule step 3)."""
    return _dilate(np.asarray(voiced, bool), config.preroll, config.hangover)
