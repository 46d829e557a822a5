"""Per-video-frame audio features: 40 MFCCs and log-energy.

One feature vector per video frame at any fps: frame ``i`` is a 1024-sample
window centred on the middle of video frame ``i`` (time ``(i + 0.5) / fps``).
The hop ``sr / fps`` is generally fractional (533.3 samples at 30 fps), so the
windows are placed by rounding each centre rather than with a fixed integer hop.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core.audio.audio_io import Audio
from core.timebase import frame_count

N_MFCC = 40
N_FFT = 1024
N_MELS = 64
# Frames are transformed in chunks so an hour of audio never builds a 400 MB frame matrix.
_CHUNK = 4096
_EPS = 1e-10


def mfcc_per_frame(audio: Audio, fps: float = 30.0, gain: float = 1.0,
                   progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """T×40 float32 MFCCs, one row per video frame (T = ceil(duration * fps)), of the
    samples scaled by ``gain`` (as core.audio.loudness would scale them, without a copy).
    ``progress(done, total)`` is called after each chunk of frames."""
    dct, total = _dct_matrix(), frame_count(audio.duration, fps)
    out: list[np.ndarray] = []
    for mel_db in _log_mel_chunks(audio, fps, gain):
        out.append((mel_db.astype(np.float32) @ dct).astype(np.float32))
        if progress is not None:
            progress(min(len(out) * _CHUNK, total), total)
    return _concat(out, N_MFCC)


def log_energy_per_frame(audio: Audio, fps: float = 30.0) -> np.ndarray:
    """T float32 log10 mean-square energy of the same windows (silence ≈ -10)."""
    out = [np.log10(np.mean(f * f, axis=1) + _EPS) for f in _frame_chunks(audio, fps)]
    return _concat(out, 0)


def utterance_normalized(features: np.ndarray, floor: float = 1e-2) -> np.ndarray:
    """Per-utterance mean/variance normalization (CMVN) of T×D features.

    Removes the microphone, room and voice colouring that differ between
    recordings, so a model trained on a few speakers hears the phonetic changes.
    ``floor`` keeps near-constant dimensions (digital silence) from blowing up.
    """
    features = np.asarray(features, np.float32)
    if len(features) == 0:
        return features
    std = np.maximum(features.std(axis=0), floor)
    return ((features - features.mean(axis=0)) / std).astype(np.float32)


@dataclass(frozen=True)
class FeatureStats:
    """Per-dimension mean and std used to standardise MFCCs for the models."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, features: np.ndarray) -> FeatureStats:
        """Stats over rows of an N×D array."""
        return cls(features.mean(0).astype(np.float32), (features.std(0) + 1e-5).astype(np.float32))

    def apply(self, features: np.ndarray) -> np.ndarray:
        """Standardise T×D features."""
        return ((features - self.mean) / self.std).astype(np.float32)

    def to_dict(self) -> dict[str, list[float]]:
        """Plain lists, storable inside a weights_only checkpoint."""
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, list[float]]) -> FeatureStats:
        """Inverse of to_dict."""
        return cls(np.asarray(data["mean"], np.float32), np.asarray(data["std"], np.float32))


def _log_mel_chunks(audio: Audio, fps: float, gain: float = 1.0) -> Iterator[np.ndarray]:
    mel = _mel_matrix(audio.sample_rate)
    window = _window()
    for frames in _frame_chunks(audio, fps, gain):
        power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
        yield 10.0 * np.log10(np.maximum(power @ mel, _EPS))


def _frame_chunks(audio: Audio, fps: float, gain: float = 1.0) -> Iterator[np.ndarray]:
    """Yield chunks of 1024-sample windows centred on each video frame (zeros beyond the ends).

    Each chunk slices only the samples it needs: a zero-padded copy of the whole line
    would hold another 4 bytes a sample (0.5 GB for two hours)."""
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    count = frame_count(audio.duration, fps)
    offsets = np.arange(N_FFT)
    for start in range(0, count, _CHUNK):
        idx = np.arange(start, min(count, start + _CHUNK))
        centres = np.round((idx + 0.5) * audio.sample_rate / fps).astype(np.int64)
        first = np.minimum(centres, len(audio.samples)) - N_FFT // 2  # sample under each window's start
        segment = _zero_padded(audio.samples, int(first[0]), int(first[-1]) + N_FFT, gain)
        yield segment[(first - first[0])[:, None] + offsets]


def _zero_padded(samples: np.ndarray, start: int, stop: int, gain: float) -> np.ndarray:
    """float32 ``samples[start:stop] * gain`` with zeros where the range leaves the line."""
    out = np.zeros(stop - start, np.float32)
    lo, hi = max(start, 0), min(stop, len(samples))
    if hi > lo:
        part = samples[lo:hi].astype(np.float32, copy=False)
        out[lo - start: hi - start] = part * np.float32(gain) if gain != 1.0 else part
    return out


def _concat(parts: list[np.ndarray], width: int) -> np.ndarray:
    if not parts:
        return np.zeros((0, width) if width else (0,), np.float32)
    return np.concatenate(parts).astype(np.float32)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    return np.hanning(N_FFT + 1)[:-1].astype(np.float32)


@lru_cache(maxsize=4)
def _mel_matrix(sample_rate: int) -> np.ndarray:
    """(N_FFT/2+1)×N_MELS Slaney-style mel filterbank, equal to
    ``librosa.filters.mel(sr=sample_rate, n_fft=N_FFT, n_mels=N_MELS).T``.

    Computed here in numpy because importing librosa's filters (and the scipy.signal
    it pulls in) cost ~1.2 s of every command's start-up for a 64×513 matrix."""
    fft_hz = np.fft.rfftfreq(N_FFT, d=1.0 / sample_rate)
    mel_hz = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(sample_rate / 2.0), N_MELS + 2))
    spacing = np.diff(mel_hz)
    ramps = np.subtract.outer(mel_hz, fft_hz)
    lower = -ramps[:N_MELS] / spacing[:N_MELS, None]
    upper = ramps[2:] / spacing[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper)).astype(np.float32)
    weights *= (2.0 / (mel_hz[2:] - mel_hz[:N_MELS]))[:, None]  # Slaney: equal area per band
    return weights.T.astype(np.float32)


_MEL_LINEAR_HZ = 200.0 / 3  # Slaney mel scale: linear below 1 kHz, logarithmic above
_MEL_LOG_START_HZ = 1000.0
_MEL_LOG_STEP = math.log(6.4) / 27.0


def _hz_to_mel(hz: float) -> float:
    if hz < _MEL_LOG_START_HZ:
        return hz / _MEL_LINEAR_HZ
    return _MEL_LOG_START_HZ / _MEL_LINEAR_HZ + math.log(hz / _MEL_LOG_START_HZ) / _MEL_LOG_STEP


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    start = _MEL_LOG_START_HZ / _MEL_LINEAR_HZ
    hz = _MEL_LINEAR_HZ * mels
    log_part = mels >= start
    hz[log_part] = _MEL_LOG_START_HZ * np.exp(_MEL_LOG_STEP * (mels[log_part] - start))
    return hz


@lru_cache(maxsize=1)
def _dct_matrix() -> np.ndarray:
    """Orthonormal DCT-II (N_MELS → N_MFCC), as librosa.feature.mfcc uses; equal to
    ``scipy.fft.dct(np.eye(N_MELS), type=2, norm="ortho", axis=0)[:, :N_MFCC]``."""
    k = np.arange(N_MELS)[:, None]
    n = np.arange(N_MELS)[None, :]
    basis = np.sqrt(2.0 / N_MELS) * np.cos(np.pi * k * (2 * n + 1) / (2 * N_MELS))
    basis[0] *= np.sqrt(0.5)
    return basis[:, :N_MFCC].astype(np.float32)
