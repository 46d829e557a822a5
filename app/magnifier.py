"""A loupe in the canvas corner while a landmark is dragged: 4× the pixels around the cursor.

At the canvas's own zoom a landmark hides the pixels it should sit on; the loupe shows the
region around the cursor four times larger, with a crosshair on the cursor and the points
that fall inside it, so an eye corner or a mouth corner can be placed to the pixel.

Rest mode shows the portrait's own pixels (what the rest landmarks are placed on); keyframe
mode shows the rendered frame, read back from the GL framebuffer right after it is drawn
(only the small square under the loupe, so the read costs next to nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import moderngl
import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

from app.face_fitting_anchors import ANCHOR_NAMES, FIT_ANCHORS

if TYPE_CHECKING:
    from app.preview_canvas import PreviewCanvas


@dataclass(frozen=True)
class MagnifierStyle:
    """How big the loupe is and how much it enlarges (both in widget pixels)."""

    zoom: float = 4.0
    side: float = 200.0
    margin: float = 12.0
    top: float = 28.0  # below the canvas caption


class Magnifier:
    """Paints the loupe on the canvas overlay while ``canvas.editor`` drags a point."""

    def __init__(self, canvas: PreviewCanvas, style: MagnifierStyle = MagnifierStyle()) -> None:
        self.canvas, self.style = canvas, style
        self.enabled = True
        self._portrait_image: tuple[np.ndarray, QImage] | None = None  # (the rgba array, its QImage)
        self._frame_patch: tuple[QPointF, QImage] | None = None  # (cursor it was read at, the pixels)

    @property
    def active(self) -> bool:
        editor = self.canvas.editor
        return self.enabled and editor.dragging and editor.cursor is not None

    def rect(self) -> QRectF:
        """Where the loupe is drawn: the top-right corner, or top-left when the cursor is over there."""
        s = self.style
        right = QRectF(self.canvas.width() - s.side - s.margin, s.top, s.side, s.side)
        cursor = self.canvas.editor.cursor
        if cursor is not None and right.adjusted(-s.margin, -s.margin, s.margin, s.margin).contains(cursor):
            return QRectF(s.margin, s.top, s.side, s.side)
        return right

    def source_side(self) -> float:
        """Side of the enlarged square, in widget pixels."""
        return self.style.side / self.style.zoom

    # --- pixels ----------------------------------------------------------------------
    def capture(self, fbo: moderngl.Framebuffer) -> None:
        """Keep the rendered pixels under the loupe (keyframe mode); call right after the frame is drawn."""
        if not self.active or self.canvas.editor.mode == "rest":
            self._frame_patch = None
            return
        cursor, dpr = self.canvas.editor.cursor, self.canvas.devicePixelRatio()
        side = max(1, round(self.source_side() * dpr))
        x0 = round(cursor.x() * dpr) - side // 2
        y0 = round(cursor.y() * dpr) - side // 2
        width, height = fbo.size
        x, y = max(0, x0), max(0, y0)
        w, h = min(width, x0 + side) - x, min(height, y0 + side) - y
        if w <= 0 or h <= 0:
            self._frame_patch = None
            return
        data = fbo.read(viewport=(x, height - y - h, w, h), components=4)
        rgba = np.frombuffer(data, np.uint8).reshape(h, w, 4)[::-1]  # GL rows run bottom-up
        patch = np.zeros((side, side, 4), np.uint8)
        patch[y - y0 : y - y0 + h, x - x0 : x - x0 + w] = rgba
        patch[..., 3] = 255
        image = QImage(patch.data, side, side, 4 * side, QImage.Format.Format_RGBA8888).copy()
        self._frame_patch = (QPointF(cursor), image)

    def _portrait_qimage(self) -> QImage:
        rgba = self.canvas.session.portrait.rgba
        if self._portrait_image is None or self._portrait_image[0] is not rgba:
            h, w = rgba.shape[:2]
            data = np.ascontiguousarray(rgba)
            self._portrait_image = (rgba, QImage(data.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy())
        return self._portrait_image[1]

    def _draw_pixels(self, painter: QPainter, target: QRectF, cursor: QPointF) -> None:
        half = self.source_side() / 2
        if self.canvas.editor.mode == "rest":
            corner = self.canvas.to_image(QPointF(cursor.x() - half, cursor.y() - half))
            span = self.canvas.to_image(QPointF(cursor.x() + half, cursor.y() + half)) - corner
            painter.drawImage(target, self._portrait_qimage(), QRectF(corner[0], corner[1], span[0], span[1]))
        elif self._frame_patch is not None:
            painter.drawImage(target, self._frame_patch[1])

    # --- overlay ---------------------------------------------------------------------
    def paint(self, painter: QPainter) -> None:
        """The loupe: enlarged pixels, the points inside it, a crosshair and a caption."""
        if not self.active:
            return
        target, cursor = self.rect(), QPointF(self.canvas.editor.cursor)
        painter.save()
        clip = QPainterPath()
        clip.addRoundedRect(target, 10, 10)
        painter.setClipPath(clip)
        painter.fillRect(target, QColor(30, 30, 34))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # see the pixels themselves
        self._draw_pixels(painter, target, cursor)
        self._draw_points(painter, target, cursor)
        self._draw_crosshair(painter, target)
        painter.restore()
        painter.setPen(QPen(QColor("#ffd54a"), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(target, 10, 10)
        label = QRectF(painter.fontMetrics().boundingRect(self.caption()).adjusted(-6, -3, 6, 3))
        label.moveBottomLeft(QPointF(target.left() + 6, target.bottom() - 6))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(20, 20, 24, 170))
        painter.drawRoundedRect(label, 4, 4)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, self.caption())

    def caption(self) -> str:
        """'4× · mouth corner' (the anchor's name while fitting)."""
        name = ANCHOR_NAMES.get(self.canvas.editor.fit_anchor, "")
        return f"{self.style.zoom:g}×" + (f" · {name}" if name else "")

    def _to_loupe(self, widget_points: np.ndarray, target: QRectF, cursor: QPointF) -> np.ndarray:
        centre = np.array([target.center().x(), target.center().y()])
        return (widget_points - np.array([cursor.x(), cursor.y()])) * self.style.zoom + centre

    def _draw_points(self, painter: QPainter, target: QRectF, cursor: QPointF) -> None:
        rig = self.canvas.editor.display_rig()
        if rig is None:
            return
        points = self._to_loupe(self.canvas.to_widget(rig), target, cursor)
        selected = self.canvas.editor.selected
        anchors = set(FIT_ANCHORS) if self.canvas.editor.fitting else set()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for i, (x, y) in enumerate(points):
            if not target.adjusted(-8, -8, 8, 8).contains(QPointF(x, y)):
                continue
            colour = QColor("#ffd54a" if i in selected else "#ff8a3d" if i in anchors else "#4ad0ff")
            painter.setPen(QPen(colour, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(x, y), 4.0, 4.0)  # a ring: the pixel under the point stays visible

    def _draw_crosshair(self, painter: QPainter, target: QRectF) -> None:
        """Four ticks around the cursor, white on a dark edge so they show on light and dark pixels."""
        c = target.center()
        ticks = [(QPointF(c.x() + 7 * dx, c.y() + 7 * dy), QPointF(c.x() + 24 * dx, c.y() + 24 * dy))
                 for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
        for pen in (QPen(QColor(0, 0, 0, 170), 3), QPen(QColor(255, 255, 255, 230), 1)):
            painter.setPen(pen)
            for a, b in ticks:
                painter.drawLine(a, b)
