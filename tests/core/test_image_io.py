"""Portrait loading: every pixel layout a user may have ends up as RGBA uint8."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from core.errors import ImageError
from core.image_io import load_portrait


def _gradient(height: int = 40, width: int = 60) -> np.ndarray:
    """RGB uint8 with distinct channels so a BGR/RGB swap would show."""
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x * 4, y * 6, np.full_like(x, 200)], axis=2).astype(np.uint8)


def _write(path: Path, bgr_or_grey: np.ndarray) -> Path:
    ok, data = cv2.imencode(path.suffix, bgr_or_grey)
    assert ok
    data.tofile(path)
    return path


def test_rgb_png_in_a_non_ascii_folder(tmp_path):
    rgb = _gradient()
    folder = tmp_path / "Porträts 顔"
    folder.mkdir()
    portrait = load_portrait(_write(folder / "face.png", rgb[:, :, ::-1]))
    assert portrait.rgba.shape == (40, 60, 4) and portrait.rgba.dtype == np.uint8
    assert np.array_equal(portrait.rgba[:, :, :3], rgb)
    assert not portrait.has_alpha and portrait.scale == 1.0 and portrait.size == (60, 40)
    assert np.array_equal(np.asarray(portrait), portrait.rgba)


def test_grey_png(tmp_path):
    grey = _gradient()[:, :, 0]
    rgba = load_portrait(_write(tmp_path / "g.png", grey)).rgba
    assert np.array_equal(rgba[:, :, 0], grey) and np.array_equal(rgba[:, :, 2], grey)
    assert (rgba[:, :, 3] == 255).all()


def test_grey_with_alpha_png(tmp_path):
    grey = _gradient()[:, :, 0]
    alpha = np.zeros_like(grey)
    alpha[10:30, 10:50] = 255
    Image.fromarray(np.stack([grey, alpha], axis=2), mode="LA").save(tmp_path / "la.png")
    portrait = load_portrait(tmp_path / "la.png")
    assert portrait.has_alpha
    assert np.array_equal(portrait.rgba[:, :, 3], alpha)
    assert np.array_equal(portrait.rgba[15, 15, :3], [grey[15, 15]] * 3)


def test_rgba_png_keeps_alpha_and_colour_order(tmp_path):
    rgb = _gradient()
    alpha = np.full(rgb.shape[:2], 128, np.uint8)
    bgra = np.concatenate([rgb[:, :, ::-1], alpha[:, :, None]], axis=2)
    portrait = load_portrait(_write(tmp_path / "a.png", bgra))
    assert portrait.has_alpha
    assert np.array_equal(portrait.rgba, np.concatenate([rgb, alpha[:, :, None]], axis=2))


def test_sixteen_bit_png(tmp_path):
    rgb = _gradient()
    portrait = load_portrait(_write(tmp_path / "d.png", rgb[:, :, ::-1].astype(np.uint16) * 257))
    assert np.array_equal(portrait.rgba[:, :, :3], rgb)


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    rgb = _gradient()
    Image.fromarray(rgb).convert("CMYK").save(tmp_path / "c.jpg", quality=95)
    expected = np.asarray(Image.open(tmp_path / "c.jpg").convert("RGB")).astype(int)
    got = load_portrait(tmp_path / "c.jpg").rgba[:, :, :3].astype(int)
    assert np.abs(got - expected).mean() < 3
    assert np.abs(got - rgb.astype(int)).mean() < 8


def test_huge_image_is_reduced_with_a_note(tmp_path):
    rgb = np.zeros((300, 5000, 3), np.uint8)
    rgb[:, 2500:] = 255
    portrait = load_portrait(_write(tmp_path / "wide.png", rgb), max_side=1000)
    assert portrait.rgba.shape == (60, 1000, 4)
    assert portrait.scale == pytest.approx(0.2)
    assert "5000×300 to 1000×60" in portrait.notes[0]
    assert portrait.rgba[30, 10, 0] == 0 and portrait.rgba[30, 990, 0] == 255


def test_reduction_does_not_bleed_transparent_colour(tmp_path):
    bgra = np.zeros((100, 100, 4), np.uint8)
    bgra[:, :45] = (0, 0, 255, 0)  # invisible red
    bgra[:, 45:] = (255, 0, 0, 255)  # opaque blue
    rgba = load_portrait(_write(tmp_path / "t.png", bgra), max_side=10).rgba
    # Output column 4 averages 5 clear and 5 blue pixels: half-transparent pure blue.
    assert rgba[5, 4, 3] == pytest.approx(128, abs=1)
    assert tuple(rgba[5, 4, :3]) == (0, 0, 255)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "the file is empty"), (b"\x89PNG not really", "not an image format")],
)
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "x.png"
    path.write_bytes(content)
    with pytest.raises(ImageError, match=f"Cannot read image 'x.png': {message}"):
        load_portrait(path)


def test_missing_file(tmp_path):
    with pytest.raises(ImageError, match="Cannot read image 'gone.jpg': file not found"):
        load_portrait(tmp_path / "gone.jpg")
