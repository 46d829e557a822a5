"""Files reach the right loader by name (issue 16, item 10): images of any common format as
portraits, never as projects; unknown names are explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.main_window import StudioWindow
from app.media import file_kind


@pytest.mark.parametrize("name, kind", [
    ("face.gif", "image"), ("face.TIF", "image"), ("face.tiff", "image"), ("face.bmp", "image"),
    ("face.webp", "image"), ("face.JPG", "image"), ("line.opus", "audio"), ("line.M4A", "audio"),
    ("song.space.json", "project"), ("song.space.autosave.json", "project"),
    ("notes.txt", None), ("archive.tar.gz", None), ("no_extension", None),
])
def test_file_kind_by_name(name: str, kind: str | None) -> None:
    assert file_kind(name) == kind


def _window(qtbot, tmp_path: Path) -> StudioWindow:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    return window


@pytest.mark.parametrize("name", ["portrait.tif", "portrait.gif", "portrait.bmp"])
def test_tif_and_gif_open_as_portraits_not_projects(qtbot, tmp_path, sample_files, no_modal_boxes, name) -> None:  # noqa: ANN001
    from PIL import Image

    portrait, _speech = sample_files
    Image.open(portrait).convert("RGB").save(tmp_path / name)
    window = _window(qtbot, tmp_path)
    assert window.open_any(str(tmp_path / name)), no_modal_boxes
    assert window.session.portrait.rgba.shape[:2] == (512, 512)
    assert window.session.project.portrait_path == tmp_path / name


def test_unknown_file_types_are_explained(qtbot, tmp_path, no_modal_boxes) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    assert not window.open_any(str(notes))
    assert len(no_modal_boxes) == 1 and "notes.txt" in no_modal_boxes[0] and ".space.json" in no_modal_boxes[0]
