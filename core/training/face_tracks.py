"""The shared data set's face tracks, cached in one run (one thread, prints a summary)::

    python -m core.training.face_tracks --all SHARED_DATA_DIR

Extraction and the cache live in ``core.landmarks.video_face_track`` (the product reads a
reference video's head motion through them); this module lists the data set's videos.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import cv2

from core.errors import VideoError
from core.landmarks.video_face_track import FaceTrack, load_or_extract

__all__ = ["FaceTrack", "VIDEO_SUFFIXES", "dataset_videos", "load_or_extract"]

VIDEO_SUFFIXES = (".mp4", ".mpg", ".mpeg", ".avi", ".mov", ".mkv", ".webm")


def dataset_videos(shared_data_dir: str | Path) -> list[Path]:
    """Every video under talking/ and faces_silent/ of the shared data folder."""
    root = Path(shared_data_dir)
    return sorted(
        p for sub in ("talking", "faces_silent") for p in (root / sub).rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES
    )


def _extract_all(shared_data_dir: str) -> None:
    """Cache the track of every data-set video and print a one-line summary per video."""
    cv2.setNumThreads(1)
    start = time.monotonic()
    frames = missing = 0
    for video in dataset_videos(shared_data_dir):
        t0 = time.monotonic()
        try:
            track = load_or_extract(video)
        except VideoError as err:
            print(f"SKIP {video}: {err}", flush=True)
            continue
        lost = int((~track.valid).sum())
        frames, missing = frames + len(track), missing + lost
        print(f"{video.relative_to(shared_data_dir)}\t{len(track)} frames\t{lost} without face\t{time.monotonic() - t0:.1f}s", flush=True)
    print(f"TOTAL {frames} frames, {missing} without face, {time.monotonic() - start:.0f}s", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--all":
        sys.exit("usage: python -m core.training.face_tracks --all SHARED_DATA_DIR")
    _extract_all(sys.argv[2])
