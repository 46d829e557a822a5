"""Preferences: what a new project starts with (fps, blink rate, head), autosave and the audio device.

They start from ``core.defaults`` (the values the command line and batch use too) and persist in
QSettings under ``preferences/``; only new projects are affected, an open project keeps its own.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QWidget

from core import defaults
from core.animation.project import GenerationSettings, Project
from core.animation.tracks import PoseTrack, Tracks
from core.pose_source import PoseSource

GROUP = "preferences"
NEW_PROJECT_SECONDS = 4.0  # an empty project's length until speech is opened
SYSTEM_DEVICE = ""  # the audio preference meaning PortAudio's default output


@dataclass(frozen=True)
class Preferences:
    """The user's choices; the defaults are core's."""

    fps: float = defaults.FPS
    blinks_per_minute: float = defaults.BLINKS_PER_MINUTE
    pose_mode: str = defaults.POSE_MODE
    autosave_seconds: float = defaults.AUTOSAVE_SECONDS
    audio_device: str = SYSTEM_DEVICE

    def __post_init__(self) -> None:
        if self.pose_mode not in defaults.POSE_MODES:
            object.__setattr__(self, "pose_mode", defaults.POSE_MODE)


def load_preferences(settings: QSettings) -> Preferences:
    """The stored preferences; a missing or unreadable value falls back to its default."""
    values = {}
    for f in fields(Preferences):
        stored = settings.value(f"{GROUP}/{f.name}", f.default)
        try:
            values[f.name] = type(f.default)(stored)
        except (TypeError, ValueError):
            values[f.name] = f.default
    return Preferences(**values)


def save_preferences(settings: QSettings, prefs: Preferences) -> None:
    for f in fields(Preferences):
        settings.setValue(f"{GROUP}/{f.name}", getattr(prefs, f.name))
    settings.sync()


def new_project(prefs: Preferences) -> Project:
    """An empty project at the preferred fps, blink rate and head motion."""
    source = PoseSource(kind=defaults.studio_pose_kind(prefs.pose_mode), seed=defaults.POSE_SEED,
                                amplitude=defaults.POSE_AMPLITUDE)
    return Project(fps=prefs.fps, duration=NEW_PROJECT_SECONDS,
                   settings=GenerationSettings(blink_rate=prefs.blinks_per_minute, blink_seed=defaults.BLINK_SEED),
                   tracks=Tracks(pose=PoseTrack(source=source)))


def output_devices() -> list[str]:
    """Names of the audio outputs PortAudio sees (empty when it cannot be loaded)."""
    try:
        import sounddevice as sd

        return [d["name"] for d in sd.query_devices() if d.get("max_output_channels", 0) > 0]
    except Exception:  # noqa: BLE001 - no PortAudio / no devices: only "System default" is offered
        return []


class PreferencesDialog(QDialog):
    """Edit a copy of ``prefs``; ``preferences()`` returns what the user chose."""

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        form = QFormLayout(self)
        self.fps = QDoubleSpinBox(minimum=1.0, maximum=120.0, decimals=2, value=prefs.fps, suffix=" fps")
        self.blinks = QDoubleSpinBox(minimum=0.0, maximum=60.0, decimals=1, value=prefs.blinks_per_minute,
                                     suffix=" /min")
        self.pose = QComboBox()
        self.pose.addItems(list(defaults.POSE_MODES))
        self.pose.setCurrentText(prefs.pose_mode)
        self.autosave = QDoubleSpinBox(minimum=0.5, maximum=600.0, decimals=1, value=prefs.autosave_seconds,
                                       suffix=" s")
        self.device = QComboBox()
        self.device.addItem("System default", SYSTEM_DEVICE)
        for name in output_devices():
            self.device.addItem(name, name)
        if self.device.findData(prefs.audio_device) < 0:
            self.device.addItem(f"{prefs.audio_device} (not found)", prefs.audio_device)
        self.device.setCurrentIndex(self.device.findData(prefs.audio_device))
        form.addRow(QLabel("New projects start with:"))
        form.addRow("Frame rate", self.fps)
        form.addRow("Blink rate", self.blinks)
        form.addRow("Head motion", self.pose)
        form.addRow("Autosave within", self.autosave)
        form.addRow("Audio output", self.device)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        form.addRow(buttons)

    def restore_defaults(self) -> None:
        base = Preferences()
        self.fps.setValue(base.fps)
        self.blinks.setValue(base.blinks_per_minute)
        self.pose.setCurrentText(base.pose_mode)
        self.autosave.setValue(base.autosave_seconds)
        self.device.setCurrentIndex(0)

    def preferences(self) -> Preferences:
        return Preferences(self.fps.value(), self.blinks.value(), self.pose.currentText(), self.autosave.value(),
                           str(self.device.currentData()))


def apply_audio_device(playback, device: str) -> None:  # noqa: ANN001 - app.playback.Playback
    """Play through ``device`` ("" = the system default) from now on."""
    from app.audio_output import AudioOutput

    wanted = device or None
    if playback.audio.device == wanted:
        return
    playback.pause()
    playback.audio.shutdown()
    playback.audio = AudioOutput(wanted)


def edit_preferences(window) -> bool:  # noqa: ANN001 - app.main_window.StudioWindow
    """Show the dialog; on OK store the choice and apply what applies at once (True when accepted)."""
    dialog = PreferencesDialog(window.preferences, window)
    if not dialog.exec():
        return False
    apply_preferences(window, dialog.preferences())
    return True


def apply_preferences(window, prefs: Preferences) -> None:  # noqa: ANN001 - app.main_window.StudioWindow
    window.preferences = prefs
    save_preferences(window.settings, prefs)
    apply_audio_device(window.playback, prefs.audio_device)
    autosaver = getattr(window, "autosaver", None)
    if autosaver is not None and hasattr(autosaver, "max_delay_ms"):
        autosaver.max_delay_ms = int(prefs.autosave_seconds * 1000)
