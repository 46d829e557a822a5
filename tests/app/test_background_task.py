"""Long studio work shows where it is and stops on Cancel (issue 16: progress inside steps)."""

from __future__ import annotations

import threading

from app.background_task import run_with_progress
from app.main_window import StudioWindow


def _window(qtbot, tmp_path) -> StudioWindow:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    return window


def test_reports_move_the_dialog(qtbot, tmp_path, no_modal_boxes) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    results: list[str] = []
    seen: list[tuple[str, int, int]] = []
    step = threading.Event()

    def work(progress) -> str:  # noqa: ANN001
        for done in range(0, 5):
            progress.step("Predicting lip motion", done * 9000, 45000)
            step.wait(5)
            step.clear()
        return "motion"

    task = run_with_progress(window, "Generating lip motion", work, results.append)
    for expected in range(0, 5):
        qtbot.waitUntil(lambda e=expected: task.busy.value() == e * 9000, timeout=5000)
        seen.append((task.busy.labelText(), task.busy.value(), task.busy.maximum()))
        step.set()
    qtbot.waitUntil(lambda: results == ["motion"], timeout=5000)
    assert seen[2] == ("Predicting lip motion", 18000, 45000)
    assert no_modal_boxes == []


def test_cancel_stops_the_work_at_its_next_report(qtbot, tmp_path, no_modal_boxes) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    results: list[object] = []
    reached: list[int] = []
    first_report = threading.Event()
    go_on = threading.Event()

    def work(progress) -> str:  # noqa: ANN001
        for done in range(100):
            progress.step("Predicting lip motion", done, 100)
            reached.append(done)
            if done == 0:
                first_report.set()
                go_on.wait(5)
        return "finished anyway"

    task = run_with_progress(window, "Generating lip motion", work, results.append)
    assert first_report.wait(5)
    from PySide6.QtWidgets import QPushButton

    task.busy.findChild(QPushButton).click()  # the dialog's Cancel button
    go_on.set()
    qtbot.waitUntil(task.isFinished, timeout=5000)
    qtbot.wait(50)
    assert reached == [0] and results == [] and no_modal_boxes == []
