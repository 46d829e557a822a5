"""Onion skin: the face at the neighbouring key poses, drawn faintly over the preview.

A key pose is a frame where the user keyed something that shapes the face (a curve key on
any lane — lip opening, gaze, emotion, head — or a landmark keyframe). Showing the last one
before the playhead (cool colour) and the next one after it (warm colour) as outlines lets
an animator see the in-between they are shaping against the poses it runs between, as in
2-D animation tools. The outlines are the composed rigs of those frames: the same points
the renderer draws, not the keys' values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from app.timeline_items import items
from app.timeline_lanes import standard_lanes

if TYPE_CHECKING:
    from app.preview_canvas import PreviewCanvas
    from app.studio_session import StudioSession

BEFORE, AFTER = QColor(77, 208, 225, 210), QColor(255, 138, 101, 210)
# iBUG contours: (first, last, closed)
CONTOURS = ((0, 16, False), (17, 21, False), (22, 26, False), (27, 30, False), (31, 35, False),
            (36, 41, True), (42, 47, True), (48, 59, True), (60, 67, True))


def key_frames(session: StudioSession) -> list[int]:
    """Frames (sorted, unique) holding a key that shapes the face: curve keys and landmark keyframes."""
    fps, tracks = session.project.fps, session.project.tracks
    lanes = [lane.name for lane in standard_lanes() if lane.valued or lane.name == "landmarks"]
    return sorted({int(round(item.time * fps)) for lane in lanes for item in items(tracks, lane)})


def neighbour_key_frames(session: StudioSession) -> tuple[int | None, int | None]:
    """The last key frame before the current frame and the first one after it (None where there is none)."""
    frames, now = key_frames(session), session.frame
    before = [f for f in frames if f < now]
    after = [f for f in frames if f > now]
    return (before[-1] if before else None), (after[0] if after else None)


def paint_onion_skin(canvas: PreviewCanvas, painter: QPainter) -> None:
    """The face outline at the neighbouring key poses, in the canvas's widget coordinates."""
    for frame, colour in zip(neighbour_key_frames(canvas.session), (BEFORE, AFTER)):
        if frame is None:
            continue
        rig = canvas.draft.rig_at(frame)
        if rig is None:
            continue
        _paint_outline(painter, canvas.to_widget(np.asarray(rig[0], np.float64)[:68]), colour)


def _paint_outline(painter: QPainter, points: np.ndarray, colour: QColor) -> None:
    painter.save()
    painter.setPen(QPen(colour, 2.0))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for first, last, closed in CONTOURS:
        polygon = QPolygonF([QPointF(float(x), float(y)) for x, y in points[first:last + 1]])
        if closed:
            painter.drawPolygon(polygon)
        else:
            painter.drawPolyline(polygon)
    painter.restore()
