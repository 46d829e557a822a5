"""Opening media in the studio: derived motion of earlier speech is never applied to new
speech (core.derived_motion keys), and a new portrait or speech starts a new undo history."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np

from app.main_window import StudioWindow
from core.animation.commands import AddKey
from core.animation.keyframes import Key
from tests.core.audio.speech_fixture import espeak_wav


def _window(qtbot, tmp_path: Path) -> StudioWindow:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    window.auto_generate = False  # the test starts the lip motion itself
    return window


def _open_line_a(qtbot, tmp_path: Path, portrait: Path, words_a: str, words_b: str) -> tuple[StudioWindow, Path]:  # noqa: ANN001
    """A window showing ``portrait`` and line A; line B is spoken for the test to open later."""
    window = _window(qtbot, tmp_path)
    line_a, line_b = espeak_wav(tmp_path / "a.wav", words_a), espeak_wav(tmp_path / "b.wav", words_b)
    assert window.open_portrait(str(portrait)) and window.open_audio(str(line_a))
    return window, line_b


def test_lip_motion_of_the_previous_speech_is_dropped(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window, line_b = _open_line_a(qtbot, tmp_path, sample_files[0], "This first line is rather long, it goes on "
                                  "and on for a while.", "Short one.")
    session = window.session
    key_a = session.speech_key()
    window.generate_speech_motion()  # S2L for A runs in the background...
    assert window.open_audio(str(line_b))  # ...while the user opens B
    qtbot.waitUntil(lambda: not window.activity.busy, timeout=120_000)

    assert session.speech_key() != key_a
    assert key_a not in session.motion.speech  # A's result was dropped, not kept under any key
    assert session.speech_base is None  # the preview's lips follow B's loudness until B's motion exists
    frames_b = session.project.frame_count
    assert len(session.all_rigs()[0]) == frames_b

    window.generate_speech_motion()
    qtbot.waitUntil(lambda: session.speech_base is not None, timeout=120_000)
    assert len(session.speech_base) == frames_b  # B's own motion
    assert session.motion.speech.get(session.speech_key()).audio.duration < 2.0


def test_pose_of_the_previous_speech_is_dropped(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window, line_b = _open_line_a(qtbot, tmp_path, sample_files[0], "The first line.",
                                  "The second line, which is not the first.")
    session = window.session
    source = replace(session.project.tracks.pose.source, kind="generated")
    request_a = session.pose_request(source)
    assert window.open_audio(str(line_b))
    assert not session.set_pose_motion(request_a, np.zeros((40, 6)))  # heard A: refused for B
    assert request_a not in session.poses and session.pose_request(source) not in session.poses


def test_a_second_portrait_does_not_keep_the_first_ones_undo_history(qtbot, tmp_path: Path,  # noqa: ANN001
                                                                      sample_files) -> None:
    window = _window(qtbot, tmp_path)
    session = window.session
    second = Path(shutil.copy(sample_files[0], tmp_path / "second.png"))
    assert window.open_portrait(str(sample_files[0])) and window.open_audio(str(sample_files[1]))
    session.push(AddKey(session.project.tracks.emotion.curves["happy"], Key(0.5, 0.7)))
    assert session.undo_stack.can_undo and window.undo_action.isEnabled()

    assert window.open_portrait(str(second))
    assert not session.undo_stack.can_undo and not session.undo_stack.can_redo
    assert not window.undo_action.isEnabled()
    assert not session.undo_stack.is_clean  # the change of portrait itself is unsaved
    assert session.project.tracks.emotion.curves["happy"].find(0.5) is not None  # the keys stay, only history goes

    session.push(AddKey(session.project.tracks.emotion.curves["sad"], Key(0.5, 0.3)))
    assert window.open_audio(str(sample_files[1]))  # new speech: a new history too
    assert not session.undo_stack.can_undo
