"""The timeline's fixed header strip: time ruler (ending where the line ends) and the speech waveform.

It never scrolls with the lanes; it shares the lanes' ``TimeMapping``. Click or drag to scrub,
wheel to zoom (Shift: pan), double-click to fit the whole line again.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import QWidget

from app.studio_session import StudioSession
from app.time_mapping import TimeMapping
from app.timeline_lanes import HEADER_W, RULER_H, WAVE_H


class TimelineRuler(QWidget):
    """Ruler over waveform, painted by hand from the session's samples."""

    scrubbed = Signal(int)

    def __init__(self, session: StudioSession, mapping: TimeMapping) -> None:
        super().__init__()
        self.session, self.mapping = session, mapping
        self.setFixedHeight(RULER_H + WAVE_H)
        self._scrubbing = False
        self._playhead_x: float | None = None
        for sig in (session.project_changed, session.media_changed, mapping.changed):
            sig.connect(self.update)
        session.frame_changed.connect(self._playhead_moved)

    def end_x(self) -> float:
        """Where the line's last frame ends: the ruler stops there."""
        return float(self.mapping.x_of(self.session.project.duration))

    def _playhead_moved(self, frame: int) -> None:
        x = float(self.mapping.x_of(frame / self.session.project.fps))
        for strip in (self._playhead_x, x):
            if strip is not None:
                self.update(QRect(int(strip) - 3, 0, 7, self.height()))
        self.update(QRect(0, 0, HEADER_W, RULER_H))
        self._playhead_x = x

    # --- painting ----------------------------------------------------------------------
    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#222226"))
        self._paint_ruler(p)
        p.drawPixmap(0, RULER_H, self._wave())
        end = self.end_x()
        if end < self.width():
            p.fillRect(QRectF(end, 0, self.width() - end, self.height()), QColor(0, 0, 0, 110))
            p.setPen(QPen(QColor("#ffb74d"), 1))
            p.drawLine(QPointF(end, 0), QPointF(end, self.height()))
        self._paint_playhead(p)
        p.end()

    def _paint_ruler(self, p: QPainter) -> None:
        p.fillRect(0, 0, self.width(), RULER_H, QColor("#2d2d33"))
        fps, duration, px = self.session.project.fps, self.session.project.duration, self.mapping.px_per_s
        last = min(float(self.mapping.t_of(self.width())), duration)
        if px / fps >= 6:
            p.setPen(QColor("#888"))
            for f in range(int(self.mapping.t0 * fps), int(last * fps) + 1):
                x = self.mapping.x_of(f / fps)
                p.drawLine(QPointF(x, RULER_H - 5), QPointF(x, RULER_H))
        step = _label_step(px)
        p.setPen(QColor("#ccc"))
        s = np.ceil(self.mapping.t0 / step) * step
        while s <= last + 1e-9:
            x = self.mapping.x_of(s)
            p.drawLine(QPointF(x, 10), QPointF(x, RULER_H))
            p.drawText(QPointF(x + 3, 12), f"{s:g}s · {int(round(s * fps))}f")
            s += step

    def _paint_playhead(self, p: QPainter) -> None:
        frame, fps = self.session.frame, self.session.project.fps
        x = self._playhead_x = float(self.mapping.x_of(frame / fps))
        p.setPen(QPen(QColor("#ff5252"), 2))
        p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.fillRect(0, 0, HEADER_W, RULER_H, QColor("#2d2d33"))
        p.setPen(QColor("#fff"))
        p.drawText(6, 17, f"{frame / fps:6.2f}s  f{frame}")

    def _wave(self) -> QPixmap:
        """The speech's min/max per pixel column, drawn once per view into a cached pixmap."""
        samples = self.session.samples
        key = (self.width(), self.mapping.t0, self.mapping.px_per_s, id(samples), self.session.sample_rate)
        if getattr(self, "_wave_key", None) != key:
            self._wave_key, self._wave_cache = key, self._wave_pixmap(samples)
        return self._wave_cache

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
        idx = np.clip((self.mapping.t_of(xs) * rate).astype(int), 0, len(samples) - 1)
        idx2 = np.clip((self.mapping.t_of(xs + 1) * rate).astype(int), 0, len(samples))
        keep = idx2 > idx
        if not keep.any():
            return None
        xs, idx = xs[keep], idx[keep]
        bounds = np.append(idx, idx2[keep][-1])  # the last column ends where the view does
        padded = np.append(samples, np.float32(0))  # reduceat needs the end index inside the array
        return xs, np.maximum.reduceat(padded, bounds)[:-1], np.minimum.reduceat(padded, bounds)[:-1]

    # --- input -------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._scrubbing = event.button() == Qt.MouseButton.LeftButton
        if self._scrubbing:
            self._scrub(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._scrubbing:
            self._scrub(event.position().x())

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        self._scrubbing = False

    def mouseDoubleClickEvent(self, _event: QMouseEvent) -> None:
        self.mapping.fit(self.session.project.duration, self.width())

    def _scrub(self, x: float) -> None:
        fps = self.session.project.fps
        frame = int(round(float(self.mapping.t_of(max(x, HEADER_W))) * fps))
        self.session.set_frame(frame)
        self.scrubbed.emit(self.session.frame)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.mapping.follow_wheel(event)


def _label_step(px_per_s: float) -> float:
    """Seconds between labelled ticks: labels at least ~80 px apart."""
    for step in (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0):
        if step * px_per_s >= 80:
            return step
    return 120.0
