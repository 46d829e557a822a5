"""How far our emotions move the face, against how far real faces move for the same emotion.

Real: for each actor with a neutral clip, the median normalized face over every frame
of an emotion clip minus the median face of the actor's neutral clip (both clips speak,
so speech mostly cancels), as ``real_deltas`` computes it. Ours: the displacement the
product adds at full intensity, i.e. the stored offsets masked to the points the
composer lets emotions move (core.animation.compose.EMOTION_POINTS: brows, eyes, mouth
corners). Both are measured on the same points as the mean point distance; the ratio
ours / mean over actors of real is the "reach" (≥ 0.7 is the issue's bar).

Lip sync: ``gap_change`` is the change of the inner-lip gap the offsets cause, as a
fraction of the mouth width (the openness unit); an emotion must not open the mouth.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.animation.compose import EMOTION_POINTS, emotion_offsets
from core.landmarks.face_geometry import INNER_LIP_PAIRS
from core.motion.emotion_expression import EMOTIONS, EmotionExpressions, one_hot

# The point groups reported one by one (all inside EMOTION_POINTS).
REACH_REGIONS = {"brows": np.r_[17:27], "eyes": np.r_[36:48], "mouth corners": np.array([48, 54, 60, 64])}


@dataclass(frozen=True)
class EmotionReach:
    """One emotion: real and our displacement (mean point distance, normalized units)."""

    emotion: str
    actors: int
    real: float
    ours: float
    regions: dict[str, tuple[float, float]]  # region → (real, ours)
    gap_change: float  # inner-lip gap change / mouth width at full intensity
    cosine: float  # direction agreement of ours with the actors' mean displacement

    @property
    def ratio(self) -> float:
        return self.ours / self.real if self.real > 0 else float("nan")


def displacement_magnitude(delta: np.ndarray, points: np.ndarray | None = None) -> float:
    """Mean Euclidean length of a 68×2 displacement over ``points`` (default: EMOTION_POINTS)."""
    index = np.flatnonzero(EMOTION_POINTS) if points is None else points
    return float(np.linalg.norm(np.asarray(delta, np.float64)[index, :2], axis=-1).mean())


def median_face(path: Path) -> np.ndarray:
    """68×2 median normalized face over every valid frame of a clip."""
    from core.motion.pose_from_video import load_track

    track = load_track(path)
    return np.median(track.points68[track.valid, :, :2], axis=0)


def real_deltas(clips: dict[str, dict[str, list[Path]]]) -> dict[str, dict[str, np.ndarray]]:
    """actor → emotion → 68×2 (emotion clips' median face − neutral clip's median face)."""
    deltas: dict[str, dict[str, np.ndarray]] = {}
    for actor, by_emotion in clips.items():
        neutral = np.mean([median_face(p) for p in by_emotion["neutral"]], axis=0)
        deltas[actor] = {e: np.mean([median_face(p) for p in paths], axis=0) - neutral
                         for e, paths in by_emotion.items() if e != "neutral"}
    return deltas


def product_offsets(expr: EmotionExpressions) -> dict[str, np.ndarray]:
    """emotion → 68×2 offset the composer adds at intensity 1 (masked as in the product)."""
    displacements = {name: expr.points68[i] for i, name in enumerate(EMOTIONS)}
    return {name: emotion_offsets(one_hot(name, 1.0, 1), displacements)[0] for name in EMOTIONS}


def inner_gap_change(offset: np.ndarray, face: np.ndarray) -> float:
    """Change of the mean inner-lip gap when ``offset`` is added to ``face`` (68×2), over mouth width."""
    def gap(points: np.ndarray) -> float:
        return float(np.mean([np.linalg.norm(points[a] - points[b]) for a, b in INNER_LIP_PAIRS]))

    width = float(np.linalg.norm(face[54] - face[48]))
    return (gap(face + offset) - gap(face)) / width


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two 68×2 displacements over EMOTION_POINTS (1 = same direction)."""
    a, b = (np.asarray(x, np.float64)[EMOTION_POINTS, :2].ravel() for x in (a, b))
    return float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-12))


def emotion_reach(expr: EmotionExpressions, deltas: dict[str, dict[str, np.ndarray]],
                  face: np.ndarray) -> list[EmotionReach]:
    """Per emotion (neutral left out): real vs our displacement; ``face`` (68×2) is the
    closed neutral face the gap change is measured on."""
    ours = product_offsets(expr)
    rows = []
    for emotion in EMOTIONS[1:]:
        real = [d[emotion] for d in deltas.values() if emotion in d]
        if not real:
            continue
        regions = {name: (float(np.mean([displacement_magnitude(r, idx) for r in real])),
                          displacement_magnitude(ours[emotion], idx)) for name, idx in REACH_REGIONS.items()}
        rows.append(EmotionReach(emotion, len(real), float(np.mean([displacement_magnitude(r) for r in real])),
                                 displacement_magnitude(ours[emotion]), regions,
                                 inner_gap_change(ours[emotion], face), cosine(ours[emotion], np.mean(real, axis=0))))
    return rows


def reach_table(rows: list[EmotionReach]) -> str:
    """Markdown: real vs ours per emotion and region, the ratio, and the mouth gap change."""
    names = list(REACH_REGIONS)
    lines = ["| emotion | actors | real | ours | ours / real | cosine | "
             + " | ".join(f"{n} real / ours" for n in names) + " | inner-lip gap change (of mouth width) |",
             "|---" * (7 + len(names)) + "|"]
    for r in rows:
        regions = " | ".join(f"{r.regions[n][0]:.4f} / {r.regions[n][1]:.4f}" for n in names)
        lines.append(f"| {r.emotion} | {r.actors} | {r.real:.4f} | {r.ours:.4f} | {r.ratio:.0%} | {r.cosine:.2f} | "
                     f"{regions} | "
                     f"{r.gap_change:+.3f} |")
    return "\n".join(lines)
