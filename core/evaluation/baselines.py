"""Reference predictors every model must beat.

- still face: the portrait's landmarks repeated — zero motion;
- audio-energy jaw: mouth openness proportional to the smoothed loudness,
  realised by moving the lower lip and jaw of the portrait down;
- phone visemes: a Rhubarb-style mouth-shape table read through PhoneNet's
  phone posteriors (how open each phone leaves the jaw, from phonetics, not
  fitted to any video), moving the jaw the same way.

The energy-jaw gain is one constant for everybody (``ENERGY_JAW_GAIN``),
never fitted per clip, so the baseline knows nothing the audio does not say.
"""

from __future__ import annotations

import numpy as np

from core.evaluation.metrics import mouth_width
from core.evaluation.predictor import PredictionInput
from core.audio.voice_activity import rms_per_frame

# Openness (gap / mouth width) added at full loudness: the mean over the 19
# talking clips of std(real openness) / std(normalized loudness)
# (fit_energy_gain on core.training.face_tracks tracks), rounded; the same for
# every clip. Only the position / area metrics depend on it, not r.
ENERGY_JAW_GAIN = 0.27
# Loudness is divided by this percentile of the clip's RMS so that recording
# level does not matter; the top 5 % of frames saturate at full openness.
LOUDNESS_PERCENTILE = 95.0
SMOOTH_FRAMES = 3  # ≈ 100 ms at 30 fps: one syllable nucleus

# How far each landmark follows the lower lip (1 = all the way). The jaw
# falls off from the chin (8) towards the ears; the corners barely move.
_FOLLOW = np.zeros(68)
_FOLLOW[[55, 56, 57, 58, 59, 65, 66, 67]] = 1.0
_FOLLOW[[48, 54, 60, 64]] = 0.3
_FOLLOW[0:17] = 0.8 * np.clip(1 - np.abs(np.arange(17) - 8) / 6, 0, 1)


VISEME_GAIN = 0.35  # openness (gap / width) of the widest vowel


def still_face(inputs: PredictionInput) -> np.ndarray:
    """The portrait's own landmarks in every frame (T×68×2)."""
    face = np.asarray(inputs.face0, np.float32)[:, :2]
    return np.repeat(face[None], inputs.n_frames, axis=0)


def normalized_loudness(inputs: PredictionInput) -> np.ndarray:
    """Smoothed per-frame RMS divided by the clip's 95th percentile, in [0, 1]."""
    rms = rms_per_frame(inputs.samples, inputs.sample_rate, inputs.fps, inputs.n_frames)
    if rms.size == 0:
        return rms
    kernel = np.ones(SMOOTH_FRAMES) / SMOOTH_FRAMES
    smooth = np.convolve(rms, kernel, mode="same")
    scale = np.percentile(smooth, LOUDNESS_PERCENTILE)
    if scale <= 0:
        return np.zeros_like(smooth)
    return np.clip(smooth / scale, 0.0, 1.0)


def _down_direction(face: np.ndarray) -> np.ndarray:
    """Unit vector from the nose bridge (27) to the chin (8): 'down' for this face."""
    direction = face[8, :2] - face[27, :2]
    return direction / max(float(np.linalg.norm(direction)), 1e-9)


def energy_jaw(inputs: PredictionInput, gain: float = ENERGY_JAW_GAIN) -> np.ndarray:
    """Portrait with the lower lip dropped by gain × loudness × mouth width (T×68×2)."""
    return _jaw_dropped(inputs.face0, gain * normalized_loudness(inputs))


def phone_visemes(inputs: PredictionInput, gain: float = VISEME_GAIN, posteriors=None) -> np.ndarray:
    """Portrait with the jaw opened by the expected phone openness (T×68×2).

    ``posteriors`` maps T×40 MFCCs to T×40 phone probabilities (default: the
    shipped PhoneNet)."""
    from core.audio.audio_io import Audio
    from core.audio.features import mfcc_per_frame
    from core.audio.phone_net import PHONE_OPENNESS, PHONES, PhonePosteriors

    posteriors = posteriors or PhonePosteriors.load()
    mfcc = mfcc_per_frame(Audio(inputs.samples, inputs.sample_rate), inputs.fps)
    mfcc = np.pad(mfcc, ((0, max(0, inputs.n_frames - len(mfcc))), (0, 0)), mode="edge")[: inputs.n_frames]
    table = np.array([PHONE_OPENNESS[p] for p in PHONES])
    return _jaw_dropped(inputs.face0, gain * (posteriors(mfcc) @ table))


def cue_predictor(model, gain: float = VISEME_GAIN):
    """Our mouth cues read back through each shape's opening (core.export.mouth_cues
    SHAPE_OPENING, from Rhubarb's shape descriptions; D, the widest, opens as far as the
    phone visemes' widest vowel), moving the jaw like the other baselines: how much of
    the lip motion survives the trip through A–H/X shapes.
    ``model``: a loaded SpeechToLandmarks (the cues come from its motion + phones)."""
    from core.audio.audio_io import Audio
    from core.export.mouth_cues import cue_openness, cues_from_motion

    def predict(inputs: PredictionInput) -> np.ndarray:
        audio = Audio(inputs.samples, inputs.sample_rate)
        motion, mfcc = model.animate_speech(audio, inputs.fps, inputs.face0)
        cues = cues_from_motion(audio, motion, mfcc, inputs.fps, posteriors=model.phones)
        return _jaw_dropped(inputs.face0, gain * cue_openness(cues, inputs.fps, inputs.n_frames))

    return predict


def _jaw_dropped(face0: np.ndarray, openness: np.ndarray) -> np.ndarray:
    """The portrait with its lower lip and jaw moved down by openness × mouth width."""
    face = np.asarray(face0, np.float64)[:, :2]
    drop = openness * float(mouth_width(face[None])[0])
    offsets = drop[:, None, None] * _FOLLOW[None, :, None] * _down_direction(face)[None, None]
    return (face[None] + offsets).astype(np.float32)


def fit_energy_gain(loudness: list[np.ndarray], openness: list[np.ndarray]) -> float:
    """One gain for many clips: the mean over clips of std(openness) / std(loudness).

    Amplitude matching, not a regression slope: with the weak loudness–lip
    correlation of real speech a slope shrinks towards 0 and would turn the
    baseline into a still face. Each clip has one vote, so a 60 s clip does
    not outweigh a 3 s one; fitting across clips, never one, keeps it generic.
    """
    ratios = []
    for x, y in zip(loudness, openness):
        x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
        keep = np.isfinite(x) & np.isfinite(y)
        if keep.sum() > 1 and x[keep].std() > 0:
            ratios.append(float(y[keep].std() / x[keep].std()))
    return float(np.mean(ratios)) if ratios else 0.0
