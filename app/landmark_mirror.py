"""Left/right partner of every rig point, for mirrored landmark edits."""

from __future__ import annotations

import numpy as np

from core.landmarks.face_landmarks import LID_POINTS, RIG_POINT_COUNT


def _pairs68() -> list[tuple[int, int]]:
    pairs = [(i, 16 - i) for i in range(8)] + [(17 + i, 26 - i) for i in range(5)]
    pairs += [(31, 35), (32, 34), (36, 45), (37, 44), (38, 43), (39, 42), (40, 47), (41, 46)]
    pairs += [(48, 54), (49, 53), (50, 52), (55, 59), (56, 58), (60, 64), (61, 63), (65, 67)]
    return pairs


def mirror_table() -> np.ndarray:
    """``table[i]`` is the rig index mirroring point i (itself on the midline)."""
    table = np.arange(RIG_POINT_COUNT)
    pairs = _pairs68()
    for start in (68, 68 + 2 * LID_POINTS):
        pairs += [(start + k, start + LID_POINTS + LID_POINTS - 1 - k) for k in range(LID_POINTS)]
    pairs.append((RIG_POINT_COUNT - 2, RIG_POINT_COUNT - 1))
    for a, b in pairs:
        table[a], table[b] = b, a
    return table
