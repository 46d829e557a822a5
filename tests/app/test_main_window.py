"""Window-level behaviour: labels on undo actions, dirty title, autosave + recovery, errors in message boxes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.main_window import StudioWindow
from app.timeline_items import add_command, items


def _window(qtbot, tmp_path: Path) -> StudioWindow:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    return window


def test_undo_label_and_dirty_title(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    command, _item = add_command(window.session.project.tracks, "blinks", 0.5, 1.0)
    window.session.push(command)
    assert window.undo_action.text() == "Undo Add Blink"
    assert window.windowTitle().startswith("Untitled *")
    window.undo_action.trigger()
    assert window.redo_action.text() == "Redo Add Blink"


def test_autosave_then_recovery(qtbot, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    command, _item = add_command(window.session.project.tracks, "blinks", 0.5, 1.0)
    window.session.push(command)
    window.autosave()
    assert (tmp_path / "untitled.space.autosave.json").exists()
    fresh = _window(qtbot, tmp_path)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert fresh.offer_recovery()
    assert [b.time for b in items(fresh.session.project.tracks, "blinks")] == [0.5]
    assert not fresh.session.undo_stack.is_clean


def test_bad_files_show_a_message_not_a_traceback(qtbot, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"not audio")
    assert not window.open_audio(str(bad))
    assert not window.open_project(str(tmp_path / "missing.space.json"))
    assert len(shown) == 2 and all("Traceback" not in s for s in shown)


def test_close_with_unsaved_changes_asks(qtbot, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    command, _item = add_command(window.session.project.tracks, "blinks", 0.5, 1.0)
    window.session.push(command)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    window.show()
    assert not window.close()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    assert window.close()


def test_dropping_files_opens_them(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    window = _window(qtbot, tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in sample_files])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.session.portrait is not None and window.session.samples is not None
    assert window.session.project.frame_count > 100
