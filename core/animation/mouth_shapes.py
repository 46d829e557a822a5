"""The mouth-shape lane's model: the lips as blocks of Rhubarb's shapes A–H and X.

The model's lips already have a shape track, *derived* from the motion and the phones
(``core.export.mouth_cues``). The user edits it on the timeline; what is stored is only
what the user touched: ``MouthShapeTrack`` holds *override* blocks, and where it has
none the lips follow the model. The lane shows ``effective_blocks`` (derived blocks
with the overrides pasted over them), and every edit below turns the blocks it changes
into overrides. An override pulls the lips to its shape at its strength
(``core.animation.mouth_shape_lips``); the cue export and the sprite mouths read
``effective_cues``, so the render, the drawn style and the cue files agree.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from core.animation.events import Signal
from core.export.mouth_cues import SHAPES, MouthCue, to_shape_set

MIN_BLOCK_S = 1e-3  # shorter fragments (left by a paste that nearly covers a block) are dropped
_TIME_EPSILON = 1e-6


@dataclass(frozen=True)
class MouthShapeBlock:
    """``shape`` held from ``start`` to ``end`` (s); ``strength`` 0..1: how far an override
    pulls the lips from the model's towards the shape (1 = the shape, 0 = the model)."""

    start: float
    end: float
    shape: str
    strength: float = 1.0

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ValueError(f"mouth shape must be one of {', '.join(SHAPES)}, got {self.shape!r}")
        if not self.end - self.start > _TIME_EPSILON:
            raise ValueError(f"a mouth-shape block must end after it starts ({self.start:.3f}–{self.end:.3f} s)")
        if not 0.0 <= self.strength <= 1.0:
            raise ValueError(f"mouth-shape strength must be in [0, 1], got {self.strength}")

    @property
    def duration(self) -> float:
        return self.end - self.start


class MouthShapeTrack:
    """The user's override blocks, sorted and non-overlapping; empty = follow the model.

    ``changed`` fires with the track after every ``set_blocks`` (edits go through the
    commands in core.animation.commands, one replace per step)."""

    def __init__(self, blocks: Iterable[MouthShapeBlock] = ()) -> None:
        self._blocks = checked_blocks(blocks)
        self.changed: Signal[MouthShapeTrack] = Signal()

    @property
    def blocks(self) -> tuple[MouthShapeBlock, ...]:
        return self._blocks

    def set_blocks(self, blocks: Iterable[MouthShapeBlock]) -> None:
        """Replace every override (ValueError when they overlap)."""
        self._blocks = checked_blocks(blocks)
        self.changed.emit(self)

    def __len__(self) -> int:
        return len(self._blocks)


def checked_blocks(blocks: Iterable[MouthShapeBlock]) -> tuple[MouthShapeBlock, ...]:
    """``blocks`` sorted by start; ValueError when two overlap."""
    ordered = tuple(sorted(blocks, key=lambda b: b.start))
    for before, after in zip(ordered, ordered[1:]):
        if after.start < before.end - _TIME_EPSILON:
            raise ValueError(f"mouth-shape blocks overlap at {after.start:.3f} s")
    return ordered


# --- derived track ↔ cues --------------------------------------------------------
def blocks_from_cues(cues: Sequence[MouthCue]) -> tuple[MouthShapeBlock, ...]:
    """The model's cue track as blocks (strength 1); empty cues are skipped."""
    return tuple(MouthShapeBlock(c.start, c.end, c.shape) for c in cues if c.end - c.start > _TIME_EPSILON)


def cues_from_blocks(blocks: Sequence[MouthShapeBlock]) -> list[MouthCue]:
    """Blocks as cues, neighbours of one shape joined (the strength is the lips' business)."""
    cues: list[MouthCue] = []
    for block in blocks:
        if cues and cues[-1].shape == block.shape and abs(cues[-1].end - block.start) <= _TIME_EPSILON:
            cues[-1] = MouthCue(cues[-1].start, block.end, block.shape)
        else:
            cues.append(MouthCue(block.start, block.end, block.shape))
    return cues


def effective_blocks(derived: Sequence[MouthShapeBlock], overrides: Sequence[MouthShapeBlock]) -> tuple[MouthShapeBlock, ...]:
    """What the lane shows: the derived blocks cut around the overrides, plus the overrides."""
    overrides = checked_blocks(overrides)
    ends = [cover.end for cover in overrides]
    pieces = list(overrides)
    for block in derived:
        pieces += _uncovered(block, overrides, ends)
    return tuple(sorted(pieces, key=lambda b: b.start))


def _uncovered(block: MouthShapeBlock, overrides: Sequence[MouthShapeBlock], ends: list[float]) -> list[MouthShapeBlock]:
    """The parts of ``block`` no override covers (``overrides`` sorted and apart, ``ends``
    theirs: only those ending after the block starts are looked at, so a long line costs N log M)."""
    parts = [block]
    first = bisect.bisect_right(ends, block.start)
    for cover in overrides[first:]:
        if cover.start >= block.end:
            break
        parts = [piece for part in parts for piece in _minus(part, cover.start, cover.end)]
    return parts


def _minus(block: MouthShapeBlock, start: float, end: float) -> list[MouthShapeBlock]:
    """``block`` without the span start..end (zero, one or two pieces)."""
    if end <= block.start or start >= block.end:
        return [block]
    pieces = []
    if start - block.start >= MIN_BLOCK_S:
        pieces.append(replace(block, end=start))
    if block.end - end >= MIN_BLOCK_S:
        pieces.append(replace(block, start=end))
    return pieces


def effective_cues(project_or_animation: object, derived_cues: Sequence[MouthCue], shapes: str = SHAPES) -> list[MouthCue]:
    """The cues everything downstream uses (cue export, sprite mouths, rig curves): the
    model's ``derived_cues`` with the user's mouth-shape overrides of the project (or of a
    ``core.pipeline.Animation`` made from it; anything with ``.tracks``) pasted in, each
    shape mapped into the allowed ``shapes`` (as ``--extended-shapes`` asks)."""
    tracks = getattr(project_or_animation, "tracks", None)
    track = getattr(tracks, "mouth_shapes", None)
    if track is None or not len(track):
        return list(derived_cues)
    blocks = effective_blocks(blocks_from_cues(derived_cues), track.blocks)
    return cues_from_blocks([replace(b, shape=to_shape_set(b.shape, shapes)) for b in blocks])


# --- edits: each returns the new override tuple ------------------------------------
def pasted(overrides: Sequence[MouthShapeBlock], *blocks: MouthShapeBlock) -> tuple[MouthShapeBlock, ...]:
    """``overrides`` with ``blocks`` laid over them (what they cover is cut away)."""
    kept = list(overrides)
    for block in blocks:
        kept = [piece for other in kept for piece in _minus(other, block.start, block.end)]
    return checked_blocks(kept + list(blocks))


def with_shape(overrides: Sequence[MouthShapeBlock], block: MouthShapeBlock, shape: str) -> tuple[MouthShapeBlock, ...]:
    """``block`` (any shown block) changed to ``shape``."""
    return pasted(overrides, replace(block, shape=shape))


def with_strength(overrides: Sequence[MouthShapeBlock], block: MouthShapeBlock, strength: float) -> tuple[MouthShapeBlock, ...]:
    """``block`` at ``strength`` (clipped to 0..1)."""
    return pasted(overrides, replace(block, strength=min(max(float(strength), 0.0), 1.0)))


def with_edge(overrides: Sequence[MouthShapeBlock], left: MouthShapeBlock, right: MouthShapeBlock,
              time: float) -> tuple[MouthShapeBlock, ...]:
    """The edge between neighbours ``left`` and ``right`` moved to ``time`` (kept inside
    both, each at least MIN_BLOCK_S long). Both become overrides: their new spans
    together cover the old ones, so the paste replaces them whole."""
    time = min(max(float(time), left.start + MIN_BLOCK_S), right.end - MIN_BLOCK_S)
    return pasted(overrides, replace(left, end=time), replace(right, start=time))


def split(overrides: Sequence[MouthShapeBlock], block: MouthShapeBlock, time: float) -> tuple[MouthShapeBlock, ...]:
    """``block`` cut in two at ``time``; ValueError when a piece would be shorter than MIN_BLOCK_S."""
    if not block.start + MIN_BLOCK_S <= time <= block.end - MIN_BLOCK_S:
        raise ValueError(f"cannot split a mouth-shape block at {time:.3f} s: too close to its edge")
    return pasted(overrides, replace(block, end=time), replace(block, start=time))


def merged(overrides: Sequence[MouthShapeBlock], left: MouthShapeBlock, right: MouthShapeBlock) -> tuple[MouthShapeBlock, ...]:
    """Neighbours joined into one block with ``left``'s shape and strength."""
    return pasted(overrides, replace(left, end=right.end))


def without(overrides: Sequence[MouthShapeBlock], block: MouthShapeBlock) -> tuple[MouthShapeBlock, ...]:
    """The override ``block`` removed: the lips follow the model there again."""
    return tuple(b for b in overrides if b != block)


def neighbours(blocks: Sequence[MouthShapeBlock], block: MouthShapeBlock) -> tuple[MouthShapeBlock | None, MouthShapeBlock | None]:
    """The blocks just before and after ``block`` in ``blocks`` (touching it), or None."""
    before = next((b for b in blocks if abs(b.end - block.start) <= _TIME_EPSILON and b != block), None)
    after = next((b for b in blocks if abs(b.start - block.end) <= _TIME_EPSILON and b != block), None)
    return before, after


def block_at(blocks: Sequence[MouthShapeBlock], time: float) -> MouthShapeBlock | None:
    """The block showing at ``time`` (start inclusive), or None."""
    return next((b for b in blocks if b.start <= time < b.end), None)
