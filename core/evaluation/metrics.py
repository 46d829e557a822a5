"""Lip-sync metrics on landmark sequences (pure functions on T×68×2 arrays).

All inputs are per-frame iBUG-68 landmarks in the *normalized* (frontalized)
space, x right and y down; a third coordinate, if present, is ignored. Every
function takes an optional ``valid`` mask (T bools) so frames where the real
track lost the face are left out; a velocity counts only when both of its
frames are valid.

Definitions (see ../shared/research/METHOD.md):
- openness = inner-lip gap / mouth width, gap = mean |61–67|, |62–66|, |63–65|,
  width = |48–54|;
- M-P / M-V (SPACE): mouth points 48–67 normalized per frame so the corners
  48 and 54 sit at (−1, 0) and (1, 0); mean absolute coordinate error of
  positions and of frame-to-frame velocities;
- D-LL / D-VL (MakeItTalk): mean Euclidean distance of jaw + lip points
  (0–16, 48–67), and of their velocities, as % of the clip's mean real lip
  width; D-A: |inner-lip polygon area difference| as % of the clip's max real
  area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.landmarks.face_geometry import mouth_openness, mouth_width  # the one openness of the engine

MOUTH_INDICES = np.arange(48, 68)
JAW_LIP_INDICES = np.concatenate([np.arange(0, 17), np.arange(48, 68)])
INNER_LIP_INDICES = np.arange(60, 68)
# Lags (frames at 30 fps) searched for the best openness correlation: ±8 ≈ ±270 ms
# covers audio/video offsets of real recordings and a model's causal delay.
MAX_LAG = 8


@dataclass(frozen=True)
class LagCorrelation:
    """Pearson r at lag 0 and the best r within ±max_lag frames.

    ``best_lag`` > 0 means the prediction trails the real motion: pred[t]
    matches real[t − lag]. NaN / None where a series is constant.
    """

    r0: float
    best_r: float
    best_lag: int | None


def _xy(points: np.ndarray) -> np.ndarray:
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 3 or points.shape[1] != 68 or points.shape[2] < 2:
        raise ValueError(f"landmarks must be T×68×2 (or ×3), got {points.shape}")
    return points[..., :2]


def _mask(valid: np.ndarray | None, length: int) -> np.ndarray:
    if valid is None:
        return np.ones(length, dtype=bool)
    valid = np.asarray(valid, dtype=bool)
    if valid.shape != (length,):
        raise ValueError(f"valid mask must have shape ({length},), got {valid.shape}")
    return valid


def _same_length(pred: np.ndarray, real: np.ndarray) -> None:
    if pred.shape[0] != real.shape[0]:
        raise ValueError(f"prediction has {pred.shape[0]} frames, real track {real.shape[0]}")


def inner_mouth_area(points: np.ndarray) -> np.ndarray:
    """Area of the inner-lip polygon 60–67 (shoelace formula), per frame (T)."""
    ring = _xy(points)[:, INNER_LIP_INDICES]
    x, y = ring[..., 0], ring[..., 1]
    return 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1))


def pearson(a: np.ndarray, b: np.ndarray, valid: np.ndarray | None = None) -> float:
    """Pearson r over valid frames; NaN if fewer than 3 or either is constant."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    keep = _mask(valid, len(a)) & np.isfinite(a) & np.isfinite(b)
    if keep.sum() < 3:
        return float("nan")
    a, b = a[keep] - a[keep].mean(), b[keep] - b[keep].mean()
    denom = np.sqrt((a * a).sum() * (b * b).sum())
    # A still face has an exactly constant openness: r is undefined, not 0.
    if denom < 1e-12:
        return float("nan")
    return float((a * b).sum() / denom)


def _shifted_r(pred: np.ndarray, real: np.ndarray, valid: np.ndarray, lag: int) -> float:
    """r between pred[t] and real[t − lag]."""
    n = len(pred)
    if abs(lag) >= n:
        return float("nan")
    if lag >= 0:
        p, r, v = pred[lag:], real[: n - lag], valid[lag:] & valid[: n - lag]
    else:
        p, r, v = pred[:lag], real[-lag:], valid[:lag] & valid[-lag:]
    return pearson(p, r, v)


def lagged_correlation(
    pred: np.ndarray, real: np.ndarray, valid: np.ndarray | None = None, max_lag: int = MAX_LAG
) -> LagCorrelation:
    """Correlate two per-frame series at lag 0 and at every lag within ±max_lag."""
    pred, real = np.asarray(pred, np.float64), np.asarray(real, np.float64)
    if pred.shape != real.shape:
        raise ValueError(f"series differ in length: {pred.shape} vs {real.shape}")
    valid = _mask(valid, len(pred))
    lags = list(range(-max_lag, max_lag + 1))
    rs = np.array([_shifted_r(pred, real, valid, lag) for lag in lags])
    if np.all(np.isnan(rs)):
        return LagCorrelation(r0=float("nan"), best_r=float("nan"), best_lag=None)
    best = int(np.nanargmax(rs))
    return LagCorrelation(r0=float(rs[max_lag]), best_r=float(rs[best]), best_lag=lags[best])


def normalize_mouth(points: np.ndarray) -> np.ndarray:
    """Mouth points 48–67 (T×20×2) moved, rotated and scaled per frame so the
    corners 48 and 54 land on (−1, 0) and (1, 0)."""
    mouth = _xy(points)[:, MOUTH_INDICES]
    left, right = mouth[:, 0], mouth[:, 6]
    centre = (left + right) / 2
    axis = right - left
    half = np.maximum(np.linalg.norm(axis, axis=-1), 1e-9) / 2
    cos, sin = axis[:, 0] / (2 * half), axis[:, 1] / (2 * half)
    d = mouth - centre[:, None]
    # Rotate by −angle of the corner axis so it becomes the +x axis.
    x = d[..., 0] * cos[:, None] + d[..., 1] * sin[:, None]
    y = -d[..., 0] * sin[:, None] + d[..., 1] * cos[:, None]
    return np.stack([x, y], axis=-1) / half[:, None, None]


def _velocity_mask(valid: np.ndarray) -> np.ndarray:
    return valid[1:] & valid[:-1]


def _mean_or_nan(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def _mouth_difference(pred: np.ndarray, real: np.ndarray) -> np.ndarray:
    """T×20×2 corner-normalized mouth of ``pred`` minus that of ``real``."""
    return normalize_mouth(pred) - normalize_mouth(real)


def _jaw_lip_difference(pred: np.ndarray, real: np.ndarray) -> np.ndarray:
    """T×N×2 jaw and lip points of ``pred`` minus those of ``real``."""
    return _xy(pred)[:, JAW_LIP_INDICES] - _xy(real)[:, JAW_LIP_INDICES]


def _lip_width(real: np.ndarray, valid: np.ndarray) -> float:
    """The real mouth's mean width: MakeItTalk's unit for D-LL and D-VL."""
    return float(mouth_width(real)[valid].mean())


def mouth_position_velocity_error(
    pred: np.ndarray, real: np.ndarray, valid: np.ndarray | None = None
) -> tuple[float, float]:
    """SPACE's M-P and M-V: MAE of corner-normalized mouth positions and velocities."""
    _same_length(pred, real)
    valid = _mask(valid, len(real))
    d = _mouth_difference(pred, real)
    vel = np.abs(np.diff(d, axis=0))[_velocity_mask(valid)]  # velocity difference = change of the difference
    return _mean_or_nan(np.abs(d)[valid]), _mean_or_nan(vel)


def makeittalk_errors(
    pred: np.ndarray, real: np.ndarray, valid: np.ndarray | None = None
) -> tuple[float, float, float]:
    """MakeItTalk's D-LL, D-VL and D-A, all in % (see the module doc)."""
    _same_length(pred, real)
    valid = _mask(valid, len(real))
    if not valid.any():
        return float("nan"), float("nan"), float("nan")
    d = _jaw_lip_difference(pred, real)
    lip_width = _lip_width(real, valid)
    dll = np.linalg.norm(d, axis=-1)[valid]
    dvl = np.linalg.norm(np.diff(d, axis=0), axis=-1)[_velocity_mask(valid)]
    real_area = inner_mouth_area(real)
    max_area = max(float(real_area[valid].max()), 1e-9)
    da = np.abs(inner_mouth_area(pred) - real_area)[valid] / max_area
    return (
        100 * _mean_or_nan(dll) / lip_width,
        100 * _mean_or_nan(dvl) / lip_width,
        100 * _mean_or_nan(da),
    )


def offset_free_errors(
    pred: np.ndarray, real: np.ndarray, valid: np.ndarray | None = None
) -> tuple[float, float]:
    """M-P and D-LL % once each point's mean difference over the clip is taken away.

    What is left is the error of the motion itself; the rest is a constant shape
    difference (the portrait frame's mouth, or a model's habitual opening), which
    no timing can fix. Diagnostic only: the papers' metrics are the ones above."""
    _same_length(pred, real)
    valid = _mask(valid, len(real))
    if not valid.any():
        return float("nan"), float("nan")
    mouth = _mouth_difference(pred, real)[valid]
    jaw_lip = _jaw_lip_difference(pred, real)[valid]
    mp = np.abs(mouth - mouth.mean(axis=0)).mean()
    dll = np.linalg.norm(jaw_lip - jaw_lip.mean(axis=0), axis=-1).mean()
    return float(mp), float(100 * dll / _lip_width(real, valid))


# A mouth counts as closed when its inner-lip gap is under 5 % of its width:
# landmark detectors place a sealed mouth's inner lips 0–3 % apart, and the
# narrowest open vowel shapes are above 8 %.
CLOSED_OPENNESS = 0.05


def closed_in_silence(
    openness: np.ndarray,
    speech: np.ndarray,
    valid: np.ndarray | None = None,
    threshold: float = CLOSED_OPENNESS,
) -> float:
    """Fraction of non-speech frames whose openness is below ``threshold``
    (NaN when the clip has no valid silent frame)."""
    openness = np.asarray(openness, np.float64)
    speech = np.asarray(speech, dtype=bool)
    if speech.shape != openness.shape:
        raise ValueError(f"speech mask has {speech.shape}, openness {openness.shape}")
    silent = ~speech & _mask(valid, len(openness))
    return _mean_or_nan((openness[silent] < threshold).astype(np.float64))


def amplitude_ratio(pred_open: np.ndarray, real_open: np.ndarray, valid: np.ndarray | None = None) -> float:
    """Std of the predicted openness over std of the real one (1 = moves as much as
    the real mouth; below 1 = too timid). NaN for a still real mouth or < 3 frames."""
    pred_open, real_open = np.asarray(pred_open, np.float64), np.asarray(real_open, np.float64)
    keep = _mask(valid, len(real_open)) & np.isfinite(pred_open) & np.isfinite(real_open)
    if keep.sum() < 3 or real_open[keep].std() < 1e-9:
        return float("nan")
    return float(pred_open[keep].std() / real_open[keep].std())


def width_correlation(pred: np.ndarray, real: np.ndarray, valid: np.ndarray | None = None) -> float:
    """Pearson r of predicted and real mouth width (corner distance 48–54): do the
    rounded (narrow) and spread (wide) vowels come where the real mouth makes them?"""
    _same_length(pred, real)
    return pearson(mouth_width(pred), mouth_width(real), valid)


# A pause of 0.4 s or longer is one a listener hears as a pause (a phrase end, a
# breath): the mouth should rest there. Shorter gaps between words keep it moving.
LONG_PAUSE_SECONDS = 0.4


def pause_lengths(speech: np.ndarray) -> np.ndarray:
    """T ints: for each non-speech frame the length of its run of non-speech frames, 0 in speech."""
    silent = ~np.asarray(speech, dtype=bool)
    lengths = np.zeros(len(silent), dtype=int)
    edges = np.flatnonzero(np.diff(np.r_[0, silent.astype(np.int8), 0]))
    for start, stop in zip(edges[::2], edges[1::2]):
        lengths[start:stop] = stop - start
    return lengths


def phrase_ends(speech: np.ndarray) -> np.ndarray:
    """T bools: the silence before the first speech frame and after the last one."""
    speech = np.asarray(speech, dtype=bool)
    if not speech.any():
        return ~speech
    index = np.arange(len(speech))
    return (index < np.argmax(speech)) | (index >= len(speech) - np.argmax(speech[::-1]))


PAUSE_KINDS = ("short", "long", "ends")


def pause_kind_frames(speech: np.ndarray, fps: float, kind: str) -> np.ndarray:
    """T bools: the frames of one kind of silence — ``short``: gaps between words under
    LONG_PAUSE_SECONDS; ``long``: pauses between words at least that long; ``ends``: the
    phrase ends, the silence before the first and after the last word."""
    if kind not in PAUSE_KINDS:
        raise ValueError(f"pause kind must be one of {PAUSE_KINDS}, got {kind!r}")
    lengths, ends = pause_lengths(speech), phrase_ends(speech)
    if kind == "ends":
        return ends
    is_long = lengths >= round(LONG_PAUSE_SECONDS * fps)
    return (lengths > 0) & ~ends & (is_long if kind == "long" else ~is_long)


def closed_in_pauses(
    openness: np.ndarray, speech: np.ndarray, fps: float, kind: str,
    valid: np.ndarray | None = None, threshold: float = CLOSED_OPENNESS,
) -> float:
    """closed_in_silence restricted to one kind of silence (``pause_kind_frames``):
    a listener expects the mouth to rest in long pauses and at phrase ends, and to go
    on moving through short gaps. NaN without such a silence."""
    in_pause = pause_kind_frames(speech, fps, kind)
    # Frames outside the chosen pauses count as speech, so closed_in_silence skips them.
    return closed_in_silence(openness, ~in_pause, valid, threshold)


def bilabial_closure(
    openness: np.ndarray, bilabial: np.ndarray, valid: np.ndarray | None = None,
    threshold: float = CLOSED_OPENNESS, slack: int = 1,
) -> float:
    """Fraction of bilabial stretches (runs of frames where /m b p/ is heard) in which
    the lips meet (openness < ``threshold``) at some valid frame of the run or within
    ``slack`` frames of it: the closure is brief, and the phone timing is a frame or so
    off. NaN when the clip has no bilabial."""
    openness = np.asarray(openness, np.float64)
    bilabial = np.asarray(bilabial, dtype=bool)
    if bilabial.shape != openness.shape:
        raise ValueError(f"bilabial mask has {bilabial.shape}, openness {openness.shape}")
    closed = (openness < threshold) & _mask(valid, len(openness))
    edges = np.flatnonzero(np.diff(np.r_[0, bilabial.astype(np.int8), 0]))
    hits = [closed[max(0, a - slack): b + slack].any() for a, b in zip(edges[::2], edges[1::2])]
    return _mean_or_nan(np.asarray(hits, np.float64))


@dataclass(frozen=True)
class ClipMetrics:
    """Every metric of one predicted sequence against one real track."""

    r0: float
    best_r: float
    best_lag: int | None
    mp: float
    mv: float
    dll: float
    dvl: float
    da: float
    closed_in_silence: float
    real_closed_in_silence: float
    mp_offset_free: float = float("nan")  # offset_free_errors: the motion's own share of M-P
    dll_offset_free: float = float("nan")  # and of D-LL
    amplitude_ratio: float = float("nan")  # std pred / std real openness
    width_r: float = float("nan")  # width_correlation
    closed_short_pause: float = float("nan")  # closed_in_pauses: gaps < LONG_PAUSE_SECONDS
    closed_long_pause: float = float("nan")  # pauses ≥ LONG_PAUSE_SECONDS between words
    closed_phrase_end: float = float("nan")  # before the first and after the last word
    real_closed_short_pause: float = float("nan")  # the real face's own rates
    real_closed_long_pause: float = float("nan")
    real_closed_phrase_end: float = float("nan")
    bilabial_closed: float = float("nan")  # bilabial_closure (needs the clip's bilabial frames)
    real_bilabial_closed: float = float("nan")


def clip_metrics(
    pred: np.ndarray, real: np.ndarray, speech: np.ndarray, valid: np.ndarray | None = None,
    bilabial: np.ndarray | None = None, fps: float = 30.0,
) -> ClipMetrics:
    """All metrics of ``pred`` against ``real`` (both T×68×2|3) with a T speech mask;
    ``bilabial`` (T bools, where /m b p/ is heard) adds the bilabial closure rates."""
    _same_length(pred, real)
    valid = _mask(valid, len(real))
    pred_open, real_open = mouth_openness(pred), mouth_openness(real)
    corr = lagged_correlation(pred_open, real_open, valid)
    mp, mv = mouth_position_velocity_error(pred, real, valid)
    dll, dvl, da = makeittalk_errors(pred, real, valid)
    mp_free, dll_free = offset_free_errors(pred, real, valid)
    return ClipMetrics(
        r0=corr.r0,
        best_r=corr.best_r,
        best_lag=corr.best_lag,
        mp=mp,
        mv=mv,
        dll=dll,
        dvl=dvl,
        da=da,
        closed_in_silence=closed_in_silence(pred_open, speech, valid),
        # The real face's own rate tells whether the threshold suits this person.
        real_closed_in_silence=closed_in_silence(real_open, speech, valid),
        mp_offset_free=mp_free,
        dll_offset_free=dll_free,
        amplitude_ratio=amplitude_ratio(pred_open, real_open, valid),
        width_r=width_correlation(pred, real, valid),
        **_pause_rates(pred_open, real_open, speech, valid, fps),
        **_bilabial_rates(pred_open, real_open, bilabial, valid),
    )


def _pause_rates(pred_open: np.ndarray, real_open: np.ndarray, speech: np.ndarray,
                 valid: np.ndarray, fps: float) -> dict[str, float]:
    rates = {}
    names = {"short": "closed_short_pause", "long": "closed_long_pause", "ends": "closed_phrase_end"}
    for prefix, openness in (("", pred_open), ("real_", real_open)):
        for kind, name in names.items():
            rates[prefix + name] = closed_in_pauses(openness, speech, fps, kind, valid)
    return rates


def _bilabial_rates(pred_open: np.ndarray, real_open: np.ndarray, bilabial: np.ndarray | None,
                    valid: np.ndarray) -> dict[str, float]:
    if bilabial is None:
        return {}
    return {"bilabial_closed": bilabial_closure(pred_open, bilabial, valid),
            "real_bilabial_closed": bilabial_closure(real_open, bilabial, valid)}
