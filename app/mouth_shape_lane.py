"""The mouth-shape lane: the lips as labelled blocks of Rhubarb's shapes, with the phones and
words under them, edited like Papagayo's or Cartoon Animator's lip track.

A thin view over ``project.tracks.mouth_shapes`` (core.animation.mouth_shapes): it shows the
model's derived blocks (faint) with the user's overrides (solid, filled to their strength),
and every gesture pushes one command from core.animation.commands:

- click a block to select it; a letter key (A–H, X) or the context menu changes its shape;
- drag the edge between two blocks; drag a block up or down to set its strength;
- double-click (or S) splits at that time; M merges with the next block; Delete (or
  "Follow the Model") gives the span back to the model.

A drag is one undo step (the commands merge; ``end_drag`` on release). The derived blocks,
phones and words (``core.animation.speech_marks``) are computed off the UI thread whenever
the lip motion, the audio or the transcript changes.
"""

from __future__ import annotations

from typing import Protocol

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QKeyEvent, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QMenu, QWidget

from app.background_task import BackgroundTask
from app.studio_session import StudioSession
from core.animation.commands import (FollowModelMouth, MergeMouthShapes, MoveMouthShapeEdge, SetMouthShape,
                                     SetMouthShapeStrength, SplitMouthShape)
from core.animation.mouth_shapes import MouthShapeBlock, block_at, effective_blocks, neighbours
from core.animation.speech_marks import Mark, SpeechMarks
from core.export.mouth_cues import SHAPES

BLOCK_H, PHONE_H, WORD_H = 28, 16, 16
EDGE_PICK = 4.0  # px either side of an edge that grab it
STRENGTH_PX = 60.0  # a vertical drag of this many px spans strength 0..1
DRAG_START = 4.0  # px of movement before a press becomes a strength drag
SHAPE_NAMES = {"A": "closed (M, B, P)", "B": "slightly open (most consonants, EE)", "C": "open (EH, AE)",
               "D": "wide open (AA)", "E": "slightly rounded (AO, ER)", "F": "puckered (UW, OW, W)",
               "G": "teeth on lip (F, V)", "H": "tongue up (L)", "X": "rest (pauses)"}
SHAPE_COLOURS = {"A": "#e57373", "B": "#ffb74d", "C": "#fff176", "D": "#aed581", "E": "#4db6ac",
                 "F": "#64b5f6", "G": "#9575cd", "H": "#f06292", "X": "#90a4ae"}
_RUNNING: set[BackgroundTask] = set()


class TimeMapping(Protocol):
    """What the lane needs of the timeline's time axis (app.time_mapping.TimeMapping)."""

    left: float
    changed: object  # a Qt signal: zoom or scroll moved

    def x_of(self, t: float) -> float: ...

    def t_of(self, x: float) -> float: ...


class MouthShapeLane(QWidget):
    """Shape blocks, phones and words of the line on the timeline's time axis."""

    def __init__(self, session: StudioSession, mapping: TimeMapping) -> None:
        super().__init__()
        self.session, self.mapping = session, mapping
        self.marks = SpeechMarks()
        self.selected_time: float | None = None  # the selection follows a time, so it survives edits
        self._marks_key: tuple | None = None
        self._task: BackgroundTask | None = None
        self._drag: dict | None = None
        self._shown: tuple | None = None  # (marks, overrides, lip-opening keys, effective blocks)
        self.setFixedHeight(BLOCK_H + PHONE_H + WORD_H + 2)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setMouseTracking(True)
        mapping.changed.connect(self.update)
        session.project_changed.connect(self._project_changed)
        session.media_changed.connect(self._project_changed)
        session.frame_changed.connect(self._playhead_moved)
        self._playhead_x: float | None = None
        self._project_changed()

    def _playhead_moved(self, frame: int) -> None:
        """Repaint only the strips under the old and new playhead (cheap during playback)."""
        x = float(self.mapping.x_of(frame / self.session.project.fps))
        for strip in (self._playhead_x, x):
            if strip is not None:
                self.update(int(strip) - 3, 0, 7, self.height())
        self._playhead_x = x

    # --- model -------------------------------------------------------------------------
    @property
    def track(self):  # noqa: ANN201 - core MouthShapeTrack
        return self.session.project.tracks.mouth_shapes

    def blocks(self) -> tuple[MouthShapeBlock, ...]:
        """What the lane shows: the derived blocks with the user's overrides over them
        (kept until the marks, the overrides or the lip-opening keys change: every paint and
        mouse move asks)."""
        marks, overrides = self.marks, self.track.blocks
        lip_keys = self.session.project.tracks.lips.curves["openness"].keys
        cached = self._shown
        if cached is None or cached[0] is not marks or cached[1] is not overrides or cached[2] != lip_keys:
            derived = self._derived(lip_keys)
            cached = self._shown = (marks, overrides, lip_keys, effective_blocks(derived, overrides))
        return cached[3]

    def _derived(self, lip_keys: tuple) -> tuple[MouthShapeBlock, ...]:
        """The model's blocks, classified again from the lips the lip-opening curve makes (as the
        cue export classifies them) when it has keys."""
        session = self.session
        base, portrait = session.speech_base, session.portrait
        if not lip_keys or base is None or portrait is None:
            return self.marks.derived
        from core.animation.lip_opening import with_opening_curve
        from core.animation.speech_marks import rederived
        from core.landmarks.normalized_space import normalize

        rest = normalize(portrait.rest_face).points68
        return rederived(self.marks, with_opening_curve(base, session.project.tracks, rest, session.project.fps))

    def selected(self) -> MouthShapeBlock | None:
        return None if self.selected_time is None else block_at(self.blocks(), self.selected_time)

    def select_at(self, time: float | None) -> None:
        self.selected_time = time
        self.update()

    def set_shape(self, shape: str) -> None:
        """The selected block's shape ('Change Mouth Shape')."""
        block = self.selected()
        if block is not None and block.shape != shape:
            self.session.push(SetMouthShape(self.track, block, shape))

    def set_strength(self, strength: float, merge: bool = False) -> None:
        block = self.selected()
        if block is not None:
            self.session.push(SetMouthShapeStrength(self.track, block, strength, merge))

    def split_at(self, time: float) -> bool:
        """Split the block under ``time`` (snapped to a frame); False when too near an edge."""
        time = self.session.project.snap(time)
        block = block_at(self.blocks(), time)
        if block is None:
            return False
        try:
            self.session.push(SplitMouthShape(self.track, block, time))
        except ValueError:
            return False
        return True

    def merge_next(self) -> bool:
        """Merge the selected block with the one after it."""
        block = self.selected()
        after = None if block is None else neighbours(self.blocks(), block)[1]
        if after is None:
            return False
        self.session.push(MergeMouthShapes(self.track, block, after))
        return True

    def follow_model(self) -> bool:
        """Drop the selected override: the lips follow the model there again."""
        block = self.selected()
        if block is None or block not in self.track.blocks:
            return False
        self.session.push(FollowModelMouth(self.track, block))
        return True

    # --- marks (derived blocks, phones, words) -------------------------------------------
    def _project_changed(self) -> None:
        session, project = self.session, self.session.project
        key = (id(session.speech_base), project.audio_path, project.settings.transcript, project.fps)
        if key != self._marks_key:
            self._marks_key = key
            self.refresh_marks()
        self.update()

    def refresh_marks(self) -> None:
        """Compute the lane's marks for the current lip motion in the background."""
        session = self.session
        base, path = session.speech_base, session.project.audio_path
        if base is None or path is None:
            self.marks = SpeechMarks()
            return
        fps, transcript, key = session.project.fps, session.project.settings.transcript, self._marks_key
        task = BackgroundTask(lambda: _marks_for(path, base, fps, transcript), "Mouth shapes")
        task.finished.connect(lambda: self._marks_ready(task, key))
        self._task = task
        _RUNNING.add(task)  # a QThread destroyed while it runs aborts the process: held until done
        task.start()

    def _marks_ready(self, task: BackgroundTask, key: tuple | None) -> None:
        _RUNNING.discard(task)
        if not shiboken6.isValid(self):
            return  # the lane closed while the marks were computed
        if key == self._marks_key and task.error is None and task.result is not None:
            self.marks = task.result
            self.update()

    def wait_for_marks(self, ms: int = 30000) -> None:
        """Block until the marks in progress are done (tests, closing)."""
        if self._task is not None:
            self._task.wait(ms)

    # --- painting ------------------------------------------------------------------------
    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#202025"))
        left = int(self.mapping.left)
        p.setPen(QColor("#bbb"))
        p.drawText(QRectF(6, 0, left - 8, BLOCK_H), Qt.AlignmentFlag.AlignVCenter, "Mouth shapes")
        p.setPen(QColor("#777"))
        p.drawText(QRectF(6, BLOCK_H, left - 8, PHONE_H), Qt.AlignmentFlag.AlignVCenter, "phones")
        p.drawText(QRectF(6, BLOCK_H + PHONE_H, left - 8, WORD_H), Qt.AlignmentFlag.AlignVCenter, "words")
        p.setClipRect(left, 0, self.width() - left, self.height())
        blocks = self.blocks()
        if not blocks:
            p.setPen(QColor("#888"))
            p.drawText(QRectF(left + 6, 0, self.width(), BLOCK_H), Qt.AlignmentFlag.AlignVCenter,
                       "Mouth shapes appear once the lip motion is generated")
        selected, overrides = self.selected(), set(self.track.blocks)
        first, last = self.mapping.t_of(left), self.mapping.t_of(self.width())
        for block in blocks:
            if block.end >= first and block.start <= last:
                self._paint_block(p, block, block in overrides, block == selected)
        self._paint_marks(p, self.marks.phones, BLOCK_H, PHONE_H, "#9fa8da")
        self._paint_marks(p, self.marks.words, BLOCK_H + PHONE_H, WORD_H, "#e0e0e0")
        x = self._playhead_x = float(self.mapping.x_of(self.session.frame / self.session.project.fps))
        p.setPen(QPen(QColor("#ff5252"), 2))
        p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.end()

    def _paint_block(self, p: QPainter, block: MouthShapeBlock, override: bool, selected: bool) -> None:
        x0, x1 = self.mapping.x_of(block.start), self.mapping.x_of(block.end)
        rect = QRectF(x0, 2, max(x1 - x0, 1.0), BLOCK_H - 4)
        colour = QColor(SHAPE_COLOURS[block.shape])
        faint = QColor(colour)
        faint.setAlpha(70 if override else 45)
        p.fillRect(rect, faint)
        if override:  # filled from the bottom to the block's strength
            level = rect.height() * block.strength
            p.fillRect(QRectF(rect.left(), rect.bottom() - level, rect.width(), level), colour.darker(130))
        pen = QPen(QColor("#ffd54a") if selected else colour.lighter(120) if override else QColor("#55555e"),
                   2 if selected else 1)
        p.setPen(pen)
        p.drawRect(rect)
        if rect.width() >= 9:
            p.setPen(QColor("#111" if override else "#ddd"))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, block.shape)

    def _paint_marks(self, p: QPainter, marks: tuple[Mark, ...], top: int, height: int, colour: str) -> None:
        p.setPen(QColor(colour))
        for mark in marks:
            x0, x1 = self.mapping.x_of(mark.start), self.mapping.x_of(mark.end)
            if x1 < self.mapping.left or x0 > self.width():
                continue
            p.drawLine(QPointF(x0, top + 2), QPointF(x0, top + height - 2))
            if x1 - x0 >= 12:
                p.drawText(QRectF(x0 + 2, top, x1 - x0 - 2, height), Qt.AlignmentFlag.AlignVCenter, mark.label)

    # --- mouse and keys --------------------------------------------------------------------
    def edge_at(self, x: float) -> tuple[MouthShapeBlock, MouthShapeBlock] | None:
        """The neighbours whose shared edge lies within EDGE_PICK px of ``x``."""
        blocks = self.blocks()
        for left, right in zip(blocks, blocks[1:]):
            if abs(left.end - right.start) < 1e-6 and abs(self.mapping.x_of(left.end) - x) <= EDGE_PICK:
                return left, right
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if event.button() != Qt.MouseButton.LeftButton or pos.x() < self.mapping.left or pos.y() > BLOCK_H:
            return
        edge = self.edge_at(pos.x())
        if edge is not None:
            self._drag = {"edge": edge, "began": self.track.blocks}
            return
        time = float(self.mapping.t_of(pos.x()))
        self.select_at(time)
        block = self.selected()
        if block is not None:
            self._drag = {"strength": block.strength, "y": pos.y(), "moved": False}

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag is None:
            near_edge = pos.y() <= BLOCK_H and self.edge_at(pos.x()) is not None
            self.setCursor(Qt.CursorShape.SplitHCursor if near_edge else Qt.CursorShape.ArrowCursor)
        elif "edge" in self._drag:
            self._move_edge(float(self.mapping.t_of(pos.x())))
        elif self._drag["moved"] or abs(pos.y() - self._drag["y"]) >= DRAG_START:
            self._drag["moved"] = True
            self.set_strength(self._drag["strength"] + (self._drag["y"] - pos.y()) / STRENGTH_PX, merge=True)

    def _move_edge(self, time: float) -> None:
        left, right = self._drag["edge"]
        time = self.session.project.snap(time)
        if time <= left.start or time >= right.end or time == self._drag.get("time"):
            return
        self._drag["time"] = time
        self.session.push(MoveMouthShapeEdge(self.track, self._drag["began"], left, right, time))

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        if self._drag is not None:
            self.session.end_drag()  # the drag was one undo step
        self._drag = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if pos.x() >= self.mapping.left and pos.y() <= BLOCK_H:
            self.split_at(float(self.mapping.t_of(pos.x())))

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.mapping.follow_wheel(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text().upper()
        if text and text in SHAPES and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
            self.set_shape(text)
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.follow_model()
        elif event.key() == Qt.Key.Key_S and self.selected() is not None:
            self.split_at(self.session.frame / self.session.project.fps)
        elif event.key() == Qt.Key.Key_M:
            self.merge_next()
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        time = float(self.mapping.t_of(event.pos().x()))
        self.select_at(time)
        if self.selected() is not None:
            self.block_menu(time).exec(event.globalPos())

    def block_menu(self, time: float) -> QMenu:
        """Shape, strength, split, merge and follow-the-model for the selected block."""
        menu = QMenu(self)
        shapes = menu.addMenu("Shape")
        for shape in SHAPES:
            shapes.addAction(f"{shape}  {SHAPE_NAMES[shape]}", lambda s=shape: self.set_shape(s))
        strength = menu.addMenu("Strength")
        for percent in (100, 75, 50, 25):
            strength.addAction(f"{percent} %", lambda v=percent / 100: self.set_strength(v))
        menu.addAction("Split Here", lambda: self.split_at(time))
        menu.addAction("Merge with Next", self.merge_next)
        follow = menu.addAction("Follow the Model", self.follow_model)
        follow.setEnabled(self.selected() in self.track.blocks)
        return menu


def _marks_for(audio_path, base, fps: float, transcript: str) -> SpeechMarks:  # noqa: ANN001
    """The lane's marks (worker thread); a transcript that does not align leaves the words out."""
    from core.animation.speech_marks import speech_marks
    from core.audio.audio_io import load_audio
    from core.errors import TranscriptError

    audio = load_audio(audio_path)
    try:
        return speech_marks(audio, base, fps, transcript)
    except TranscriptError:
        return speech_marks(audio, base, fps, "")
