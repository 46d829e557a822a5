"""Blinks as SPACE does them: Poisson-timed, upper lid onto lower lid and back.

A blink at time ``t`` with duration ``d`` closes over the first half and opens
over the second (default 0.133 s = 4 frames at 30 fps, as in the paper).
Closure is 0 (open) .. 1 (upper lid on the lower lid).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DEFAULT_BLINK_DURATION = 0.133
# People do not blink twice within ~0.3 s; a refractory gap keeps the
# Poisson process from producing visually merged double blinks.
MIN_BLINK_GAP = 0.3


def poisson_blink_times(
    rate_per_minute: float,
    duration: float,
    seed: int,
    avoid: Sequence[float] = (),
    min_gap: float = MIN_BLINK_GAP,
) -> np.ndarray:
    """Blink start times (s) in [0, duration) from a Poisson process at ``rate_per_minute``.

    Times within ``min_gap`` of an earlier blink or of a time in ``avoid``
    (hand-placed blinks) are dropped. Same seed → same times.
    """
    if rate_per_minute <= 0 or duration <= 0:
        return np.zeros(0, np.float64)
    rng = np.random.default_rng(seed)
    mean_gap = 60.0 / rate_per_minute
    gaps = rng.exponential(mean_gap, size=int(duration / mean_gap * 3) + 8)
    candidates = np.cumsum(gaps)
    candidates = candidates[candidates < duration]
    kept: list[float] = []
    taken = sorted(float(t) for t in avoid)
    for t in candidates:
        if all(abs(t - other) >= min_gap for other in taken):
            kept.append(float(t))
            taken.append(float(t))
    return np.array(kept, np.float64)


def closure_curve(starts: np.ndarray, durations: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Lid closure (0 open .. 1 shut) at ``times`` for blinks starting at ``starts``.

    Each blink is a smooth bump (cosine) peaking at its middle; overlapping
    blinks take the maximum, never more than 1.
    """
    times = np.asarray(times, np.float64)
    flat = times.reshape(-1)
    order = np.argsort(flat, kind="stable")
    sorted_times = flat[order]
    closure = np.zeros(flat.size, np.float64)
    # Each blink touches only the frames inside it: O(T log T + frames in blinks),
    # not blinks × frames, so hour-long clips stay cheap.
    for start, duration in zip(np.ravel(starts), np.ravel(durations), strict=True):
        duration = max(float(duration), 1e-6)
        lo = np.searchsorted(sorted_times, start, side="left")
        hi = np.searchsorted(sorted_times, start + duration, side="right")
        index = order[lo:hi]
        u = (flat[index] - start) / duration
        closure[index] = np.maximum(closure[index], 0.5 - 0.5 * np.cos(2.0 * np.pi * u))
    return closure.reshape(times.shape)


def close_lids(upper: np.ndarray, lower: np.ndarray, closure: np.ndarray) -> np.ndarray:
    """Upper lid points moved toward the lower lid by ``closure``.

    upper, lower: T×...×2 matching points; closure: T. Returns the new upper points.
    """
    c = np.asarray(closure, np.float64).reshape((-1,) + (1,) * (upper.ndim - 1))
    return upper + c * (lower - upper)
