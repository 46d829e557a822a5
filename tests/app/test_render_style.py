"""The Render menu: renderer, mouth set and background are project settings the preview,
the studio's export and ``render-project`` all draw with."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog

from app.export_job import ExportJob, ExportSettings
from app.main_window import StudioWindow
from core.animation.project import RenderSettings

ROOT = Path(__file__).resolve().parents[2]
MOUTH_SET = ROOT / "resources" / "mouth_sets" / "basic"
FIXTURE_V2 = ROOT / "tests" / "core" / "animation" / "fixtures" / "project_v2.json"


def _project_folder(tmp_path: Path, sample_files) -> tuple[Path, Path]:  # noqa: ANN001
    """The sample portrait (and its landmark JSON) copied into a project folder, with a short
    espeak-ng line beside it, so the saved project names only media inside its folder."""
    portrait = tmp_path / "portrait.png"
    shutil.copy(sample_files[0], portrait)
    landmarks = sample_files[0].with_name("portrait_landmarks.json")
    if landmarks.exists():
        shutil.copy(landmarks, tmp_path / landmarks.name)
    speech = tmp_path / "line.wav"
    try:
        subprocess.run(["espeak-ng", "-w", str(speech), "Hello, how are you?"], check=True,
                       capture_output=True, timeout=60)
    except (FileNotFoundError, subprocess.CalledProcessError):
        pytest.skip("espeak-ng is not available to speak the test line")
    return portrait, speech


def _window(qtbot, tmp_path: Path, portrait: Path, speech: Path, auto_generate: bool = False) -> StudioWindow:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    window.auto_generate = auto_generate  # the app's default: S2L lips, blinks and pose on open
    window.show()
    qtbot.waitExposed(window)
    window.open_portrait(str(portrait))
    window.open_audio(str(speech))
    return window


def _mouth_box(window: StudioWindow, frame: int) -> tuple[slice, slice]:
    """Rows and columns around the mouth (rig points 48–67) at ``frame``, with a margin."""
    rig = window.session.rig_at(frame)[0][48:68]
    (x0, y0), (x1, y1) = rig.min(0), rig.max(0)
    margin = 0.3 * (x1 - x0)
    return slice(int(y0 - margin), int(y1 + margin)), slice(int(x0 - margin), int(x1 + margin))


def test_drawn_changes_the_previewed_mouth(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path, *_project_folder(tmp_path, sample_files))
    menu, canvas, session = window.render_menu, window.canvas, window.session
    session.set_frame(int(np.argmax(session.all_rigs()[1])))  # the widest-open mouth of the line
    menu.style_actions["warp"].trigger()
    warp = canvas.current_image()
    menu.style_actions["drawn"].trigger()
    drawn = canvas.current_image()
    assert session.project.render.renderer == "drawn" and menu.style_actions["drawn"].isChecked()
    assert type(canvas._renderer).__name__ == "DrawnStyleRenderer"
    rows, cols = _mouth_box(window, session.frame)
    mouth_change = np.abs(drawn[rows, cols, :3].astype(int) - warp[rows, cols, :3]).mean()
    corner_change = np.abs(drawn[:40, :40, :3].astype(int) - warp[:40, :40, :3]).mean()
    assert mouth_change > 4.0, mouth_change  # the mouth is redrawn…
    assert corner_change < 0.5, corner_change  # …the rest of the picture is the same warp
    session.undo()  # back to the warp: the preview follows the project
    assert session.project.render.renderer == "warp" and menu.style_actions["warp"].isChecked()
    assert np.array_equal(canvas.current_image(), warp)


def test_a_mouth_set_is_saved_undone_and_reopened(qtbot, tmp_path: Path, sample_files, monkeypatch) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path, *_project_folder(tmp_path, sample_files))
    menu, session = window.render_menu, window.session
    mouths = tmp_path / "mouths"
    shutil.copytree(MOUTH_SET, mouths)
    menu.style_actions["warp"].trigger()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(mouths))
    menu.mouth_set_action.trigger()  # Render ▸ Mouth Set…
    # Sprites are drawn by the drawn style: choosing a set under the warp switches to Drawn.
    assert session.project.render == RenderSettings("drawn", mouths)
    assert menu.mouth_set_action.text() == "Mouth Set: mouths…" and menu.no_mouth_set_action.isEnabled()
    assert window.canvas.current_image() is not None
    assert window.canvas._renderer.mouth_set is not None and window.canvas.render_note is None
    session.undo()
    assert session.project.render == RenderSettings("warp") and not menu.no_mouth_set_action.isEnabled()
    session.redo()
    assert session.project.render.mouth_set == mouths
    menu.choose_background("#204060")
    path = tmp_path / "talk.space.json"
    session.save(path)
    window.session.load(str(path))
    assert window.session.project.render == RenderSettings("drawn", mouths.resolve(), "#204060")
    assert menu.style_actions["drawn"].isChecked() and menu.mouth_set_action.text() == "Mouth Set: mouths…"


def test_a_folder_without_mouths_is_refused(qtbot, tmp_path: Path, sample_files, no_modal_boxes) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path, *_project_folder(tmp_path, sample_files))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not window.render_menu.choose_mouth_set(empty)
    assert window.session.project.render == RenderSettings() and len(no_modal_boxes) == 1


def test_studio_export_matches_render_project(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    from core.cli import main

    window = _window(qtbot, tmp_path, *_project_folder(tmp_path, sample_files), auto_generate=True)
    session = window.session
    qtbot.waitUntil(lambda: not window.activity.busy and session.speech_base is not None and session.pose_ready(),
                    timeout=120_000)
    # A still head: the studio's PoseGen motion differs from the CLI's by up to 0.1 px (a separate matter).
    window.pose.still()
    window.render_menu.style_actions["drawn"].trigger()
    project_path = tmp_path / "talk.space.json"
    session.save(project_path)
    frames = (6, 14)  # past the drawn style's first frames, mouth moving
    studio = tmp_path / "studio"
    ExportJob(session, ExportSettings(str(studio), "png", session.project.fps, None, frames[0], frames[1])).run(
        lambda _done, _total: None)
    cli = tmp_path / "cli"
    assert main(["render-project", str(project_path), "--out", str(cli), "--format", "png"]) == 0
    for n, frame in enumerate(range(frames[0], frames[1] + 1)):
        ours = cv2.imread(str(studio / f"frame_{n:05d}.png"), cv2.IMREAD_UNCHANGED).astype(int)
        theirs = cv2.imread(str(cli / f"frame_{frame:05d}.png"), cv2.IMREAD_UNCHANGED).astype(int)
        assert ours.shape == theirs.shape
        assert np.abs(ours - theirs).max() <= 2, frame  # the same pixels (PNG round trip, GL rounding)


def test_a_v2_project_opens_with_the_default_render_style(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    folder = tmp_path / "old"
    (folder / "media").mkdir(parents=True)
    shutil.copy(sample_files[0], folder / "media" / "portrait.png")
    shutil.copy(sample_files[1], folder / "media" / "speech.wav")
    shutil.copy(FIXTURE_V2, folder / "project.json")
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    assert window.open_project(str(folder / "project.json"))
    assert window.session.project.render == RenderSettings()
    assert window.render_menu.style_actions["auto"].isChecked()


def test_playback_shows_the_drawn_style_only_while_it_keeps_up(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path, *_project_folder(tmp_path, sample_files))
    canvas = window.canvas
    window.render_menu.style_actions["drawn"].trigger()
    canvas.update()  # paused: the drawn frame is drawn and timed
    qtbot.waitUntil(lambda: canvas._full_render_s is not None, timeout=10_000)
    drawn = canvas._renderer
    assert type(drawn).__name__ == "DrawnStyleRenderer" and canvas._full_render_s is not None
    canvas._full_render_s = 0.5 / window.session.project.fps  # half a frame's time: it keeps up
    assert canvas._playback_renderer() is drawn
    canvas._full_render_s = 2.0 / window.session.project.fps  # too slow: its warp plays instead
    assert canvas._playback_renderer() is drawn.warp
    assert drawn.mesh is drawn.warp.mesh  # View ▸ Delaunay Mesh draws the warp's triangles
