"""RGBA PNG sequence export: frame_00000.png, frame_00001.png, ... in one folder.

Frames are written into a temporary folder beside the destination, which is
renamed into place only when every frame is written; cancel or failure leaves
nothing (an earlier export at the same path stays untouched until then).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import cv2
import numpy as np

from core.errors import Cancelled, OutputError
from core.export.atomic_output import atomic_directory
from core.export.output_check import check_frame_folder

FRAME_NAME = "frame_{:05d}.png"
PNG_COMPRESSION = 3  # zlib level: close to smallest files at a fraction of level 9's time


def _write_png(path: Path, frame: np.ndarray) -> None:
    frame = np.asarray(frame)
    if frame.ndim != 3 or frame.shape[2] not in (3, 4) or frame.dtype != np.uint8:
        raise ValueError(f"frame must be H×W×3|4 uint8, got {frame.shape} {frame.dtype}")
    code = cv2.COLOR_RGBA2BGRA if frame.shape[2] == 4 else cv2.COLOR_RGB2BGR
    if not cv2.imwrite(str(path), cv2.cvtColor(frame, code), [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION]):
        raise OutputError(f"cannot write PNG frame {path.name}")


def export_png_sequence(
    folder: str | os.PathLike,
    frames: Iterable[np.ndarray],
    total_frames: int = 0,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Path:
    """Write RGBA (or RGB) frames as numbered PNGs into ``folder``; returns the folder."""
    folder = Path(folder)
    check_frame_folder(folder)
    with atomic_directory(folder) as temp:
        count = 0
        for frame in frames:
            if cancel is not None and cancel():
                raise Cancelled("PNG export cancelled")
            try:
                _write_png(temp / FRAME_NAME.format(count), frame)
            except OutputError:
                # OpenCV reports no errno; a folder with less room than a raw frame is full.
                if shutil.disk_usage(temp).free < np.asarray(frame).nbytes:
                    raise OutputError(f"disk full while writing {folder}") from None
                raise
            count += 1
            if progress is not None:
                progress(count, total_frames)
        if count == 0:
            raise OutputError(f"no frames to write to {folder}")
    return folder
