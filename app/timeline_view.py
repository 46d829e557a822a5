"""The timeline dock's canvas: ruler, waveform, lanes of keys; select, drag, add, delete, zoom."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QMouseEvent, QPainter, QPen, QPixmap, QPolygonF, QWheelEvent
from PySide6.QtWidgets import QWidget

from app.studio_session import StudioSession
from app.timeline_items import Item, add_command, edit_command, items, noun, remove_command
from app.timeline_clipboard import TimelineClipboard
from app.timeline_lanes import HEADER_W, RULER_H, WAVE_H, Lane, lane_tops, standard_lanes

KEY_PICK = 6.0


class TimelineView(QWidget):
    """A QWidget painted by hand; every edit goes through ``session.push``."""

    scrubbed = Signal(int)

    def __init__(self, session: StudioSession) -> None:
        super().__init__()
        self.session = session
        self.lanes = standard_lanes()
        self.tops = lane_tops(self.lanes)
        self.t0, self.px_per_s = 0.0, 120.0
        self.clipboard = TimelineClipboard(session)
        self._drag: dict | None = None
        self._band: tuple[QPointF, QPointF] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(self.tops[-1] + self.lanes[-1].height + 4)
        for sig in (session.project_changed, session.selection_changed, session.media_changed):
            sig.connect(self.update)
        session.frame_changed.connect(self._playhead_moved)
        self._playhead_x: float | None = None

    def _playhead_moved(self, frame: int) -> None:
        """Repaint only the strips under the old and new playhead and the time readout (cheap playback)."""
        x = self.x_of(frame / self.session.project.fps)
        for strip in (self._playhead_x, x):
            if strip is not None:
                self.update(QRect(int(strip) - 3, 0, 7, self.height()))
        self.update(QRect(0, 0, HEADER_W, RULER_H))
        self._playhead_x = x

    # --- coordinates -----------------------------------------------------------------
    def x_of(self, t: float) -> float:
        return HEADER_W + (t - self.t0) * self.px_per_s

    def t_of(self, x: float) -> float:
        return self.t0 + (x - HEADER_W) / self.px_per_s

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
        y = self.tops[i] + lane.height / 2 if lane.events else self.y_of(i, key.value)
        return QPointF(self.x_of(key.time), y)

    def keys_of(self, i: int) -> list[Item]:
        return items(self.session.project.tracks, self.lanes[i].name)

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

    # --- painting -------------------------------------------------------------------
    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#222226"))
        self._paint_ruler(p)
        self._paint_wave(p)
        for i in range(len(self.lanes)):
            self._paint_lane(p, i)
        self._paint_playhead(p)
        if self._band is not None:
            p.setPen(QPen(QColor("#ffffff"), 1, Qt.PenStyle.DashLine))
            p.drawRect(QRectF(*self._band).normalized())
        p.end()

    def _paint_ruler(self, p: QPainter) -> None:
        p.fillRect(0, 0, self.width(), RULER_H, QColor("#2d2d33"))
        fps = self.session.project.fps
        p.setPen(QColor("#888"))
        if self.px_per_s / fps >= 6:
            for f in range(int(max(0, self.t0) * fps), int(self.t_of(self.width()) * fps) + 1):
                p.drawLine(QPointF(self.x_of(f / fps), RULER_H - 5), QPointF(self.x_of(f / fps), RULER_H))
        step = max(1, int(80 / self.px_per_s)) if self.px_per_s < 80 else 1
        p.setPen(QColor("#ccc"))
        for s in range(int(max(0, self.t0)), int(self.t_of(self.width())) + 1, step):
            x = self.x_of(s)
            p.drawLine(QPointF(x, 10), QPointF(x, RULER_H))
            p.drawText(QPointF(x + 3, 12), f"{s}s · {int(round(s * fps))}f")

    def _paint_wave(self, p: QPainter) -> None:
        """The speech's min/max per pixel column, drawn once per view into a cached pixmap."""
        samples = self.session.samples
        key = (self.width(), self.t0, self.px_per_s, id(samples), self.session.sample_rate)
        if getattr(self, "_wave_key", None) != key:
            self._wave_key, self._wave = key, self._wave_pixmap(samples)
        p.drawPixmap(0, RULER_H, self._wave)

    def _wave_pixmap(self, samples: np.ndarray | None) -> QPixmap:
        pixmap = QPixmap(max(self.width(), 1), WAVE_H)
        pixmap.fill(QColor("#1b1b1f"))
        p = QPainter(pixmap)
        p.setPen(QColor("#aaa"))
        p.drawText(6, 16, "Audio")
        peaks = self._wave_peaks(samples)
        if peaks is not None:
            xs, hi, lo = peaks
            mid = WAVE_H / 2
            p.setPen(QColor("#5fb878"))
            p.drawLines([QLineF(x, mid - a * WAVE_H / 2, x, mid - b * WAVE_H / 2) for x, a, b in zip(xs, hi, lo)])
        p.end()
        return pixmap

    def _wave_peaks(self, samples: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Pixel columns with sound and their max / min sample."""
        if samples is None or len(samples) == 0:
            return None
        rate = self.session.sample_rate
        xs = np.arange(HEADER_W, self.width())
        idx = np.clip((self.t_of(xs) * rate).astype(int), 0, len(samples) - 1)
        idx2 = np.clip((self.t_of(xs + 1) * rate).astype(int), 0, len(samples))
        keep = idx2 > idx
        if not keep.any():
            return None
        xs, idx = xs[keep], idx[keep]
        bounds = np.append(idx, idx2[keep][-1])  # the last column ends where the view does
        padded = np.append(samples, np.float32(0))  # reduceat needs the end index inside the array
        return xs, np.maximum.reduceat(padded, bounds)[:-1], np.minimum.reduceat(padded, bounds)[:-1]

    def _paint_lane(self, p: QPainter, i: int) -> None:
        lane, top = self.lanes[i], self.tops[i]
        p.fillRect(0, top, self.width(), lane.height, QColor("#26262b" if i % 2 else "#2a2a30"))
        p.setPen(QColor("#bbb"))
        p.drawText(QRectF(6, top, HEADER_W - 8, lane.height), Qt.AlignmentFlag.AlignVCenter, lane.label)
        keys = self.keys_of(i)
        if not lane.events and lane.name != "landmarks" and len(keys) > 1:
            p.setPen(QPen(QColor("#8899ff"), 1))
            p.drawPolyline(QPolygonF([self.key_pos(i, k) for k in keys]))
        for key in keys:
            self._paint_key(p, i, key, key in self.session.selection)

    def _paint_key(self, p: QPainter, i: int, key: Item, selected: bool) -> None:
        base = "#ff8a65" if key.lane == "landmarks" else "#e0e0e0"
        colour = QColor("#ffd54a") if selected else QColor("#7f8fa6" if key.generated else base)
        p.setPen(QPen(colour.darker(150), 1))
        p.setBrush(colour)
        c = self.key_pos(i, key)
        if self.lanes[i].events:
            w = max(4.0, key.duration * self.px_per_s)
            p.drawRoundedRect(QRectF(c.x(), c.y() - 6, w, 12), 3, 3)
            return
        if key.lane == "landmarks":
            self._paint_spans(p, c, key.obj, colour)
            p.drawEllipse(c, 4.5, 4.5)
            return
        d = 5.0
        p.drawPolygon(QPolygonF([c + QPointF(0, -d), c + QPointF(d, 0), c + QPointF(0, d), c + QPointF(-d, 0)]))

    def _paint_spans(self, p: QPainter, c: QPointF, keyframe, colour: QColor) -> None:  # noqa: ANN001
        """A landmark keyframe's blend: a ramp up over ease_in before it and down over ease_out after."""
        left, right = c.x() - keyframe.ease_in * self.px_per_s, c.x() + keyframe.ease_out * self.px_per_s
        faint = QColor(colour)
        faint.setAlpha(70)
        p.save()
        p.setPen(QPen(colour, 1))
        p.setBrush(faint)
        p.drawPolygon(QPolygonF([QPointF(left, c.y() + 7), QPointF(c.x(), c.y() - 7), QPointF(right, c.y() + 7)]))
        p.restore()

    def _paint_playhead(self, p: QPainter) -> None:
        x = self._playhead_x = self.x_of(self.session.frame / self.session.project.fps)
        p.setPen(QPen(QColor("#ff5252"), 2))
        p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.fillRect(0, 0, HEADER_W, RULER_H, QColor("#2d2d33"))
        p.setPen(QColor("#fff"))
        p.drawText(6, 17, f"{self.session.frame / self.session.project.fps:6.2f}s  f{self.session.frame}")

    # --- mouse ----------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if pos.y() < RULER_H + WAVE_H:
            self._drag = {"scrub": True}
            self._scrub(pos.x())
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
        if self._band is not None:
            self._band = (self._band[0], pos)
            self.update()
        elif self._drag and self._drag.get("scrub"):
            self._scrub(pos.x())
        elif self._drag:
            self._drag_keys(pos)

    def _drag_keys(self, pos: QPointF) -> None:
        """Move every dragged item from its original place; pushes go into the drag's macro."""
        dt = (pos.x() - self._drag["from"].x()) / self.px_per_s
        names = [lane.name for lane in self.lanes]
        current = []
        for orig, now in zip(self._drag["orig"], self._drag["current"]):
            i = names.index(orig.lane)
            changes: dict = {"time": self.snap(orig.time + dt)}
            if not self.lanes[i].events and orig.lane != "landmarks" and orig == self._drag["item"]:
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
        if i is None or pos.x() < HEADER_W or self.key_at(pos) is not None:
            return
        self.add_item(self.lanes[i], self.snap(self.t_of(pos.x())), self.value_of(i, pos.y()))

    def add_item(self, lane: Lane, time: float, value: float) -> Item | None:
        """Add a key/event at ``time`` (value ignored for blinks, 1 for new emotion keys)."""
        value = lane.default if lane.name.startswith(("blinks", "emotion")) else value
        try:
            command, item = add_command(self.session.project.tracks, lane.name, time, value)
            self.session.push(command)
        except ValueError:
            return None
        self.session.select([item])
        return item

    def _scrub(self, x: float) -> None:
        frame = int(round(self.snap(self.t_of(x)) * self.session.project.fps))
        self.session.set_frame(frame)
        self.scrubbed.emit(frame)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.t0 = max(0.0, self.t0 - steps * 60 / self.px_per_s)
        else:
            t = self.t_of(event.position().x())
            self.px_per_s = float(np.clip(self.px_per_s * 1.2**steps, 10, 2000))
            self.t0 = max(0.0, t - (event.position().x() - HEADER_W) / self.px_per_s)
        self.update()

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
