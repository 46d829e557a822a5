"""The studio window: canvas in the centre, timeline and inspector docks, menus and transport."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QMainWindow, QMessageBox, QToolBar

from app.action_guard import guarded
from app.autosave import Autosaver
from app.background_task import run_in_background, run_with_progress
from app.export_dialog import ExportDialog, run_export
from app.face_fitting import FaceFitting, Refusal, detect_or_refusal
from app.inspector import Inspector
from app.media import (AUDIO_SUFFIXES, IMAGE_SUFFIXES, PROJECT_SUFFIX, file_filter, file_kind,
                       unknown_kind_message)
from app.outside_media import load_asking
from app.playback import Playback
from app.pose_actions import PoseActions
from app.preview_canvas import PreviewCanvas
from app.render_menu import RenderMenu
from app.studio_session import StudioSession
from app.curve_editor import CurveEditor
from app.help_dialogs import ShortcutSheet, show_about
from app.model_activity import ModelActivity
from app.preferences import edit_preferences, load_preferences, new_project
from app.timeline_panel import TimelinePanel
from app.window_panels import add_panel_actions, build_docks, size_docks
from core.animation.commands import RegenerateBlinks, SetRestLandmarks

PROJECT_EXT = PROJECT_SUFFIX


class StudioWindow(QMainWindow):
    """A thin view over one ``StudioSession``."""

    def __init__(self, session: StudioSession | None = None, untitled_path: Path | None = None) -> None:
        super().__init__()
        self.session = session or StudioSession()
        self.settings = QSettings("SPACE", "SPACE Studio")
        self.preferences = load_preferences(self.settings)
        if session is None:
            self.session.adopt(new_project(self.preferences))
        self.untitled_path = untitled_path  # where an unsaved project's autosave goes
        self.auto_generate = False  # detect the face and run S2L on open (the app turns it on)
        self.canvas = PreviewCanvas(self.session)
        self.activity = ModelActivity()  # face detection and lip motion: the canvas waits with progress
        self.canvas.activity = self.activity
        self.activity.changed.connect(self.canvas.update)
        self.timeline_panel = TimelinePanel(self.session)
        self.timeline = self.timeline_panel.view
        self.curves = CurveEditor(self.session)
        self.inspector = Inspector(self.session)
        self.inspector.transcript_applied.connect(lambda: self.generate_speech_motion())
        self.playback = Playback(self.session)
        self.pose = PoseActions(self)
        self.playback.audio_unavailable.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.playback.playing_changed.connect(self.canvas.fps_meter.set_running)
        self.fitting = FaceFitting(self.session, self.canvas, self)  # refusal banner above the canvas, landmark files
        self.setCentralWidget(self.fitting.central)
        self._docks()
        self._menus()
        self._toolbar()
        self.setAcceptDrops(True)
        self.resize(1400, 900)
        size_docks(self, self.docks)
        self.session.history_changed.connect(self._history_changed)
        self.session.history_changed.connect(lambda: self.auto_generate and self.pose.ensure())
        self.session.history_changed.connect(self._follow_transcript)
        self._lips_transcript: str | None = None  # the transcript the current lips were made with
        self._history_changed()
        self.autosaver = Autosaver(self, self.session, untitled_path)

    # --- layout ----------------------------------------------------------------------
    def _docks(self) -> None:
        self.docks = build_docks(self, self.timeline_panel, self.curves, self.inspector)

    def _action(self, menu, text: str, slot: Callable, shortcut: QKeySequence | str | None = None) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        title = text.replace("&", "").rstrip("…")
        action.triggered.connect(lambda _checked=False: guarded(self, title, slot))
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
        self._action(m, "Load Landmarks…", self.fitting.load_dialog)
        self._action(m, "Save Landmarks…", self.fitting.save_dialog, "Ctrl+Shift+L")
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
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        e.addSeparator()
        self.preferences_action = self._action(e, "Preferences…", lambda: edit_preferences(self), "Ctrl+,")
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
                                 ("show_mesh", "Delaunay Mesh"), ("show_magnifier", "Magnifier While Dragging"),
                                 ("show_onion_skin", "Onion Skin (Neighbouring Key Poses)"))}
        v.addSeparator()
        add_panel_actions(v, self.docks)
        self.render_menu = RenderMenu(self, self.session)  # renderer, mouth set, background (project settings)
        h = self.menuBar().addMenu("&Help")
        self._action(h, "Keyboard Shortcuts…", lambda: ShortcutSheet(self).exec(), "F1")
        self._action(h, "About SPACE Studio…", lambda: show_about(self))

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
        for w in (self.mode_box, self.mirror_box, self.overlay_box, self.fit_box, self.fitting.soft_radius_box):
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
        return guarded(self, title, fn)

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
        opened: list[bool] = []
        ok = self._guarded("Open project", lambda: opened.append(self._load_project(path))) and opened == [True]
        if ok:
            self._add_recent(path)
            self.offer_recovery(Path(path))
            if self.auto_generate and self.session.portrait is not None and self.session.samples is not None:
                self.generate_speech_motion(quiet=True)
                self.pose.ensure()
        return ok

    def _load_project(self, path: str) -> bool:
        """Load ``path``, asking before it may open media outside its folder; False if declined."""
        return load_asking(self, Path(path).name, lambda allow: self.session.load(path, allow)) is not None

    def save_to(self, path: str) -> bool:
        ok = self._guarded("Save project", lambda: self.session.save(path))
        if ok:
            self.autosaver.saved(Path(path))
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
            self.session.adopt(new_project(self.preferences))  # at the preferred fps, blink rate and head

    def open_project_dialog(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Open project", "", f"SPACE project (*{PROJECT_EXT})")
        if path:
            self.open_project(path)

    def open_portrait_dialog(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Open portrait", "", f"Images ({file_filter(IMAGE_SUFFIXES)})")
        if path:
            self.open_portrait(path)

    def open_audio_dialog(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Open speech", "", f"Audio ({file_filter(AUDIO_SUFFIXES)})")
        if path:
            self.open_audio(path)

    def detect_face(self, quiet: bool = False) -> None:
        portrait = self.session.portrait
        if portrait is None:
            QMessageBox.information(self, "Detect face", "Open a portrait first.")
            return

        def work():  # noqa: ANN202 - the face, or a Refusal saying why not (app/face_fitting.py)
            return detect_or_refusal(portrait.rgba)

        def done(face) -> None:  # noqa: ANN001
            if isinstance(face, Refusal):
                self._no_face_found(face)
                return
            self.session.push(SetRestLandmarks(self.session.project, face))
            self._auto_prepare()

        task = run_in_background(self, "Detecting face", work, done, self._status_note if quiet else None)
        self.activity.track(task, "Finding the face")

    def _no_face_found(self, refused: Refusal) -> None:
        """Open the portrait in fitting mode, with a banner above the canvas saying why and what to do."""
        self.mode_box.setCurrentIndex(1)
        self.fit_box.setChecked(True)
        self.fitting.refused(refused)

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
        # The key names the speech, face, fps and transcript now: a result for audio the user
        # replaced meanwhile is dropped by accept_speech (core.derived_motion).
        key, face = session.speech_key(), session.project.rest_landmarks or session.portrait.rest_face
        self._lips_transcript = session.project.settings.transcript
        cached = session.motion.speech.get(key)
        if cached is not None:  # made before (e.g. a transcript undone): shown at once
            session.accept_speech(key, cached)
            return

        def work(progress):  # noqa: ANN001, ANN202
            from app.speech_motion import predict_speech

            return predict_speech(key, face, progress.step)

        task = run_with_progress(self, "Generating lip motion", work, lambda speech: session.accept_speech(key, speech),
                                 self._status_note if quiet else None)
        self.activity.track(task, "Generating lip motion")

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
        """Open an image, speech or project by its name; anything else is explained, not guessed."""
        kind = file_kind(path)
        if kind is None:
            QMessageBox.warning(self, "Open", unknown_kind_message(path))
            return False
        opener = {"image": self.open_portrait, "audio": self.open_audio, "project": self.open_project}[kind]
        return opener(path)

    def autosave(self) -> None:
        """Write the recovery copy now (it is also written within 2 s of every edit)."""
        self.autosaver.write_now()

    def offer_recovery(self, path: Path | None = None) -> bool:
        """Offer the autosave of ``path`` (default: the untitled one) when it is newer than the file."""
        return self.autosaver.offer_recovery(path)

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
            self.autosaver.discard()
            event.accept()
        else:
            event.ignore()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            self.open_any(url.toLocalFile())

