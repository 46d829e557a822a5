"""The timeline's lanes (the part that scrolls): groups, keys; select, drag, add, delete, resize, fold.

The ruler and waveform above it (``app/timeline_ruler.py``) stay put; both share one
``TimeMapping``, so a key lies under its ruler tick at every zoom.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QMouseEvent, QPainter, QPaintEvent, QPen, QWheelEvent
from PySide6.QtWidgets import QWidget

from app.base_motion import base_values
from app.studio_session import StudioSession
from app.time_mapping import TimeMapping
from app.timeline_clipboard import TimelineClipboard
from app.timeline_paint import paint_lanes
from app.timeline_items import Item, add_command, edit_command, items, noun, remove_command
from app.timeline_lanes import GROUP_H, HEADER_W, MAX_LANE_H, MIN_LANE_H, Lane, layout, standard_lanes

KEY_PICK = 6.0
EDGE_PICK = 3.0  # px either side of a lane's bottom edge (label column) that resize it
VALUE_STEP = 0.01  # a value set by a click lands on hundredths


class TimelineView(QWidget):
    """A QWidget painted by hand; every edit goes through ``session.push``."""

    def __init__(self, session: StudioSession, mapping: TimeMapping | None = None) -> None:
        super().__init__()
        self.session = session
        self.mapping = mapping or TimeMapping(HEADER_W)
        self.all_lanes = standard_lanes()
        self.collapsed: set[str] = set()
        self.heights: dict[str, int] = {}
        self.clipboard = TimelineClipboard(session)
        self._drag: dict | None = None
        self._band: tuple[QPointF, QPointF] | None = None
        self._playhead_x: float | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self._relayout()
        for sig in (session.project_changed, session.selection_changed, session.media_changed):
            sig.connect(self.update)
        self.mapping.changed.connect(self.update)
        session.frame_changed.connect(self._playhead_moved)

    # --- layout ------------------------------------------------------------------------
    def _relayout(self) -> None:
        placed = layout(self.all_lanes, self.collapsed, self.heights)
        self.lanes, self.tops, self.group_rows = placed.lanes, placed.tops, placed.group_rows
        self.setMinimumHeight(placed.height + 4)
        self.update()

    def set_collapsed(self, group: str, collapsed: bool) -> None:
        """Fold (or open) one group of lanes."""
        (self.collapsed.add if collapsed else self.collapsed.discard)(group)
        self._relayout()

    def set_lane_height(self, name: str, height: int) -> None:
        """Resize one lane (clamped to MIN_LANE_H..MAX_LANE_H)."""
        self.heights[name] = int(np.clip(height, MIN_LANE_H, MAX_LANE_H))
        self._relayout()

    def group_at(self, y: float) -> str | None:
        return next((g for g, top in self.group_rows if top <= y < top + GROUP_H), None)

    def _playhead_moved(self, frame: int) -> None:
        """Repaint only the strips under the old and new playhead (cheap playback)."""
        x = self.x_of(frame / self.session.project.fps)
        for strip in (self._playhead_x, x):
            if strip is not None:
                self.update(QRect(int(strip) - 3, 0, 7, self.height()))
        self._playhead_x = x

    # --- coordinates -------------------------------------------------------------------
    @property
    def t0(self) -> float:
        return self.mapping.t0

    @property
    def px_per_s(self) -> float:
        return self.mapping.px_per_s

    def x_of(self, t: float) -> float:
        return self.mapping.x_of(t)

    def t_of(self, x: float) -> float:
        return self.mapping.t_of(x)

    def snap(self, t: float) -> float:
        fps = self.session.project.fps
        return float(np.clip(round(t * fps), 0, self.session.project.frame_count - 1) / fps)

    def lane_at(self, y: float) -> int | None:
        for i, (lane, top) in enumerate(zip(self.lanes, self.tops)):
            if top <= y < top + lane.height:
                return i
        return None

    def y_of(self, i: int, value: float) -> float:
        lane, top = self.lanes[i], self.tops[i]
        u = (value - lane.vmin) / (lane.vmax - lane.vmin)
        return top + lane.height - 3 - u * (lane.height - 6)

    def value_of(self, i: int, y: float) -> float:
        lane, top = self.lanes[i], self.tops[i]
        u = (top + lane.height - 3 - y) / (lane.height - 6)
        return float(np.clip(lane.vmin + u * (lane.vmax - lane.vmin), lane.vmin, lane.vmax))

    def key_pos(self, i: int, key: Item) -> QPointF:
        lane = self.lanes[i]
        y = self.tops[i] + lane.height / 2 if not lane.valued else self.y_of(i, key.value)
        return QPointF(self.x_of(key.time), y)

    def keys_of(self, i: int) -> list[Item]:
        lane = self.lanes[i]
        return items(self.session.project.tracks, lane.name) if lane.keyed else []

    def key_at(self, pos: QPointF) -> Item | None:
        i = self.lane_at(pos.y())
        if i is None:
            return None
        for key in self.keys_of(i):
            p = self.key_pos(i, key)
            if self.lanes[i].events and self.x_of(key.time) - 3 <= pos.x() <= self.x_of(key.time + key.duration) + 3:
                return key
            if abs(p.x() - pos.x()) <= KEY_PICK and abs(p.y() - pos.y()) <= KEY_PICK + 4:
                return key
        return None

    def edge_at(self, pos: QPointF) -> int | None:
        """The lane whose bottom edge is under ``pos`` in the label column (drag to resize it)."""
        if pos.x() >= HEADER_W:
            return None
        for i, (lane, top) in enumerate(zip(self.lanes, self.tops)):
            if abs(top + lane.height - pos.y()) <= EDGE_PICK:
                return i
        return None

    # --- painting ----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        paint_lanes(self, p, event.rect())  # only the lanes in view: the scroll area exposes a part
        self._playhead_x = self.x_of(self.session.frame / self.session.project.fps)
        p.setPen(QPen(QColor("#ff5252"), 2))
        p.drawLine(QPointF(self._playhead_x, 0), QPointF(self._playhead_x, self.height()))
        if self._band is not None:
            p.setPen(QPen(QColor("#ffffff"), 1, Qt.PenStyle.DashLine))
            p.drawRect(QRectF(*self._band).normalized())
        p.end()

    def base_of(self, lane: Lane) -> np.ndarray | None:
        """The generated motion drawn faintly under ``lane``'s keys (head pose, lip opening)."""
        return base_values(self.session, lane.name)

    # --- mouse -------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        group, edge = self.group_at(pos.y()), self.edge_at(pos)
        if group is not None:
            self.set_collapsed(group, group not in self.collapsed)
            return
        if edge is not None:
            self._drag = {"resize": self.lanes[edge].name, "from": pos.y(), "height": self.lanes[edge].height}
            return
        item = self.key_at(pos)
        if item is None:
            if not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.session.select([])
            self._band = (pos, pos)
            return
        sel = list(self.session.selection)
        if event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
            sel = [s for s in sel if s != item] if item in sel else sel + [item]
        elif item not in sel:
            sel = [item]
        self.session.select(sel)
        label = f"Move {noun(sel[0].lane)}" if len(sel) == 1 else "Move Keys"
        self.session.undo_stack.begin_macro(label)
        self._drag = {"item": item, "from": pos, "orig": list(sel), "current": list(sel)}

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if not event.buttons():
            resize = self.edge_at(pos) is not None
            self.setCursor(Qt.CursorShape.SizeVerCursor if resize else Qt.CursorShape.ArrowCursor)
            return
        if self._band is not None:
            self._band = (self._band[0], pos)
            self.update()
        elif self._drag and "resize" in self._drag:
            self.set_lane_height(self._drag["resize"], int(self._drag["height"] + pos.y() - self._drag["from"]))
        elif self._drag:
            self._drag_keys(pos)

    def _drag_keys(self, pos: QPointF) -> None:
        """Move every dragged item from its original place; pushes go into the drag's macro."""
        dt = (pos.x() - self._drag["from"].x()) / self.px_per_s
        names = [lane.name for lane in self.lanes]
        current = []
        for orig, now in zip(self._drag["orig"], self._drag["current"]):
            i = names.index(orig.lane) if orig.lane in names else None
            changes: dict = {"time": self.snap(orig.time + dt)}
            if i is not None and self.lanes[i].valued and orig == self._drag["item"]:
                changes["value"] = self.value_of(i, self.y_of(i, orig.value) + pos.y() - self._drag["from"].y())
            if all(getattr(now, k) == v for k, v in changes.items()):
                current.append(now)
                continue
            try:
                command, moved = edit_command(self.session.project.tracks, now, "Move", **changes)
                self.session.push(command)
            except ValueError:  # another key already sits at that frame
                moved = now
            current.append(moved)
        self._drag["current"] = current
        self.session.select(current)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._band is not None:
            self._select_band(QRectF(*self._band).normalized())
        elif self._drag and "item" in self._drag:
            self.session.undo_stack.end_macro()
        self._band, self._drag = None, None
        self.update()

    def _select_band(self, rect: QRectF) -> None:
        chosen = list(self.session.selection)
        for i in range(len(self.lanes)):
            chosen += [k for k in self.keys_of(i) if rect.contains(self.key_pos(i, k)) and k not in chosen]
        self.session.select(chosen)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        i = self.lane_at(pos.y())
        if i is None or pos.x() < HEADER_W or not self.lanes[i].keyed or self.key_at(pos) is not None:
            return
        value = round(self.value_of(i, pos.y()) / VALUE_STEP) * VALUE_STEP
        self.set_value_at(self.lanes[i], self.snap(self.t_of(pos.x())), value)

    def set_value_at(self, lane: Lane, time: float, value: float) -> Item | None:
        """Key ``value`` at ``time``: a new key, or the key already at that frame set to it (one undo step)."""
        there = next((k for k in items(self.session.project.tracks, lane.name) if abs(k.time - time) < 1e-9), None)
        if there is None or not lane.valued:
            return self.add_item(lane, time, value)
        command, item = edit_command(self.session.project.tracks, there, f"Set {noun(lane.name)}", value=value)
        self.session.push(command)
        self.session.end_drag()
        self.session.select([item])
        return item

    def add_item(self, lane: Lane, time: float, value: float) -> Item | None:
        """Add a key/event at ``time`` with ``value`` (ignored for blinks and landmark keys)."""
        try:
            command, item = add_command(self.session.project.tracks, lane.name, time, value)
            self.session.push(command)
        except ValueError:
            return None
        self.session.select([item])
        return item

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl: zoom time; Shift: pan time; plain: the scroll area scrolls the lanes."""
        steps = event.angleDelta().y() / 120
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.mapping.zoom_at(event.position().x(), 1.2**steps)
        elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.mapping.pan_by(steps * 60)
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.session.selection:
            self.session.push(remove_command(self.session.project.tracks, self.session.selection))
            self.session.select([])
        elif event.matches(QKeySequence.StandardKey.Copy):
            self.clipboard.copy()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.clipboard.paste()
        else:
            super().keyPressEvent(event)
