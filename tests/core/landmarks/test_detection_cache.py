"""Detected faces are kept on disk by the image's pixels, and read back exactly."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from core.image_io import load_portrait
from core.landmarks.detection_cache import cache_key, load_face, store_face
from core.landmarks.detector import detect_largest_face

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample" / "portrait.png"


def _same(a, b) -> bool:
    arrays = ("points68", "upper_lids", "lower_lids", "iris", "iris_radius")
    return all(np.array_equal(getattr(a, n), getattr(b, n)) for n in arrays) and a.pose == b.pose \
        and a.image_size == b.image_size and a.source == b.source


def test_a_portrait_is_detected_once_and_read_back_exactly(tmp_path: Path) -> None:
    image = load_portrait(SAMPLE).rgba[:, :, :3]
    fresh, count = detect_largest_face(image, cache=None)
    first, first_count = detect_largest_face(image, cache=tmp_path)
    assert _same(fresh, first) and count == first_count
    assert len(list(tmp_path.glob("*.npz"))) == 1
    again, again_count = detect_largest_face(image, cache=tmp_path)
    assert _same(again, fresh) and again_count == count


def test_the_stored_entry_is_what_comes_back_and_damage_is_healed(tmp_path: Path) -> None:
    image = load_portrait(SAMPLE).rgba[:, :, :3]
    fresh, _count = detect_largest_face(image, cache=tmp_path)
    (entry,) = tmp_path.glob("*.npz")
    key = entry.stem
    planted = replace(fresh, points68=fresh.points68 + 1.0)
    store_face(key, planted, 3, tmp_path)
    face, count = detect_largest_face(image, cache=tmp_path)
    assert _same(face, planted) and count == 3  # read from the cache, not detected
    entry.write_bytes(b"damaged")
    assert load_face(key, tmp_path) is None
    face, count = detect_largest_face(image, cache=tmp_path)
    assert _same(face, fresh) and count == 1 and load_face(key, tmp_path) is not None


def test_other_pixels_are_another_entry(tmp_path: Path) -> None:
    image = load_portrait(SAMPLE).rgba[:, :, :3]
    changed = image.copy()
    changed[0, 0, 0] ^= 1
    assert cache_key(image, "s") != cache_key(changed, "s") != cache_key(changed, "t")
