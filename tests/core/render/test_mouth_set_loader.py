"""Loading sprite mouth sets: Rhubarb's file names, a mapping file, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.render.sprite_mouths import MouthSetError, load_mouth_set

SHIPPED = Path(__file__).resolve().parents[3] / "resources" / "mouth_sets" / "basic"


def _write_shape(path: Path, value: int, size: tuple[int, int] = (40, 24)) -> None:
    """A small drawing whose colour tells the shapes apart (BGRA, half transparent border)."""
    image = np.zeros((size[1], size[0], 4), np.uint8)
    image[4:-4, 4:-4] = (value, 255 - value, 40, 255)
    cv2.imwrite(str(path), image)


def _folder(tmp_path: Path, letters: str, names: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "mouths"
    folder.mkdir()
    for i, letter in enumerate(letters):
        _write_shape(folder / (names or {}).get(letter, f"{letter}.png"), 20 * i + 10)
    return folder


def test_the_shipped_set_has_nine_distinct_drawings():
    mouths = load_mouth_set(SHIPPED)
    assert sorted(mouths.images) == list("ABCDEFGHX")
    drawings = [mouths.images[s] for s in "ABCDEFGHX"]
    assert all(d.shape == drawings[0].shape for d in drawings)
    assert len({d.tobytes() for d in drawings}) == 9
    assert all(d[..., 3].max() == 255 and d[..., 3].min() == 0 for d in drawings)  # drawn on transparency


def test_missing_required_shapes_are_named_in_one_line(tmp_path):
    folder = _folder(tmp_path, "ABDF")
    with pytest.raises(MouthSetError) as err:
        load_mouth_set(folder)
    message = str(err.value)
    assert "C.png" in message and "E.png" in message and "\n" not in message
    assert "A.png" not in message


def test_extended_shapes_fall_back_like_rhubarb(tmp_path):
    mouths = load_mouth_set(_folder(tmp_path, "ABCDEF"))
    for extended, basic in (("X", "A"), ("G", "B"), ("H", "C")):
        assert mouths.images[extended] is mouths.images[basic]


def test_file_names_are_matched_without_case(tmp_path):
    folder = _folder(tmp_path, "ABCDEF")
    (folder / "A.png").rename(folder / "a.PNG")
    assert "A" in load_mouth_set(folder).images


def test_a_mapping_file_gives_other_names_and_placement(tmp_path):
    names = {s: f"mouth_{s.lower()}_v2.png" for s in "ABCDEFX"}
    folder = _folder(tmp_path, "ABCDEFX", names)
    (folder / "mouths.json").write_text(json.dumps({"shapes": names, "anchor": [0.5, 0.3], "mouth_width": 0.5}))
    mouths = load_mouth_set(folder)
    assert mouths.anchor == (0.5, 0.3) and mouths.mouth_width == 0.5
    assert not np.array_equal(mouths.images["X"], mouths.images["A"])  # X given, not the fallback


def test_bad_sets_are_refused_with_the_reason(tmp_path):
    with pytest.raises(MouthSetError, match="does not exist"):
        load_mouth_set(tmp_path / "nowhere")
    folder = _folder(tmp_path, "ABCDEF")
    _write_shape(folder / "B.png", 99, size=(50, 24))
    with pytest.raises(MouthSetError, match="same size"):
        load_mouth_set(folder)
    (folder / "mouths.json").write_text(json.dumps({"shapes": {"Q": "A.png"}}))
    with pytest.raises(MouthSetError, match="unknown shapes"):
        load_mouth_set(folder)


def test_drawings_are_premultiplied(tmp_path):
    folder = _folder(tmp_path, "ABCDEF")
    image = np.zeros((24, 40, 4), np.uint8)
    image[..., :3] = 255  # white under full transparency: must not leak when scaled
    cv2.imwrite(str(folder / "A.png"), image)
    assert load_mouth_set(folder).images["A"][..., :3].max() == 0
