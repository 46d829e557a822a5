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

# Pairs whose mean distance is the inner-lip gap (upper, lower).
INNER_LIP_PAIRS = ((61, 67), (62, 66), (63, 65))
MOUTH_CORNERS = (48, 54)
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


def mouth_width(points: np.ndarray) -> np.ndarray:
    """Distance between the mouth corners 48 and 54, per frame (T)."""
    xy = _xy(points)
    return np.linalg.norm(xy[:, MOUTH_CORNERS[1]] - xy[:, MOUTH_CORNERS[0]], axis=-1)


def mouth_openness(points: np.ndarray) -> np.ndarray:
    """Inner-lip gap divided by mouth width, per frame (T); 0 = closed."""
    xy = _xy(points)
    gaps = [np.linalg.norm(xy[:, a] - xy[:, b], axis=-1) for a, b in INNER_LIP_PAIRS]
    width = np.maximum(mouth_width(xy), 1e-9)
    return np.mean(gaps, axis=0) / width


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


def clip_metrics(
    pred: np.ndarray, real: np.ndarray, speech: np.ndarray, valid: np.ndarray | None = None
) -> ClipMetrics:
    """All metrics of ``pred`` against ``real`` (both T×68×2|3) with a T speech mask."""
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
    )
