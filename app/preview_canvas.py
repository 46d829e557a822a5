"""The moderngl preview inside a QOpenGLWidget: current frame, zoom/pan, landmark overlay and editing."""

from __future__ import annotations

import moderngl
import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QResizeEvent, QWheelEvent
from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import QWidget

from app.frame_source import make_renderer
from app.landmark_editing import LandmarkEditor
from app.studio_session import StudioSession

_VERT = """#version 330
in vec2 pos; in vec2 uv; out vec2 v_uv;
void main() { v_uv = uv; gl_Position = vec4(pos, 0.0, 1.0); }"""
_FRAG = """#version 330
uniform sampler2D tex; in vec2 v_uv; out vec4 color;
void main() { color = texture(tex, v_uv); }"""


class PreviewCanvas(QOpenGLWidget):
    """Shows ``session`` at its current frame; edits landmarks through ``LandmarkEditor``."""

    def __init__(self, session: StudioSession) -> None:
        super().__init__()
        self.session = session
        self.zoom, self.pan = 1.0, QPointF(0, 0)
        self.show_landmarks, self.show_mesh = True, False
        self.editor = LandmarkEditor(session, self)
        self.ctx: moderngl.Context | None = None
        self._renderer = None
        self._texture: moderngl.Texture | None = None
        self._pan_from: QPointF | None = None
        self.overlay = _Overlay(self)
        self.setMinimumSize(320, 240)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        session.frame_changed.connect(self.update)
        session.project_changed.connect(self.update)
        session.media_changed.connect(self._media_changed)

    # --- GL ----------------------------------------------------------------------
    def initializeGL(self) -> None:
        self.ctx = moderngl.create_context()
        self._program = self.ctx.program(vertex_shader=_VERT, fragment_shader=_FRAG)
        self._vbo = self.ctx.buffer(reserve=4 * 4 * 4)
        self._vao = self.ctx.vertex_array(self._program, [(self._vbo, "2f 2f", "pos", "uv")])

    def _media_changed(self) -> None:
        """New portrait or rest face: drop the renderer (and its GL objects)."""
        if self.ctx is not None and self._renderer is not None:
            self.makeCurrent()
            for obj in (self._renderer, self._texture):
                if hasattr(obj, "release"):
                    obj.release()
            self.doneCurrent()
        self._renderer, self._texture = None, None
        self.update()

    def _ensure_renderer(self) -> None:
        portrait = self.session.portrait
        if self._renderer is None and portrait is not None and self.ctx is not None:
            self._renderer = make_renderer(self.ctx, portrait.rgba, portrait.rest_face)
            h, w = portrait.rgba.shape[:2]
            self._texture = self.ctx.texture((w, h), 4)

    def current_image(self) -> np.ndarray | None:
        """The rendered H×W×4 frame at the session's current frame."""
        rig = self.session.rig_at(self.session.frame)
        if rig is None or self._renderer is None:
            return None
        return np.ascontiguousarray(self._renderer.render(rig[0], rig[1]))

    def paintGL(self) -> None:
        assert self.ctx is not None
        fbo = self.ctx.detect_framebuffer(self.defaultFramebufferObject())
        fbo.use()
        self.ctx.clear(0.16, 0.16, 0.18, 1.0)
        self._ensure_renderer()
        image = self.current_image()
        if image is not None and self._texture is not None:
            fbo.use()  # the renderer may have bound its own framebuffer
            self.ctx.viewport = (0, 0, int(self.width() * self.devicePixelRatio()), int(self.height() * self.devicePixelRatio()))
            self._texture.write(image.tobytes())
            self._draw_quad()
        self.overlay.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())

    def _draw_quad(self) -> None:
        r = self.image_rect()
        w, h = self.width(), self.height()
        x0, x1 = 2 * r.left() / w - 1, 2 * r.right() / w - 1
        y0, y1 = 1 - 2 * r.top() / h, 1 - 2 * r.bottom() / h
        quad = np.array([x0, y0, 0, 0, x1, y0, 1, 0, x0, y1, 0, 1, x1, y1, 1, 1], np.float32)
        self._vbo.write(quad.tobytes())
        self._texture.use(0)
        self._vao.render(moderngl.TRIANGLE_STRIP)

    # --- view transform ------------------------------------------------------------
    def image_rect(self) -> QRectF:
        """Where the portrait lies in widget coordinates."""
        if self.session.portrait is None:
            return QRectF(0, 0, 1, 1)
        h, w = self.session.portrait.rgba.shape[:2]
        s = min(self.width() / w, self.height() / h) * 0.95 * self.zoom
        cx, cy = self.width() / 2 + self.pan.x(), self.height() / 2 + self.pan.y()
        return QRectF(cx - w * s / 2, cy - h * s / 2, w * s, h * s)

    def to_widget(self, pts: np.ndarray) -> np.ndarray:
        r = self.image_rect()
        s = r.width() / self.session.portrait.rgba.shape[1]
        return pts * s + np.array([r.left(), r.top()])

    def to_image(self, p: QPointF) -> np.ndarray:
        r = self.image_rect()
        s = r.width() / self.session.portrait.rgba.shape[1]
        return np.array([(p.x() - r.left()) / s, (p.y() - r.top()) / s])

    # --- overlay -------------------------------------------------------------------
    def paint_overlay(self, painter: QPainter) -> None:
        rig = self.editor.display_rig()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if rig is not None and self.show_landmarks:
            pts = self.to_widget(rig)
            for i, (x, y) in enumerate(pts):
                selected = i in self.editor.selected
                painter.setPen(QPen(QColor("#ffd54a" if selected else "#4ad0ff"), 1))
                painter.setBrush(QColor("#ffd54a" if selected else "#1a7fa8"))
                painter.drawEllipse(QPointF(x, y), 3.0 if selected else 2.2, 3.0 if selected else 2.2)
        band = self.editor.band_rect()
        if band is not None:
            painter.setPen(QPen(QColor("#ffffff"), 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(band)
        painter.setPen(QColor("#dddddd"))
        painter.drawText(8, 18, self._caption())

    def _caption(self) -> str:
        if self.session.portrait is None:
            return "Open a portrait (File ▸ Open Portrait or drop an image here)"
        return f"{self.editor.mode.title()} mode · frame {self.session.frame} · zoom {self.zoom:.2f}×"

    # --- input ---------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        pos = event.position()
        centre = QPointF(self.width() / 2, self.height() / 2) + self.pan
        self.pan += (centre - pos) * (factor - 1)
        self.zoom *= factor
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.RightButton):
            self._pan_from = event.position()
        elif event.button() == Qt.MouseButton.LeftButton and self.session.portrait is not None:
            self.editor.press(event.position(), event.modifiers())
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self.pan += event.position() - self._pan_from
            self._pan_from = event.position()
        elif self.session.portrait is not None:
            self.editor.move(event.position())
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._pan_from = None
        self.editor.release(event.position())
        self.update()

    def reset_view(self) -> None:
        self.zoom, self.pan = 1.0, QPointF(0, 0)
        self.update()


class _Overlay(QWidget):
    """Transparent child drawn over the GL surface (landmarks, selection band, caption)."""

    def __init__(self, canvas: PreviewCanvas) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.canvas.paint_overlay(painter)
        painter.end()
