"""Read a portrait image of any common kind into RGBA uint8.

Decoding goes through ``np.fromfile`` + ``cv2.imdecode`` so paths with any
characters work on every platform. Grey, grey+alpha, RGB, RGBA, 16-bit and
float images and CMYK JPEGs all become H×W×4 uint8 RGBA; JPEGs are decoded with
their EXIF orientation applied (phone photos stand upright). Images larger than
``max_side`` are reduced (alpha-premultiplied area filter) and the factor noted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from core.errors import ImageError

DEFAULT_MAX_SIDE = 4096
_JPEG_MAGIC = b"\xff\xd8\xff"


@dataclass(frozen=True)
class Portrait:
    """A portrait's pixels (H×W×4 RGBA uint8) and how they were obtained.

    ``has_alpha`` is True when some pixel is not fully opaque. ``scale`` is the
    factor applied to the file's pixels (< 1 when a huge image was reduced);
    ``notes`` are one-line remarks worth showing the user.
    """

    rgba: np.ndarray
    has_alpha: bool
    path: Path
    scale: float = 1.0
    notes: tuple[str, ...] = ()

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.rgba.shape[1]), int(self.rgba.shape[0])

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        # Lets callers that expect the bare pixel array write np.asarray(portrait).
        return self.rgba if dtype is None else self.rgba.astype(dtype)


def _fail(path: Path, reason: str) -> ImageError:
    return ImageError(f"Cannot read image '{path.name}': {reason}.")


def _decode(path: Path) -> np.ndarray:
    """The file's pixels as OpenCV decodes them (BGR order, any depth)."""
    if not path.is_file():
        raise _fail(path, "file not found")
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as err:
        raise _fail(path, err.strerror or "cannot open the file") from None
    if data.size == 0:
        raise _fail(path, "the file is empty")
    # JPEG has no alpha: IMREAD_COLOR applies EXIF orientation and converts CMYK.
    flags = cv2.IMREAD_COLOR if data[:3].tobytes() == _JPEG_MAGIC else cv2.IMREAD_UNCHANGED
    image = cv2.imdecode(data, flags)
    if image is None or image.size == 0:
        raise _fail(path, "not an image format that can be decoded (PNG, JPEG, WebP, BMP, TIFF work)")
    return image


def _to_uint8(image: np.ndarray) -> np.ndarray:
    """8-bit copy of a uint8, uint16 or float (0–1) image."""
    if image.dtype == np.uint8:
        return image
    if image.dtype == np.uint16:
        return ((image.astype(np.uint32) + 128) // 257).astype(np.uint8)
    if np.issubdtype(image.dtype, np.floating):
        return (np.clip(np.nan_to_num(image), 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
    raise ValueError(f"unsupported pixel type {image.dtype}")


def _to_rgba(image: np.ndarray) -> np.ndarray:
    """RGBA from OpenCV's grey, grey+alpha, BGR or BGRA."""
    if image.ndim == 2:
        image = image[:, :, None]
    channels = image.shape[2]
    opaque = np.full(image.shape[:2] + (1,), 255, np.uint8)
    if channels == 1:
        return np.concatenate([image, image, image, opaque], axis=2)
    if channels == 2:
        return np.concatenate([image[:, :, :1]] * 3 + [image[:, :, 1:]], axis=2)
    if channels == 3:
        return np.concatenate([image[:, :, ::-1], opaque], axis=2)
    return np.ascontiguousarray(image[:, :, [2, 1, 0, 3]])


def _reduce(rgba: np.ndarray, factor: float) -> np.ndarray:
    """Area-filter ``rgba`` by ``factor`` < 1, premultiplied so transparent colour cannot bleed."""
    height, width = rgba.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    alpha = rgba[:, :, 3:].astype(np.float32) / 255
    premultiplied = np.concatenate([rgba[:, :, :3] * alpha, alpha * 255], axis=2)
    small = cv2.resize(premultiplied, size, interpolation=cv2.INTER_AREA)
    a = small[:, :, 3:] / 255
    colour = np.where(a > 0, small[:, :, :3] / np.maximum(a, 1e-6), 0)
    return np.clip(np.concatenate([colour, small[:, :, 3:]], axis=2) + 0.5, 0, 255).astype(np.uint8)


def load_portrait(path: str | Path, max_side: int = DEFAULT_MAX_SIDE) -> Portrait:
    """Read ``path`` as RGBA uint8; raises ImageError("Cannot read image 'x.png': ...")."""
    path = Path(path)
    image = _decode(path)
    try:
        rgba = _to_rgba(_to_uint8(image))
    except ValueError as err:
        raise _fail(path, str(err)) from None
    height, width = rgba.shape[:2]
    factor, notes = 1.0, ()
    if max(width, height) > max_side:
        factor = max_side / max(width, height)
        rgba = _reduce(rgba, factor)
        notes = (f"Image reduced from {width}×{height} to {rgba.shape[1]}×{rgba.shape[0]} (factor {factor:.3f}).",)
    has_alpha = bool((rgba[:, :, 3] < 255).any())
    return Portrait(np.ascontiguousarray(rgba), has_alpha, path, factor, notes)
