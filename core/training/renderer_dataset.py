"""Self-supervised training pairs for the learned renderer, cached as uint8 .npz per clip.

For each video (talking/ and faces_silent/ of the shared data): a few *source* frames
(closed mouth, near-frontal: what a real portrait looks like) and many *target*
frames of the same clip. The product's own mesh warp (core.render.delaunay_warp,
headless EGL) moves each source frame to the landmarks tracked on a target frame;
the network learns to turn that warped crop into the real target crop.

One clip's cache holds, at the crop size n (uint8 unless noted):
``warped`` K×n×n×3, ``real`` K×n×n×3, ``drawing`` K×n×n×3, ``source_index`` K (int),
``portrait`` S×n×n×3 (the source crops), plus ``clip`` and ``person`` strings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from core.landmarks.face_landmarks import LID_POINTS, FaceLandmarks, HeadPose
from core.landmarks.normalized_space import poses_to_image
from core.landmarks.face_geometry import mouth_openness
from core.render.neural_face_crop import crop_box, extract_crop, landmark_drawing
from core.landmarks.video_face_track import FaceTrack, load_or_extract

MAX_YAW_DEG = 35.0
MAX_PITCH_DEG = 25.0
SECONDS_PER_SOURCE = 8.0  # a long clip gets one source frame per this many seconds (≤ 4)
WARP_CROP_OVERSAMPLE = 1.5  # the warp is rendered so the crop has 1.5× the net's pixels


@dataclass(frozen=True)
class PairConfig:
    """How many pairs a clip gives and at what crop size."""

    crop_size: int = 128
    targets_per_clip: int = 100
    max_sources: int = 4
    seed: int = 0


def track_rigs(track: FaceTrack) -> np.ndarray:
    """T×98×2 rig points in image pixels from a normalized face track."""
    norm = np.concatenate([track.points68[:, :, :2], track.upper_lids.reshape(len(track), -1, 2),
                           track.lower_lids.reshape(len(track), -1, 2), track.iris], axis=1)
    return poses_to_image(norm, track.poses, track.rig_z)


def face_at(track: FaceTrack, rigs: np.ndarray, t: int) -> FaceLandmarks:
    """The tracked face of frame t as FaceLandmarks in image pixels (the warp's rest face)."""
    scale = float(track.poses[t, 6])
    z = track.points68[t, :, 2:3] * scale
    rig = rigs[t]
    return FaceLandmarks(
        points68=np.concatenate([rig[:68], z], axis=1),
        upper_lids=rig[68:68 + 2 * LID_POINTS].reshape(2, LID_POINTS, 2),
        lower_lids=rig[68 + 2 * LID_POINTS:68 + 4 * LID_POINTS].reshape(2, LID_POINTS, 2),
        iris=rig[-2:],
        iris_radius=track.iris_radius[t] * scale,
        pose=HeadPose(*[float(v) for v in track.poses[t]]),
        image_size=track.image_size,
        source="mediapipe",
    )


def usable_frames(track: FaceTrack) -> np.ndarray:
    """Indices of frames with a face, turned no more than the limits."""
    yaw, pitch = np.abs(track.poses[:, 0]), np.abs(track.poses[:, 1])
    return np.flatnonzero(track.valid & (yaw <= MAX_YAW_DEG) & (pitch <= MAX_PITCH_DEG))


def choose_frames(track: FaceTrack, config: PairConfig) -> tuple[np.ndarray, np.ndarray]:
    """(source frames S, target frames K): sources closed-mouthed and frontal, one per
    segment; targets half spread over the clip, half from its most open mouths and
    most closed eyes (what a warp alone gets wrong)."""
    usable = usable_frames(track)
    if len(usable) < 4:
        return np.zeros(0, int), np.zeros(0, int)
    rng = np.random.default_rng(config.seed)
    duration = len(track) / max(track.fps, 1e-6)
    n_sources = int(np.clip(round(duration / SECONDS_PER_SOURCE), 1, config.max_sources))
    openness = mouth_openness(track.points68)
    frontal = np.abs(track.poses[:, 0]) / MAX_YAW_DEG
    sources = []
    for segment in np.array_split(usable, n_sources):
        score = openness[segment] + 0.05 * frontal[segment]
        sources.append(int(segment[np.argmin(score)]))
    k = min(config.targets_per_clip, len(usable))
    spread = rng.choice(usable, size=k - k // 2, replace=False)
    lid_gap = np.abs(track.upper_lids[..., 1] - track.lower_lids[..., 1]).mean(axis=(1, 2))
    unusual = openness[usable] / (openness[usable].max() + 1e-6) - lid_gap[usable] / (lid_gap[usable].max() + 1e-6)
    top = usable[np.argsort(-unusual)[: max(k // 2, len(usable) // 3)]]
    picked = rng.choice(top, size=min(k // 2, len(top)), replace=False)
    return np.asarray(sources), np.unique(np.concatenate([spread, picked]))


def read_frames(video: Path, wanted: set[int]) -> dict[int, np.ndarray]:
    """RGB frames of ``video`` at the wanted indices (decoded in one pass)."""
    capture = cv2.VideoCapture(str(video))
    frames: dict[int, np.ndarray] = {}
    index, last = 0, max(wanted) if wanted else -1
    try:
        while index <= last and capture.grab():
            if index in wanted:
                ok, frame = capture.retrieve()
                if ok:
                    frames[index] = np.ascontiguousarray(frame[:, :, ::-1])
            index += 1
    finally:
        capture.release()
    return frames


def clip_pairs(ctx, video: Path, track: FaceTrack, config: PairConfig) -> dict[str, np.ndarray] | None:
    """The training arrays of one clip (see module doc), or None when it has too few usable frames."""
    from core.render.delaunay_warp import MeshWarpRenderer

    sources, targets = choose_frames(track, config)
    if len(sources) == 0 or len(targets) == 0:
        return None
    frames = read_frames(video, {int(track.frame_indices[t]) for t in np.concatenate([sources, targets])})
    rigs = track_rigs(track)
    n = config.crop_size
    arrays: dict[str, list] = {"warped": [], "real": [], "drawing": [], "source_index": [], "portrait": []}
    segments = np.array_split(np.sort(targets), len(sources))
    for s_i, source in enumerate(sources):
        source_frame = frames.get(int(track.frame_indices[source]))
        if source_frame is None:
            continue
        face = face_at(track, rigs, int(source))
        side = crop_box(rigs[source]).side
        factor = min(1.0, WARP_CROP_OVERSAMPLE * n / side)
        width, height = track.image_size
        out_size = (max(16, round(width * factor)), max(16, round(height * factor)))
        rgba = np.dstack([source_frame, np.full(source_frame.shape[:2], 255, np.uint8)])
        renderer = MeshWarpRenderer(ctx, rgba, face, out_size)
        try:
            portrait_index = len(arrays["portrait"])
            arrays["portrait"].append(extract_crop(source_frame, crop_box(rigs[source]), n))
            # every target is warped from its nearest source (in time): same lighting and framing
            for target in segments[s_i]:
                real = frames.get(int(track.frame_indices[target]))
                if real is None:
                    continue
                box = crop_box(rigs[target])
                scale_x = out_size[0] / width
                warped = renderer.render(rigs[target])[:, :, :3]
                arrays["warped"].append(extract_crop(warped, box.scaled(scale_x), n))
                arrays["real"].append(extract_crop(real, box, n))
                arrays["drawing"].append(landmark_drawing(box.points_to_crop(rigs[target], n), n))
                arrays["source_index"].append(portrait_index)
        finally:
            renderer.release()
    if not arrays["warped"]:
        return None
    return {k: np.asarray(v) for k, v in arrays.items()}


def cache_file(cache_dir: Path, video: Path, config: PairConfig) -> Path:
    """Where one clip's pairs are cached (name from folder, stem and the pair config)."""
    return Path(cache_dir) / f"{video.parent.name}__{video.stem}-n{config.crop_size}-k{config.targets_per_clip}-s{config.seed}.npz"


def build_pair_cache(videos: list[Path], cache_dir: Path, config: PairConfig, person_of: Callable[[Path], str],
                     say: Callable[[str], None] = print) -> list[Path]:
    """Write (or reuse) the pair cache of every video; returns the cache files that exist."""
    return write_clip_caches(videos, lambda video: cache_file(cache_dir, video, config),
                             lambda ctx, video: clip_pairs(ctx, video, load_or_extract(video), config),
                             person_of, say, "too few usable frames", "warped")


def write_clip_caches(videos: list[Path], cache_of: Callable[[Path], Path],
                      pairs_of: Callable[[object, Path], dict[str, np.ndarray] | None], person_of: Callable[[Path], str],
                      say: Callable[[str], None], skip_reason: str, count_key: str) -> list[Path]:
    """The cache file of every video (``cache_of``), made by ``pairs_of(gl_context, video)`` where
    missing (one headless GL context for all, made only if some cache is); a video without pairs
    is skipped with ``skip_reason``. Returns the cache files that exist. The renderer's pairs and
    the mouth stage's share it."""
    from core.render.gl_context import create_headless_context

    written: list[Path] = []
    ctx = None
    try:
        for video in videos:
            path = cache_of(video)
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                ctx = ctx or create_headless_context()
                arrays = pairs_of(ctx, video)
                if arrays is None:
                    say(f"skip {video.name}: {skip_reason}")
                    continue
                save_pairs_npz(path, arrays, clip=f"{video.parent.name}/{video.name}", person=person_of(video))
                say(f"{video.parent.name}/{video.name}: {len(arrays[count_key])} pairs")
            written.append(path)
    finally:
        if ctx is not None:
            ctx.release()
    return written


def save_pairs_npz(path: Path, arrays: dict[str, np.ndarray], **strings: str) -> None:
    """One clip's pair cache: ``arrays`` and string fields as an .npz, written to a temp file then renamed."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        np.savez(handle, **arrays, **{k: np.array(v) for k, v in strings.items()})
    os.replace(tmp, path)


@dataclass
class PairSet:
    """All pairs of some clips in memory (uint8), with each pair's portrait crop index."""

    warped: np.ndarray
    real: np.ndarray
    drawing: np.ndarray
    portrait: np.ndarray
    portrait_index: np.ndarray
    person: np.ndarray  # per pair
    clips: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.warped)


def load_pairs(files: list[Path]) -> PairSet:
    """Concatenate cached clips into one PairSet."""
    parts: dict[str, list] = {"warped": [], "real": [], "drawing": [], "portrait": [], "portrait_index": [], "person": []}
    clips = []
    for file in files:
        with np.load(file, allow_pickle=False) as data:
            offset = sum(len(p) for p in parts["portrait"])
            for key in ("warped", "real", "drawing", "portrait"):
                parts[key].append(data[key])
            parts["portrait_index"].append(data["source_index"] + offset)
            parts["person"].append(np.full(len(data["warped"]), str(data["person"])))
            clips.append(str(data["clip"]))
    if not clips:
        raise ValueError("no training pairs: the pair cache is empty")
    return PairSet(*(np.concatenate(parts[k]) for k in parts), clips=tuple(clips))
