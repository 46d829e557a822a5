"""Inspector dock: the selected key's properties, blink generation and the line's transcript."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel,
                               QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from app.studio_session import StudioSession
from app.timeline_items import Item, edit_command, noun
from app.timeline_lanes import standard_lanes
from core.animation.blink_track import BlinkEvent
from core.animation.commands import RegenerateBlinks, SetGazeLinked, SetGenerationSettings, SetPoseMode
from core.animation.keyframes import Key
from core.animation.landmark_track import LandmarkKeyframe
from core.animation.lip_opening import MAX_OPENING_GAIN

EASINGS = ("linear", "ease_in_out", "ease_in", "ease_out", "step")
LANE_LABELS = {lane.name: lane.label for lane in standard_lanes()}
VALUE_HINTS = {"lips.openness": "× the generated opening (1 = as generated, 0 = the portrait's own mouth)"}
# The value range a key may take, by lane family: what the project file accepts back (emotion
# intensities 0..1, lip-opening gains 0..2); others keep the box's wide range.
VALUE_RANGES = {"emotion": (0.0, 1.0), "lips": (0.0, MAX_OPENING_GAIN)}
WIDE_RANGE = (-90.0, 90.0)


class Inspector(QWidget):
    """A view of ``session.selection``; edits are pushed as commands."""

    transcript_applied = Signal()  # "align" pressed on an unchanged transcript: make the lips again

    def __init__(self, session: StudioSession) -> None:
        super().__init__()
        self.session = session
        self._updating = False
        layout = QVBoxLayout(self)
        layout.addWidget(self._key_box())
        layout.addWidget(self._blink_box())
        layout.addWidget(self._pose_gaze_box())
        layout.addWidget(self._transcript_box())
        layout.addStretch(1)
        session.selection_changed.connect(self.refresh)
        session.project_changed.connect(self.refresh)
        session.history_changed.connect(self.refresh)
        self.refresh()

    def _key_box(self) -> QGroupBox:
        box = QGroupBox("Selected key")
        form = QFormLayout(box)
        self.title = QLabel("Nothing selected")
        self.time = QDoubleSpinBox(decimals=3, maximum=3600.0, singleStep=0.04, suffix=" s")
        self.value = QDoubleSpinBox(decimals=3, minimum=-90.0, maximum=90.0, singleStep=0.05)
        self.easing = QComboBox()
        self.easing.addItems(EASINGS)
        self.duration = QDoubleSpinBox(decimals=3, minimum=0.04, maximum=2.0, singleStep=0.02, suffix=" s")
        self.ease_in = QDoubleSpinBox(decimals=3, minimum=0.0, maximum=10.0, singleStep=0.04, suffix=" s")
        self.ease_out = QDoubleSpinBox(decimals=3, minimum=0.0, maximum=10.0, singleStep=0.04, suffix=" s")
        self.ease_in.setToolTip("Landmark keyframe: seconds it takes to blend in before its time")
        self.ease_out.setToolTip("Landmark keyframe: seconds it takes to blend out after its time")
        form.addRow(self.title)
        for label, widget in (("Time", self.time), ("Value", self.value), ("Easing", self.easing),
                              ("Duration", self.duration), ("Ease in", self.ease_in), ("Ease out", self.ease_out)):
            form.addRow(label, widget)
        self.ease_in.editingFinished.connect(lambda: self._edit(ease_in=self.ease_in.value()))
        self.ease_out.editingFinished.connect(lambda: self._edit(ease_out=self.ease_out.value()))
        self.time.editingFinished.connect(lambda: self._edit(time=self.session.project.snap(self.time.value())))
        self.value.editingFinished.connect(lambda: self._edit(value=self.value.value()))
        self.duration.editingFinished.connect(lambda: self._edit(duration=self.duration.value()))
        self.easing.activated.connect(lambda _i: self._edit(easing=self.easing.currentText()))
        return box

    def _blink_box(self) -> QGroupBox:
        box = QGroupBox("Blink generation")
        form = QFormLayout(box)
        settings = self.session.project.settings
        self.rate = QDoubleSpinBox(minimum=0.0, maximum=60.0, value=settings.blink_rate, suffix=" /min")
        self.seed = QSpinBox(maximum=99999, value=settings.blink_seed)
        regen = QPushButton("Regenerate (keeps hand-placed)")
        regen.clicked.connect(self.regenerate)
        form.addRow("Rate", self.rate)
        form.addRow("Seed", self.seed)
        form.addRow(regen)
        return box

    def _pose_gaze_box(self) -> QGroupBox:
        box = QGroupBox("Head pose and gaze")
        form = QFormLayout(box)
        self.pose_mode = QComboBox()
        self.pose_mode.addItems(["add", "override"])
        self.pose_mode.activated.connect(self._set_pose_mode)
        self.linked = QCheckBox("Right eye follows left")
        self.linked.clicked.connect(self._set_linked)
        self.pose_source = QLabel()
        self.pose_source.setToolTip("Animation ▸ Import Pose from Video… / Regenerate Pose / Still Head")
        form.addRow("Base motion", self.pose_source)
        form.addRow("Pose keys", self.pose_mode)
        form.addRow("Gaze", self.linked)
        return box

    def _transcript_box(self) -> QGroupBox:
        box = QGroupBox("Transcript (English, optional)")
        layout = QVBoxLayout(box)
        self.transcript = QPlainTextEdit()
        self.transcript.setPlaceholderText("Type the line's words for exact phone timing, "
                                           "e.g. \"Welcome to the studio.\" Numbers as words.")
        self.transcript.setMaximumHeight(70)
        apply = QPushButton("Align Lips to Transcript")
        apply.setToolTip("Regenerates the lip motion from phones forced-aligned to these words; "
                         "empty: phones are guessed from the sound")
        apply.clicked.connect(self.apply_transcript)
        layout.addWidget(self.transcript)
        layout.addWidget(apply)
        return box

    def apply_transcript(self) -> None:
        """Store the typed transcript (an undoable setting; the window remakes the lips when
        it changes), or ask for new lips when it is unchanged."""
        project = self.session.project
        text = self.transcript.toPlainText().strip()
        if text != project.settings.transcript:
            self.session.push(SetGenerationSettings(project, replace(project.settings, transcript=text)))
        else:
            self.transcript_applied.emit()

    def _set_pose_mode(self, _index: int) -> None:
        track = self.session.project.tracks.pose
        if track.mode != self.pose_mode.currentText():
            self.session.push(SetPoseMode(track, self.pose_mode.currentText()))

    def _set_linked(self, on: bool) -> None:
        self.session.push(SetGazeLinked(self.session.project.tracks.gaze, on))

    def regenerate(self) -> None:
        project = self.session.project
        with project.undo_stack.macro("Regenerate Blinks"):
            settings = replace(project.settings, blink_rate=self.rate.value(), blink_seed=self.seed.value())
            project.undo_stack.push(SetGenerationSettings(project, settings))
            project.undo_stack.push(RegenerateBlinks(project.tracks.blinks, self.rate.value(), self.seed.value(),
                                                     project.duration))

    def _selected(self) -> Item | None:
        return self.session.selection[0] if len(self.session.selection) == 1 else None

    def refresh(self) -> None:
        tracks = self.session.project.tracks
        if self.transcript.toPlainText().strip() != self.session.project.settings.transcript:
            self.transcript.setPlainText(self.session.project.settings.transcript)
        self.pose_mode.setCurrentText(tracks.pose.mode)
        self.pose_source.setText(_describe(tracks.pose.source, self.session.pose_ready()))
        self.linked.setChecked(tracks.gaze.linked)
        item = self._selected()
        for w in (self.time, self.value, self.easing, self.duration, self.ease_in, self.ease_out):
            w.setEnabled(item is not None)
        if item is None:
            n = len(self.session.selection)
            self.title.setText(f"{n} keys selected" if n else "Nothing selected")
            for box in (self.time, self.value, self.duration, self.ease_in, self.ease_out):
                box.clear()  # no stale numbers of a key that is no longer selected
            return
        self._updating = True
        self.title.setText(item.lane)
        self.title.setToolTip(LANE_LABELS.get(item.lane, ""))
        self.value.setToolTip(VALUE_HINTS.get(item.lane, ""))
        self.time.setValue(item.time)
        self.value.setRange(*VALUE_RANGES.get(item.lane.split(".")[0], WIDE_RANGE))
        self.value.setValue(item.value)
        self.value.setEnabled(isinstance(item.obj, Key))
        self.easing.setEnabled(not isinstance(item.obj, BlinkEvent))
        self.easing.setCurrentText(getattr(item.obj, "easing", "linear"))
        self.duration.setValue(max(item.duration, 0.04))
        self.duration.setEnabled(isinstance(item.obj, BlinkEvent))
        spans = isinstance(item.obj, LandmarkKeyframe)
        self.ease_in.setValue(item.obj.ease_in if spans else 0.0)
        self.ease_out.setValue(item.obj.ease_out if spans else 0.0)
        self.ease_in.setEnabled(spans)
        self.ease_out.setEnabled(spans)
        self._updating = False

    def _edit(self, **change: float | str) -> None:
        item = self._selected()
        if item is None or self._updating:
            return
        name, value = next(iter(change.items()))
        if getattr(item.obj, name, None) == value:
            return
        verb = "Move" if name == "time" else "Set" if name == "value" else "Edit"
        try:
            command, new = edit_command(self.session.project.tracks, item, f"{verb} {noun(item.lane)}", **change)
        except ValueError:
            return
        self.session.push(command)
        self.session.end_drag()  # one inspector edit = one undo step (landmark edits merge otherwise)
        self.session.select([new])


def _describe(source, ready: bool) -> str:  # noqa: ANN001 - core.pose_source.PoseSource
    """'PoseGen seed 3', 'video clip.mp4', 'still'; '(computing…)' until its motion is there."""
    from pathlib import Path

    text = {"still": "still head", "generated": f"PoseGen seed {source.seed}",
            "from-video": f"video {Path(source.video_path or '').name}"}[source.kind]
    return text if ready else f"{text} (not computed)"
