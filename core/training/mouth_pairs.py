"""Self-supervised training pairs of the renderer's mouth stage, cut at 2× the face crop's density.

The face-crop pairs (core.training.renderer_dataset, 128²) give the mouth about 40
pixels: too few to learn teeth from. Here, per clip, the same kind of source frames
(closed mouth, frontal) and *open-mouthed* target frames are taken from the original
video; the source is warped to the target's tracked landmarks by the product's mesh warp
(headless EGL) at a resolution that keeps the mouth near its native size, and refined
by the shipped face refiner (FaceRefiner, exactly as the product does before the mouth
stage). Both that frame and the real target frame are then cut with the mouth crop
(core.render.mouth_crop).

One clip's cache (uint8 unless noted), K targets, crop h×w:
``refined`` K×h×w×3 (the mouth stage's input), ``real`` K×h×w×3, ``lips`` K×20×2 float32
(target lips in crop pixels), ``strength`` K float32 (how far the stage acts: the face
refiner's ``invent_strength``), ``mouth_px`` K float32 (the real mouth's width in video
pixels: small ones are upsampled and blurry), plus ``clip`` and ``person`` strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.landmarks.face_geometry import mouth_openness
from core.landmarks.video_face_track import FaceTrack, load_or_extract
from core.render.mouth_crop import LIPS, MOUTH_CROP_SIZE, MOUTH_WIDTH_IN_CROP, extract_mouth, mouth_box
from core.training.renderer_dataset import PairConfig, write_clip_caches, choose_frames, face_at, read_frames, track_rigs, usable_frames

OUTPUT_MOUTH_OVERSAMPLE = 1.25  # the warp is rendered so its mouth is ≤ 1.25× the crop's mouth width


@dataclass(frozen=True)
class MouthPairConfig:
    """How many open-mouthed targets a clip gives."""

    targets_per_clip: int = 60
    open_fraction: float = 0.5  # targets come from the most open this fraction of usable frames
    seed: int = 0


def choose_mouth_frames(track: FaceTrack, config: MouthPairConfig) -> tuple[np.ndarray, np.ndarray]:
    """(sources, targets): the face pairs' sources; targets among the clip's most open mouths."""
    sources, _ = choose_frames(track, PairConfig(seed=config.seed))
    usable = usable_frames(track)
    if len(sources) == 0:
        return sources, np.zeros(0, int)
    openness = mouth_openness(track.points68)[usable]
    ranked = usable[np.argsort(-openness)]
    pool = ranked[: max(1, int(len(ranked) * config.open_fraction))]
    rng = np.random.default_rng(config.seed)
    picked = rng.choice(pool, size=min(config.targets_per_clip, len(pool)), replace=False)
    return sources, np.sort(picked)


def mouth_width(rig: np.ndarray) -> float:
    """Mouth corner to corner, image pixels."""
    return float(np.linalg.norm(np.asarray(rig)[54] - np.asarray(rig)[48]))


def clip_mouth_pairs(ctx, video: Path, track: FaceTrack, refine_model, config: MouthPairConfig
                     ) -> dict[str, np.ndarray] | None:
    """The mouth-stage arrays of one clip (module doc), or None when it has no open-mouthed frames."""
    from core.render.delaunay_warp import MeshWarpRenderer
    from core.render.neural_renderer import FaceRefiner

    sources, targets = choose_mouth_frames(track, config)
    if len(sources) == 0 or len(targets) == 0:
        return None
    frames = read_frames(video, {int(track.frame_indices[t]) for t in np.concatenate([sources, targets])})
    rigs = track_rigs(track)
    arrays: dict[str, list] = {"refined": [], "real": [], "lips": [], "strength": [], "mouth_px": []}
    segments = np.array_split(targets, len(sources))  # each target from its nearest source in time
    width, height = track.image_size
    for source, segment in zip(sources, segments):
        source_frame = frames.get(int(track.frame_indices[source]))
        if source_frame is None or len(segment) == 0:
            continue
        widest = max(mouth_width(rigs[t]) for t in segment)
        factor = min(1.0, OUTPUT_MOUTH_OVERSAMPLE * MOUTH_WIDTH_IN_CROP / max(widest, 1.0))
        out_size = (max(16, round(width * factor)), max(16, round(height * factor)))
        scale = out_size[0] / width
        rgba = np.dstack([source_frame, np.full(source_frame.shape[:2], 255, np.uint8)])
        face = face_at(track, rigs, int(source))
        renderer = MeshWarpRenderer(ctx, rgba, face, out_size)
        refiner = FaceRefiner.for_portrait(refine_model, rgba, face, scale)
        try:
            for target in segment:
                real = frames.get(int(track.frame_indices[target]))
                strength = refiner.invent_strength(rigs[target])
                if real is None or strength <= 0:
                    continue
                refined = refiner.refine(renderer.render(rigs[target]), rigs[target])
                box = mouth_box(rigs[target])
                arrays["refined"].append(extract_mouth(np.ascontiguousarray(refined[:, :, :3]), box.scaled(scale)))
                arrays["real"].append(extract_mouth(real, box))
                arrays["lips"].append(box.points_to_crop(rigs[target][LIPS]))
                arrays["strength"].append(strength)
                arrays["mouth_px"].append(mouth_width(rigs[target]))
        finally:
            renderer.release()
    if not arrays["refined"]:
        return None
    return {k: np.asarray(v, np.float32 if k in ("lips", "strength", "mouth_px") else None) for k, v in arrays.items()}


def mouth_cache_file(cache_dir: Path, video: Path, config: MouthPairConfig) -> Path:
    width, height = MOUTH_CROP_SIZE
    return Path(cache_dir) / f"{video.parent.name}__{video.stem}-m{width}x{height}-k{config.targets_per_clip}-s{config.seed}.npz"


def build_mouth_cache(videos: list[Path], cache_dir: Path, config: MouthPairConfig, person_of: Callable[[Path], str],
                      refine_weights: Path | None = None, say: Callable[[str], None] = print) -> list[Path]:
    """Write (or reuse) the mouth-pair cache of every video; returns the cache files that exist."""
    from core.render.neural_renderer import RefineModel

    refiner: list[RefineModel] = []  # loaded once, only if some cache is missing

    def pairs_of(ctx, video: Path) -> dict[str, np.ndarray] | None:  # noqa: ANN001 - a moderngl context
        if not refiner:
            refiner.append(RefineModel.load(refine_weights, with_mouth=False))
        return clip_mouth_pairs(ctx, video, load_or_extract(video), refiner[0], config)

    return write_clip_caches(videos, lambda video: mouth_cache_file(cache_dir, video, config), pairs_of, person_of,
                             say, "no open-mouthed frames", "refined")


@dataclass
class MouthPairSet:
    """All mouth pairs of some clips in memory."""

    refined: np.ndarray
    real: np.ndarray
    lips: np.ndarray
    strength: np.ndarray
    mouth_px: np.ndarray
    person: np.ndarray
    clips: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.refined)

    def subset(self, keep: np.ndarray) -> MouthPairSet:
        return MouthPairSet(self.refined[keep], self.real[keep], self.lips[keep], self.strength[keep],
                            self.mouth_px[keep], self.person[keep], self.clips)


def load_mouth_pairs(files: list[Path], min_mouth_px: float = 0.0) -> MouthPairSet:
    """Concatenate cached clips, keeping pairs whose real mouth is at least ``min_mouth_px`` wide."""
    keys = ("refined", "real", "lips", "strength", "mouth_px")
    parts: dict[str, list] = {k: [] for k in (*keys, "person")}
    clips = []
    for file in files:
        with np.load(file, allow_pickle=False) as data:
            keep = data["mouth_px"] >= min_mouth_px
            if not keep.any():
                continue
            for key in keys:
                parts[key].append(data[key][keep])
            parts["person"].append(np.full(int(keep.sum()), str(data["person"])))
            clips.append(str(data["clip"]))
    if not clips:
        raise ValueError("no mouth pairs: the cache is empty (or every mouth is too small)")
    return MouthPairSet(*(np.concatenate(parts[k]) for k in (*keys, "person")), clips=tuple(clips))
