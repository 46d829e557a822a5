"""The studio window: canvas in the centre, timeline and inspector docks, menus and transport."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDockWidget, QFileDialog, QMainWindow, QMessageBox,
                               QScrollArea, QToolBar)

from app.background_task import run_in_background
from app.export_dialog import ExportDialog, run_export
from app.inspector import Inspector
from app.media import detect_rest_face
from app.playback import Playback
from app.pose_actions import PoseActions
from app.preview_canvas import PreviewCanvas
from app.studio_session import StudioSession
from app.timeline_view import TimelineView
from core.animation.commands import RegenerateBlinks, SetRestLandmarks
from core.animation.project_file import find_autosave, load_autosave, remove_autosave, write_autosave
from core.errors import SpaceStudioError

IMAGE_EXT = {".png", ".jpg", ".jpeg", ".bmp", ".webp"}
AUDIO_EXT = {".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac"}
PROJECT_EXT = ".space.json"
AUTOSAVE_MS = 5000


class StudioWindow(QMainWindow):
    """A thin view over one ``StudioSession``."""

    def __init__(self, session: StudioSession | None = None, untitled_path: Path | None = None) -> None:
        super().__init__()
        self.session = session or StudioSession()
        self.settings = QSettings("SPACE", "SPACE Studio")
        self.untitled_path = untitled_path  # where an unsaved project's autosave goes
        self.auto_generate = False  # detect the face and run S2L on open (the app turns it on)
        self.canvas = PreviewCanvas(self.session)
        self.timeline = TimelineView(self.session)
        self.inspector = Inspector(self.session)
        self.inspector.transcript_applied.connect(lambda: self.generate_speech_motion())
        self.playback = Playback(self.session)
        self.pose = PoseActions(self)
        self.playback.audio_unavailable.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.playback.playing_changed.connect(self.canvas.fps_meter.set_running)
        self.setCentralWidget(self.canvas)
        self._docks()
        self._menus()
        self._toolbar()
        self.setAcceptDrops(True)
        self.resize(1400, 900)
        self.session.history_changed.connect(self._history_changed)
        self.session.history_changed.connect(lambda: self.auto_generate and self.pose.ensure())
        self.session.history_changed.connect(self._follow_transcript)
        self._lips_transcript: str | None = None  # the transcript the current lips were made with
        self._history_changed()
        self._autosave_timer = QTimer(self, interval=AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self.autosave)
        self._autosave_timer.start()

    # --- layout ----------------------------------------------------------------------
    def _docks(self) -> None:
        scroll = QScrollArea()
        scroll.setWidget(self.timeline)
        scroll.setWidgetResizable(True)
        timeline_dock = QDockWidget("Timeline", self, objectName="timeline")
        timeline_dock.setWidget(scroll)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, timeline_dock)
        self.resizeDocks([timeline_dock], [self.timeline.minimumHeight() + 30], Qt.Orientation.Vertical)
        inspector_dock = QDockWidget("Inspector", self, objectName="inspector")
        inspector_dock.setWidget(self.inspector)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, inspector_dock)

    def _action(self, menu, text: str, slot: Callable, shortcut: QKeySequence | str | None = None) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _menus(self) -> None:
        m = self.menuBar().addMenu("&File")
        self._action(m, "New Project", self.new_project, QKeySequence.StandardKey.New)
        self._action(m, "Open Project…", self.open_project_dialog, QKeySequence.StandardKey.Open)
        self._action(m, "Open Portrait…", self.open_portrait_dialog, "Ctrl+I")
        self._action(m, "Open Speech…", self.open_audio_dialog, "Ctrl+Shift+I")
        self._action(m, "Detect Face Landmarks", self.detect_face)
        self._action(m, "Generate Lip Motion (S2L)", self.generate_speech_motion, "Ctrl+G")
        self.recent_menu = m.addMenu("Recent")
        self._refresh_recent()
        self._action(m, "Save", self.save, QKeySequence.StandardKey.Save)
        self._action(m, "Save As…", self.save_as, "Ctrl+Shift+S")
        self._action(m, "Export…", self.export_dialog, "Ctrl+E")
        self._action(m, "Quit", self.close, QKeySequence.StandardKey.Quit)
        e = self.menuBar().addMenu("&Edit")
        self.undo_action = self._action(e, "Undo", self.session.undo, "Ctrl+Z")
        self.redo_action = self._action(e, "Redo", self.session.redo, "Ctrl+Shift+Z")
        p = self.menuBar().addMenu("&Playback")
        self._action(p, "Play / Pause", self.playback.toggle, "Space")
        self._action(p, "Next Frame", lambda: self.session.set_frame(self.session.frame + 1), "Right")
        self._action(p, "Previous Frame", lambda: self.session.set_frame(self.session.frame - 1), "Left")
        self._action(p, "Shuttle Back (J)", lambda: self.playback.shuttle(-1), "J")
        self._action(p, "Stop (K)", self.playback.pause, "K")
        self._action(p, "Shuttle Forward (L)", lambda: self.playback.shuttle(1), "L")
        self._action(p, "First Frame", lambda: self.session.set_frame(0), "Home")
        self._action(p, "Last Frame", lambda: self.session.set_frame(self.session.project.frame_count - 1), "End")
        self._action(p, "Loop Selection Range", self.toggle_loop)
        a = self.menuBar().addMenu("&Animation")
        self._action(a, "Import Pose from Video…", self.pose.import_video_dialog)
        self._action(a, "Regenerate Pose (new seed)", self.pose.regenerate)
        self._action(a, "Still Head", self.pose.still)
        v = self.menuBar().addMenu("&View")
        self._action(v, "Reset Zoom", self.canvas.reset_view, "Ctrl+0")
        v.addSeparator()
        self.overlay_actions = {attr: self._overlay_action(v, text, attr) for attr, text in
                                (("show_landmarks", "Landmarks"), ("show_irises", "Irises"),
                                 ("show_mesh", "Delaunay Mesh"))}

    def _overlay_action(self, menu, text: str, attr: str) -> QAction:  # noqa: ANN001
        """A checkable View item that shows or hides one canvas overlay."""
        action = QAction(text, self, checkable=True, checked=getattr(self.canvas, attr))
        action.toggled.connect(lambda on: (setattr(self.canvas, attr, on), self.canvas.update()))
        menu.addAction(action)
        return action

    def _toolbar(self) -> None:
        bar = QToolBar("Tools", objectName="tools")
        self.addToolBar(bar)
        self.mode_box = QComboBox()
        self.mode_box.addItems(["Keyframe", "Rest landmarks"])
        self.mode_box.currentIndexChanged.connect(self._mode_changed)
        self.mirror_box = QCheckBox("Mirror")
        self.mirror_box.toggled.connect(lambda on: setattr(self.canvas.editor, "mirror", on))
        self.overlay_box = QCheckBox("Landmarks", checked=True)
        landmarks = self.overlay_actions["show_landmarks"]
        self.overlay_box.toggled.connect(landmarks.setChecked)
        landmarks.toggled.connect(self.overlay_box.setChecked)
        self.fit_box = QCheckBox("Fit face to anchors")
        self.fit_box.setToolTip("Rest landmarks: dragging an eye corner, mouth corner or the chin re-fits the whole face")
        self.fit_box.toggled.connect(self._fit_toggled)
        self._fit_source: str | None = None
        self.session.media_changed.connect(self._fit_default)
        for w in (self.mode_box, self.mirror_box, self.overlay_box, self.fit_box):
            bar.addWidget(w)
        bar.addSeparator()
        bar.addAction("▶ / ❚❚", self.playback.toggle)

    def _mode_changed(self, index: int) -> None:
        self.canvas.editor.mode = "keyframe" if index == 0 else "rest"
        self.canvas.update()

    def _fit_toggled(self, on: bool) -> None:
        self.canvas.editor.fit_face = on
        self.canvas.update()

    def _fit_default(self) -> None:
        """A new kind of rest face: fitting on for a template face, off for a detected one."""
        portrait = self.session.portrait
        source = portrait.rest_face.source if portrait is not None else None
        if source != self._fit_source:
            self._fit_source = source
            self.fit_box.setChecked(source == "template")
            self._fit_toggled(source == "template")

    def _history_changed(self) -> None:
        stack = self.session.undo_stack
        self.undo_action.setText(f"Undo {stack.undo_label}".strip())
        self.redo_action.setText(f"Redo {stack.redo_label}".strip())
        self.undo_action.setEnabled(stack.can_undo)
        self.redo_action.setEnabled(stack.can_redo)
        name = self.session.path.name if self.session.path else "Untitled"
        self.setWindowTitle(f"{name}{'' if stack.is_clean else ' *'} — SPACE Studio")

    def toggle_loop(self) -> None:
        times = [item.time for item in self.session.selection]
        fps = self.session.project.fps
        rng = (int(min(times) * fps), int(max(times) * fps)) if len(times) > 1 else None
        self.playback.loop_range = None if self.playback.loop_range else rng

    # --- files -----------------------------------------------------------------------
    def _guarded(self, title: str, fn: Callable[[], None]) -> bool:
        try:
            fn()
        except SpaceStudioError as e:
            QMessageBox.warning(self, title, str(e))
            return False
        return True

    def open_portrait(self, path: str) -> bool:
        ok = self._guarded("Open portrait", lambda: self.session.open_portrait(path))
        if ok:
            self._add_recent(path)
            self.canvas.reset_view()
            self._auto_prepare()
        return ok

    def open_audio(self, path: str) -> bool:
        ok = self._guarded("Open speech", lambda: self.session.open_audio(path))
        if ok:
            self._add_recent(path)
            self._auto_prepare()
        return ok

    def open_project(self, path: str) -> bool:
        if not self.maybe_save():
            return False
        ok = self._guarded("Open project", lambda: self.session.load(path))
        if ok:
            self._add_recent(path)
            self.offer_recovery(Path(path))
            if self.auto_generate and self.session.portrait is not None and self.session.samples is not None:
                self.generate_speech_motion(quiet=True)
                self.pose.ensure()
        return ok

    def save_to(self, path: str) -> bool:
        ok = self._guarded("Save project", lambda: self.session.save(path))
        if ok:
            self._add_recent(path)
            self._history_changed()
        return ok

    def save(self) -> bool:
        return self.save_to(str(self.session.path)) if self.session.path else self.save_as()

    def save_as(self) -> bool:
        path, _f = QFileDialog.getSaveFileName(self, "Save project", "", f"SPACE project (*{PROJECT_EXT})")
        return bool(path) and self.save_to(path if path.endswith(PROJECT_EXT) else path + PROJECT_EXT)

    def new_project(self) -> None:
        if self.maybe_save():
            self.session.new_project()

    def open_project_dialog(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Open project", "", f"SPACE project (*{PROJECT_EXT})")
        if path:
            self.open_project(path)

    def open_portrait_dialog(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Open portrait", "", "Images (*.png *.jpg *.jpeg *.bmp *.webp)")
        if path:
            self.open_portrait(path)

    def open_audio_dialog(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Open speech", "", "Audio (*.wav *.mp3 *.flac *.ogg *.m4a)")
        if path:
            self.open_audio(path)

    def detect_face(self, quiet: bool = False) -> None:
        portrait = self.session.portrait
        if portrait is None:
            QMessageBox.information(self, "Detect face", "Open a portrait first.")
            return

        def done(face) -> None:  # noqa: ANN001
            self.session.push(SetRestLandmarks(self.session.project, face))
            self._auto_prepare()

        run_in_background(self, "Detecting face", lambda: detect_rest_face(portrait.rgba), done,
                          self._status_note if quiet else None)

    def _auto_prepare(self) -> None:
        """After opening media: detect the face when only the template is there, then run S2L."""
        portrait = self.session.portrait
        if not self.auto_generate or portrait is None:
            return
        if portrait.rest_face.source == "template":
            self.detect_face(quiet=True)
        elif self.session.project.audio_path is not None:
            self._initial_blinks()
            self.generate_speech_motion(quiet=True)
            self.pose.ensure()

    def _initial_blinks(self) -> None:
        """Blinks at the project's rate when the clip has none yet (an undoable step)."""
        project = self.session.project
        if not len(project.tracks.blinks.events):
            s = project.settings
            self.session.push(RegenerateBlinks(project.tracks.blinks, s.blink_rate, s.blink_seed, project.duration))

    def generate_speech_motion(self, quiet: bool = False) -> None:
        """Run S2L on the speech for this face off the UI thread; the preview then uses it."""
        session = self.session
        if session.portrait is None or session.project.audio_path is None:
            QMessageBox.information(self, "Lip motion", "Open a portrait and a speech file first.")
            return
        face, audio_path, fps = session.portrait.rest_face, session.project.audio_path, session.project.fps
        transcript = session.project.settings.transcript
        self._lips_transcript = transcript

        def work():  # noqa: ANN202
            from app.speech_motion import predict_base

            return predict_base(face, audio_path, fps, transcript)

        run_in_background(self, "Generating lip motion", work, session.set_speech_base,
                          self._status_note if quiet else None)

    def _follow_transcript(self) -> None:
        """Lips made for another transcript (edited, undone, redone) are made again."""
        current = self.session.project.settings.transcript
        if self._lips_transcript is not None and current != self._lips_transcript:
            self.generate_speech_motion()

    def _status_note(self, message: str) -> None:
        self.statusBar().showMessage(f"{message} — the preview's lips follow loudness.", 15000)

    def export_dialog(self) -> None:
        dialog = ExportDialog(self.session, self)
        if dialog.exec():
            self.export_worker = run_export(self.session, dialog.settings(), self)

    # --- recent, autosave, close -------------------------------------------------------
    def _add_recent(self, path: str) -> None:
        recent = [str(Path(path).resolve())] + [p for p in self.recent_files() if p != str(Path(path).resolve())]
        self.settings.setValue("recent", recent[:10])
        self._refresh_recent()

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_files():
            self.recent_menu.addAction(path, lambda p=path: self.open_any(p))

    def open_any(self, path: str) -> bool:
        suffix = Path(path).suffix.lower()
        if suffix in IMAGE_EXT:
            return self.open_portrait(path)
        if suffix in AUDIO_EXT:
            return self.open_audio(path)
        return self.open_project(path)

    def _autosave_target(self) -> Path | None:
        return self.session.path or self.untitled_path

    def autosave(self) -> None:
        """Write a recovery copy beside the project (or in app data while untitled) when dirty."""
        target = self._autosave_target()
        if target is not None and not self.session.undo_stack.is_clean:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._guarded("Autosave", lambda: write_autosave(self.session.project, target))

    def offer_recovery(self, path: Path | None = None) -> bool:
        """Offer the autosave of ``path`` (default: the untitled one) when it is newer than the file."""
        path = path or self.untitled_path
        found = find_autosave(path) if path is not None else None
        if found is None:
            return False
        answer = QMessageBox.question(self, "Recover", f"Recover unsaved changes from {found.name}?")
        recovered = answer == QMessageBox.StandardButton.Yes and self._guarded(
            "Recover", lambda: self.session.adopt(load_autosave(path)))
        remove_autosave(path)
        if recovered and path == self.untitled_path:
            self.session.project.path = None
        return recovered

    def maybe_save(self) -> bool:
        """True when it is fine to discard the current project."""
        if self.session.undo_stack.is_clean:
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(self, "Unsaved changes", "Save changes to the project?",
                                      buttons.Save | buttons.Discard | buttons.Cancel)
        if answer == buttons.Save:
            return self.save()
        return answer == buttons.Discard

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.maybe_save():
            self.playback.pause()
            self.playback.audio.shutdown()
            target = self._autosave_target()
            if target is not None:
                remove_autosave(target)
            event.accept()
        else:
            event.ignore()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            self.open_any(url.toLocalFile())

