"""The moderngl preview inside a QOpenGLWidget: current frame, zoom/pan, landmark overlay and editing."""

from __future__ import annotations

import time

import moderngl
import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QResizeEvent, QWheelEvent
from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import QWidget

from app.fps_meter import FpsMeter
from app.frame_draft import FrameDraft
from app.frame_source import make_renderer
from app.face_fitting_anchors import FIT_ANCHORS, PUPILS
from app.landmark_editing import LandmarkEditor
from app.magnifier import Magnifier
from app.onion_skin import paint_onion_skin
from app.model_activity import ModelActivity
from app.studio_session import StudioSession
from core.animation.project import RenderSettings
from core.errors import SpaceStudioError
from core.landmarks.face_landmarks import RIG_IRIS


class _PlacedFramebuffer:
    """The widget's framebuffer as ``MeshWarpRenderer.render_to`` sees it: only the image rect.

    render_to sets ``viewport = (0, 0, *size)``; this view turns that into the zoomed and panned
    rect (GL pixels, bottom-up), so the warp lands on screen at the view transform with no readback.
    """

    def __init__(self, fbo: moderngl.Framebuffer, viewport: tuple[int, int, int, int]) -> None:
        self._fbo, self._viewport = fbo, viewport

    @property
    def size(self) -> tuple[int, int]:
        return self._viewport[2], self._viewport[3]

    @property
    def viewport(self) -> tuple[int, int, int, int]:
        return self._viewport

    @viewport.setter
    def viewport(self, _full: tuple[int, int, int, int]) -> None:
        self._fbo.viewport = self._viewport

    def use(self) -> None:
        self._fbo.use()


class PreviewCanvas(QOpenGLWidget):
    """Shows ``session`` at its current frame; edits landmarks through ``LandmarkEditor``."""

    def __init__(self, session: StudioSession) -> None:
        super().__init__()
        self.session = session
        self.zoom, self.pan = 1.0, QPointF(0, 0)
        self.show_landmarks, self.show_irises, self.show_mesh = True, True, False
        self.show_onion_skin = False  # the face at the neighbouring key poses (app.onion_skin)
        self.editor = LandmarkEditor(session, self)
        self.magnifier = Magnifier(self)
        self.ctx: moderngl.Context | None = None
        self._renderer = None
        self._built_render: RenderSettings | None = None  # the project's render settings _renderer was made for
        self._full_render_s: float | None = None  # how long the chosen renderer's last frame took
        self.render_note: str | None = None  # why the preview shows another renderer than chosen
        self._pan_from: QPointF | None = None
        self.overlay = _Overlay(self)
        self.activity: ModelActivity | None = None  # set by the window: while models run, a still portrait
        self.setMinimumSize(320, 240)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setMouseTracking(True)  # the cursor shows when a point is under it (``_hover``)
        self.fps_meter = FpsMeter(self)  # the window starts it while playback runs
        self.draft = FrameDraft(session, self)  # while edits come in, only the shown frame is composed
        self.fps_meter.updated.connect(lambda _fps: self.overlay.update())
        session.frame_changed.connect(self.update)
        session.project_changed.connect(self.update)
        session.media_changed.connect(self._media_changed)

    # --- GL ----------------------------------------------------------------------
    def initializeGL(self) -> None:
        self.ctx = moderngl.create_context()

    def _media_changed(self) -> None:
        """New portrait or rest face: drop the renderer (and its GL objects)."""
        if self.ctx is not None and self._renderer is not None:
            self.makeCurrent()
            self._drop_renderer()
            self.doneCurrent()
        self._renderer = None
        self.update()

    def _drop_renderer(self) -> None:
        """Release the renderer's GL objects (the GL context must be current)."""
        if hasattr(self._renderer, "release"):
            self._renderer.release()
        self._renderer = None

    def _ensure_renderer(self) -> None:
        """The renderer of the project's render settings (Render menu), rebuilt when they change
        (a choice, an undo, another project); the GL context must be current."""
        portrait, render = self.session.portrait, self.session.project.render
        if self._renderer is not None and render != self._built_render:
            self._drop_renderer()
        if self._renderer is None and portrait is not None and self.ctx is not None:
            self._renderer, self._built_render = self._open_renderer(render), render
            self._full_render_s = None

    def _open_renderer(self, render: RenderSettings):  # noqa: ANN202 - a MeshWarpRenderer-like
        """``auto`` resolved as the command line resolves it; a mouth set that cannot be read or a
        missing learned renderer fall back to the warp, with a note in the caption."""
        from core.project_render import frame_style_of
        from core.render.render_choice import resolve_renderer

        portrait = self.session.portrait
        self.render_note = None
        try:
            style = frame_style_of(RenderSettings(render.renderer, render.mouth_set))  # no background in the preview
            chosen, _ = resolve_renderer(render.renderer, portrait.rgba, portrait.rest_face, style.mouth_set is not None)
            return make_renderer(self.ctx, portrait.rgba, portrait.rest_face, chosen, style)
        except SpaceStudioError as err:
            self.render_note = f"{err} Showing the mesh warp."
            return make_renderer(self.ctx, portrait.rgba, portrait.rest_face, "warp")

    def _playback_renderer(self):  # noqa: ANN202
        """While playing, a renderer that cannot keep up steps aside for its own warp (always real time):
        the learned one always, the drawn style (CPU) when its last frame took longer than a frame lasts."""
        from core.render.drawn_style import DrawnStyleRenderer

        full = self._renderer
        if not hasattr(full, "warp"):
            return full
        if isinstance(full, DrawnStyleRenderer) and (
                self._full_render_s is None or self._full_render_s < 1.0 / self.session.project.fps):
            return full
        return full.warp

    def current_image(self) -> np.ndarray | None:
        """The rendered H×W×4 frame at the session's current frame (an offscreen readback, for tests)."""
        rig = self.session.rig_at(self.session.frame)
        if rig is None or self.ctx is None:
            return None
        self.makeCurrent()
        try:
            self._ensure_renderer()
            if self._renderer is None:
                return None
            return np.ascontiguousarray(self._renderer.render(rig[0], rig[1]))
        finally:
            self.doneCurrent()

    def paintGL(self) -> None:
        """Clear, then warp the portrait straight into the widget's framebuffer at the view rect."""
        assert self.ctx is not None
        fbo = self.ctx.detect_framebuffer(self.defaultFramebufferObject())
        fbo.use()
        fbo.viewport = (0, 0, *fbo.size)
        self.ctx.clear(0.16, 0.16, 0.18, 1.0)
        self._ensure_renderer()
        rig = self.shown_rig()
        if rig is not None and self._renderer is not None:
            target = _PlacedFramebuffer(fbo, self._gl_viewport(fbo.size[1]))
            # Paused or scrubbing, the chosen renderer's frame is shown; playing, see _playback_renderer.
            renderer = self._playback_renderer() if self.fps_meter.running else self._renderer
            if hasattr(renderer, "render_to"):
                started = time.perf_counter()
                renderer.render_to(target, rig[0], rig[1])
                if renderer is self._renderer:
                    self._full_render_s = time.perf_counter() - started
        self.magnifier.capture(fbo)
        self.fps_meter.frame()

    def update(self, *_signal_args: object) -> None:
        """Schedule the GL frame and the overlay together: one window composition per frame, not two.

        (Also the slot for session signals, whose payload it ignores.)"""
        super().update()
        self.overlay.update()

    def _gl_viewport(self, fb_height: int) -> tuple[int, int, int, int]:
        """The image rect in device pixels, GL's bottom-up y."""
        r, dpr = self.image_rect(), self.devicePixelRatio()
        x, w, h = round(r.left() * dpr), max(1, round(r.width() * dpr)), max(1, round(r.height() * dpr))
        return x, fb_height - round(r.top() * dpr) - h, w, h

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())

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
    def models_running(self) -> bool:
        return self.activity is not None and self.activity.busy and self.session.portrait is not None

    def shown_rig(self) -> tuple[np.ndarray, float] | None:
        """This frame's rig; while the models run, the portrait's own (rest) rig with the mouth shut,
        so no template face or loudness-driven guess is drawn before the motion is ready."""
        if self.models_running():
            return self.session.portrait.rest_face.rig_points(), 0.0
        if self.fps_meter.running:  # playing: the clip's own rigs
            return self.session.rig_at(self.session.frame)
        return self.draft.rig_at(self.session.frame)

    def overlay_rig(self) -> np.ndarray | None:
        """The points the overlay draws: the rest face in rest mode, else the shown frame's rig."""
        if self.editor.mode == "rest":
            return self.editor.display_rig()
        shown = self.shown_rig()
        return None if shown is None else shown[0]

    def _paint_progress(self, painter: QPainter) -> None:
        """The models' progress over the still portrait."""
        lines = self.activity.text().splitlines()
        box = QRectF(0, 0, min(self.width() - 20, 420), 16 + 18 * len(lines))
        box.moveCenter(QPointF(self.width() / 2, self.height() - box.height() / 2 - 24))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 170))
        painter.drawRoundedRect(box, 6, 6)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "\n".join(lines))

    def paint_overlay(self, painter: QPainter) -> None:
        if self.models_running():  # the template's points would be misplaced: progress only
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_progress(painter)
            painter.setPen(QColor("#dddddd"))
            painter.drawText(8, 18, self._caption())
            return
        rig = self.overlay_rig()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.show_onion_skin and self.editor.mode != "rest":
            paint_onion_skin(self, painter)
        if rig is not None:
            if self.show_mesh:
                self._paint_mesh(painter, rig)
            if self.show_irises:
                self._paint_irises(painter, rig)
            if self.show_landmarks:
                self._paint_points(painter, self.to_widget(rig))
            self._paint_soft_radius(painter)
        band = self.editor.band_rect()
        if band is not None:
            painter.setPen(QPen(QColor("#ffffff"), 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(band)
        self._paint_caption(painter)
        self.magnifier.paint(painter)

    def _paint_caption(self, painter: QPainter) -> None:
        """The mode/frame line, on a dark backing so it reads over a light portrait too."""
        text = self._caption()
        box = painter.fontMetrics().boundingRect(text).adjusted(-5, -3, 5, 3).translated(8, 18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(20, 20, 24, 150))
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(QColor("#dddddd"))
        painter.drawText(8, 18, text)

    @property
    def show_magnifier(self) -> bool:
        """The 4× loupe while dragging a landmark (View menu)."""
        return self.magnifier.enabled

    @show_magnifier.setter
    def show_magnifier(self, on: bool) -> None:
        self.magnifier.enabled = on

    def _paint_soft_radius(self, painter: QPainter) -> None:
        """While a drag moves neighbours too, the circle they follow within (around the cursor)."""
        editor = self.editor
        if not editor.dragging or editor.soft_radius <= 0 or editor.fit_anchor is not None or editor.cursor is None:
            return
        radius = editor.soft_radius * self.image_rect().width() / self.session.portrait.rgba.shape[1]
        painter.setPen(QPen(QColor(255, 213, 74, 170), 1, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(editor.cursor, radius, radius)

    def _paint_points(self, painter: QPainter, pts: np.ndarray) -> None:
        """The face and lid points (irises have their own overlay); anchors big and orange while fitting
        (pupils included, drawn on the iris centres)."""
        anchors = set(FIT_ANCHORS) if self.editor.fitting else set()
        shown = [i for i in range(len(pts)) if i < RIG_IRIS.start or i in anchors and i in PUPILS]
        for i, (x, y) in ((i, pts[i]) for i in shown):
            selected, anchor = i in self.editor.selected, i in anchors
            colour = "#ffd54a" if selected else "#ff8a3d" if anchor else "#4ad0ff"
            painter.setPen(QPen(QColor("#ffffff" if anchor else colour), 1))
            painter.setBrush(QColor("#ffd54a" if selected else "#ff8a3d" if anchor else "#1a7fa8"))
            r = 5.0 if anchor else 3.0 if selected else 2.2
            painter.drawEllipse(QPointF(x, y), r, r)

    def _paint_irises(self, painter: QPainter, rig: np.ndarray) -> None:
        """Iris circles at the rest face's iris radius."""
        r = self.image_rect().width() / self.session.portrait.rgba.shape[1]
        radii = self.session.portrait.rest_face.iris_radius * r
        painter.setPen(QPen(QColor("#7dff8a"), 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for (x, y), radius in zip(self.to_widget(rig[RIG_IRIS]), radii, strict=True):
            painter.drawEllipse(QPointF(x, y), float(radius), float(radius))
            painter.drawPoint(QPointF(x, y))

    def _paint_mesh(self, painter: QPainter, rig: np.ndarray) -> None:
        """The renderer's Delaunay triangles at this frame's vertex positions."""
        mesh = getattr(self._renderer, "mesh", None)
        if mesh is None:
            return
        pts = self.to_widget(mesh.positions(rig).astype(np.float64))
        edges = np.concatenate([mesh.triangles[:, [0, 1]], mesh.triangles[:, [1, 2]], mesh.triangles[:, [2, 0]]])
        edges = np.unique(np.sort(edges, axis=1), axis=0)
        painter.setPen(QPen(QColor(255, 255, 255, 110), 0.8))
        painter.drawLines([QLineF(*pts[a], *pts[b]) for a, b in edges])

    def _caption(self) -> str:
        if self.session.portrait is None:
            return "Open a portrait (File ▸ Open Portrait or drop an image here)"
        project = self.session.project
        text = (f"{self.editor.mode.title()} mode · frame {self.session.frame} / {project.frame_count}"
                f" · {project.fps:g} fps · zoom {self.zoom:.2f}×")
        if self.editor.fitting:
            text += " · fitting the face to its orange anchors"
        if self.render_note:
            text += f" · {self.render_note}"
        if self.fps_meter.running:
            text += " · playing" + ("" if self.fps_meter.fps is None else f" {self.fps_meter.fps:.1f} fps")
        return text

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
        if event.buttons() == Qt.MouseButton.NoButton:  # hovering (mouse tracking): no repaint, only the cursor
            self._hover(event.position())
            return
        if self._pan_from is not None:
            self.pan += event.position() - self._pan_from
            self._pan_from = event.position()
        elif self.session.portrait is not None:
            self.editor.move(event.position())
        self.update()

    def _hover(self, pos: QPointF) -> None:
        """A pointing hand over a point a press would grab (anchors first while fitting), else the arrow."""
        over = self.session.portrait is not None and self.editor.pick(pos) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)

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
