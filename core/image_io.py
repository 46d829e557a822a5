"""Read a portrait image of any common kind into RGBA uint8.

Decoding goes through ``np.fromfile`` + ``cv2.imdecode`` so paths with any
characters work on every platform. Grey, grey+alpha, RGB, RGBA, 16-bit and
float images and CMYK JPEGs all become H×W×4 uint8 RGBA; JPEGs are decoded with
their EXIF orientation applied (phone photos stand upright). Images larger than
``max_side`` are reduced (alpha-premultiplied area filter) and the factor noted.

The pixel count is read from the file's header before anything is decoded: files
declaring more than ``MAX_PIXELS`` are refused (a 48 KB PNG can declare
20000×20000 and would need gigabytes), and large JPEGs are decoded straight at
a half, quarter or eighth of their size so peak memory stays moderate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from core.errors import ImageError

DEFAULT_MAX_SIDE = 4096
MIN_SIDE = 16  # smaller has no room for a face's 68 points
# 40 MP: every camera photo of today; a 40 MP RGBA image is 160 MB decoded.
MAX_PIXELS = 40_000_000
# Formats the header reader does not know are decoded only when the file is this small.
MAX_UNKNOWN_FORMAT_BYTES = 32 * 1024 * 1024
_JPEG_MAGIC = b"\xff\xd8\xff"
_BAND_ROWS = 256
_REDUCED_JPEG_FLAGS = {8: cv2.IMREAD_REDUCED_COLOR_8, 4: cv2.IMREAD_REDUCED_COLOR_4, 2: cv2.IMREAD_REDUCED_COLOR_2}


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


def image_dimensions(path: str | Path) -> tuple[int, int] | None:
    """(width, height) the file's header declares, without decoding; None for unknown formats.

    Raises PIL's DecompressionBombError for headers beyond PIL's own hard limit (~179 MP)."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we apply our own budget
            with Image.open(path) as image:
                return int(image.size[0]), int(image.size[1])
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def check_pixel_budget(path: Path, max_pixels: int = MAX_PIXELS,
                       max_side: int = DEFAULT_MAX_SIDE) -> tuple[int, int] | None:
    """The header's (width, height); ImageError before decoding when the pixels we would
    decode exceed ``max_pixels`` (a JPEG decoded at 1/2, 1/4 or 1/8 size counts as such)."""
    from PIL import Image

    limit = f"the limit is {max_pixels / 1e6:.0f} MP — reduce it in an image editor first"
    try:
        size = image_dimensions(path)
    except Image.DecompressionBombError as err:  # PIL's text: "Image size (N pixels) exceeds limit ..."
        declared = re.search(r"\((\d+) pixels\)", str(err))
        pixels = int(declared.group(1)) if declared else 2 * (Image.MAX_IMAGE_PIXELS or 0)
        raise _fail(path, f"it declares {pixels / 1e6:.0f} MP; {limit}") from None
    if size is None:
        if path.stat().st_size > MAX_UNKNOWN_FORMAT_BYTES:
            raise _fail(path, "not an image format that can be decoded (PNG, JPEG, WebP, BMP, TIFF work)")
        return None
    width, height = size
    divisor = _jpeg_divisor(size, max_side) if _is_jpeg(path) else 1
    if width * height > max_pixels * divisor**2:
        raise _fail(path, f"it declares {width}×{height} pixels ({width * height / 1e6:.0f} MP); {limit}")
    return size


def _is_jpeg(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(3) == _JPEG_MAGIC


def _jpeg_divisor(size: tuple[int, int] | None, max_side: int) -> int:
    """8, 4 or 2 when a JPEG of ``size`` is that many times larger than needed, else 1."""
    if size is None:
        return 1
    return next((d for d in _REDUCED_JPEG_FLAGS if max(size) >= d * max_side), 1)


def _jpeg_flags(size: tuple[int, int] | None, max_side: int) -> int:
    """IMREAD_COLOR, or a reduced-size JPEG decode when the image is 2, 4 or 8 times too large."""
    return _REDUCED_JPEG_FLAGS.get(_jpeg_divisor(size, max_side), cv2.IMREAD_COLOR)


def _decode(path: Path, size: tuple[int, int] | None, max_side: int = DEFAULT_MAX_SIDE) -> np.ndarray:
    """The file's pixels as OpenCV decodes them (BGR order, any depth); ``size`` is the header's."""
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as err:
        raise _fail(path, err.strerror or "cannot open the file") from None
    if data.size == 0:
        raise _fail(path, "the file is empty")
    # JPEG has no alpha: IMREAD_COLOR applies EXIF orientation and converts CMYK.
    flags = _jpeg_flags(size, max_side) if data[:3].tobytes() == _JPEG_MAGIC else cv2.IMREAD_UNCHANGED
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
    """Area-filter ``rgba`` by ``factor`` < 1, premultiplied so transparent colour cannot bleed.

    Opaque images are filtered as they are; others are premultiplied in 16-bit integers
    (colour × alpha fits exactly), half the memory of float32 at full size."""
    height, width = rgba.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    if bool((rgba[:, :, 3] == 255).all()):
        return cv2.resize(rgba, size, interpolation=cv2.INTER_AREA)
    premultiplied = np.empty(rgba.shape, np.uint16)
    premultiplied[:, :, :3] = rgba[:, :, :3]
    premultiplied[:, :, :3] *= rgba[:, :, 3:]
    np.multiply(rgba[:, :, 3], 255, out=premultiplied[:, :, 3], dtype=np.uint16)
    small = cv2.resize(premultiplied, size, interpolation=cv2.INTER_AREA)
    del premultiplied
    out = np.empty(small.shape, np.uint8)
    for top in range(0, small.shape[0], _BAND_ROWS):  # float temporaries for a band only
        band = small[top : top + _BAND_ROWS].astype(np.float32)
        a = band[:, :, 3:]
        colour = np.where(a > 0, band[:, :, :3] * 255 / np.maximum(a, 1e-6), 0)
        out[top : top + _BAND_ROWS] = np.clip(np.concatenate([colour, a / 255], axis=2) + 0.5, 0, 255)
    return out


def load_portrait(path: str | Path, max_side: int = DEFAULT_MAX_SIDE) -> Portrait:
    """Read ``path`` as RGBA uint8; raises ImageError("Cannot read image 'x.png': ...")."""
    path = Path(path)
    if not path.is_file():
        raise _fail(path, "file not found")
    declared = check_pixel_budget(path, max_side=max_side)
    image = _decode(path, declared, max_side)
    try:
        rgba = _to_rgba(_to_uint8(image))
    except ValueError as err:
        raise _fail(path, str(err)) from None
    del image  # the decoded copy: only the RGBA one is needed from here on
    height, width = rgba.shape[:2]
    if min(width, height) < MIN_SIDE:
        raise _fail(path, f"it is only {width}×{height} pixels; a portrait needs at least {MIN_SIDE} on each side")
    file_side = max(declared) if declared else max(width, height)
    factor, notes = max(width, height) / file_side, ()
    if max(width, height) > max_side:
        rgba = _reduce(rgba, max_side / max(width, height))
    if rgba.shape[:2] != (height, width) or factor != 1.0:
        factor = max(rgba.shape[:2]) / file_side
        file_w, file_h = declared if declared else (width, height)
        notes = (f"Image reduced from {file_w}×{file_h} to {rgba.shape[1]}×{rgba.shape[0]} (factor {factor:.3f}).",)
    has_alpha = bool((rgba[:, :, 3] < 255).any())
    return Portrait(np.ascontiguousarray(rgba), has_alpha, path, factor, notes)
