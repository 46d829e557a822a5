"""A project naming media outside its folder opens only after the user says yes (issue 16, item 9)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.main_window import StudioWindow
from core.animation.project import Project
from core.animation.project_file import save_project


def _shared_project(tmp_path: Path, sample_files) -> tuple[Path, Path]:  # noqa: ANN001
    """A project in ``shared/`` whose portrait lies in a sibling folder (saved as ../elsewhere/...)."""
    portrait, _speech = sample_files
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outside = elsewhere / "portrait.png"
    shutil.copy(portrait, outside)
    shutil.copy(portrait.with_name("portrait_landmarks.json"), elsewhere / "portrait_landmarks.json")
    project = Project(fps=30.0, duration=2.0)
    project.portrait_path = outside
    (tmp_path / "shared").mkdir()
    path = tmp_path / "shared" / "song.space.json"
    save_project(project, path)
    return path, outside.resolve()


def _answering(monkeypatch, answer: QMessageBox.StandardButton) -> list[str]:  # noqa: ANN001
    asked: list[str] = []

    def question(_parent, _title, text, *_a, **_k):  # noqa: ANN001, ANN202
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_no_keeps_the_outside_file_unread(qtbot, tmp_path: Path, sample_files, monkeypatch) -> None:  # noqa: ANN001
    path, outside = _shared_project(tmp_path, sample_files)
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    asked = _answering(monkeypatch, QMessageBox.StandardButton.No)
    assert not window.open_project(str(path))
    assert len(asked) == 1 and str(outside) in asked[0]
    assert window.session.portrait is None and window.session.path is None


def test_yes_opens_the_project_with_its_media(qtbot, tmp_path: Path, sample_files, monkeypatch) -> None:  # noqa: ANN001
    path, outside = _shared_project(tmp_path, sample_files)
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    asked = _answering(monkeypatch, QMessageBox.StandardButton.Yes)
    assert window.open_project(str(path))
    assert len(asked) == 1
    assert window.session.portrait is not None and Path(window.session.portrait.path).resolve() == outside


def test_media_beside_the_project_open_without_a_question(qtbot, tmp_path: Path, sample_files, monkeypatch) -> None:  # noqa: ANN001
    portrait, _speech = sample_files
    shutil.copy(portrait, tmp_path / "portrait.png")
    shutil.copy(portrait.with_name("portrait_landmarks.json"), tmp_path / "portrait_landmarks.json")
    project = Project(fps=30.0, duration=2.0)
    project.portrait_path = tmp_path / "portrait.png"
    save_project(project, tmp_path / "song.space.json")
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    asked = _answering(monkeypatch, QMessageBox.StandardButton.No)
    assert window.open_project(str(tmp_path / "song.space.json"))
    assert asked == [] and window.session.portrait is not None
