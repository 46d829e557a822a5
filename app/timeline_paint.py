"""Painting the timeline's lanes: group titles, lane rows, the faint generated motion, keys and curves.

Kept apart from ``TimelineView`` (input and edits) so each stays small; every function takes the
view for its coordinates (``x_of``, ``y_of``, ``tops``) and draws with the given painter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap, QPolygonF

from app.timeline_items import Item, lane_target
from app.timeline_lanes import GROUP_H, HEADER_W

if TYPE_CHECKING:
    from app.timeline_view import TimelineView

BASE_COLOUR = QColor(120, 200, 255, 150)  # generated motion: faint, under the keys
PAST_END = QColor(0, 0, 0, 90)  # beyond the line's last frame


def paint_lanes(view: TimelineView, p: QPainter, exposed: QRect) -> None:
    """Everything the lanes widget shows in ``exposed`` but the playhead and band."""
    p.fillRect(exposed, QColor("#222226"))
    for group, top in view.group_rows:
        if top + GROUP_H >= exposed.top() and top <= exposed.bottom():
            _paint_group(view, p, group, top)
    for i, (lane, top) in enumerate(zip(view.lanes, view.tops)):
        if top + lane.height >= exposed.top() and top <= exposed.bottom():
            _paint_lane(view, p, i)
    end_x = view.x_of(view.session.project.duration)
    if end_x < view.width():
        p.fillRect(QRectF(max(end_x, HEADER_W), 0, view.width() - max(end_x, HEADER_W), view.height()), PAST_END)


def _paint_group(view: TimelineView, p: QPainter, group: str, top: int) -> None:
    p.fillRect(0, top, view.width(), GROUP_H, QColor("#34343c"))
    p.setPen(QColor("#e6e6e6"))
    arrow = "▸" if group in view.collapsed else "▾"
    count = sum(1 for lane in view.all_lanes if lane.group == group)
    p.drawText(QRectF(6, top, HEADER_W + 200, GROUP_H), Qt.AlignmentFlag.AlignVCenter,
               f"{arrow} {group}  ({count})")


def _paint_lane(view: TimelineView, p: QPainter, i: int) -> None:
    lane, top = view.lanes[i], view.tops[i]
    p.fillRect(0, top, view.width(), lane.height, QColor("#26262b" if i % 2 else "#2a2a30"))
    p.setPen(QColor("#3a3a42"))
    p.drawLine(0, top + lane.height - 1, view.width(), top + lane.height - 1)
    p.setPen(QColor("#bbb"))
    p.drawText(QRectF(6, top, HEADER_W - 8, lane.height), Qt.AlignmentFlag.AlignVCenter, lane.label)
    p.save()
    p.setClipRect(QRectF(HEADER_W, top, view.width() - HEADER_W, lane.height))
    _paint_base(view, p, i)
    keys = view.keys_of(i)
    if lane.valued and keys:
        _paint_curve(view, p, i)
    for key in keys:
        _paint_key(view, p, i, key, key in view.session.selection)
    p.restore()


def _paint_base(view: TimelineView, p: QPainter, i: int) -> None:
    """The generated motion as a faint filled line (head pose in degrees, lip opening in × model),
    drawn once into a pixmap per lane and blitted: a key drag repaints the lanes on every move,
    and filling the polygon again each time cost more than the rest of the lane."""
    lane, top = view.lanes[i], view.tops[i]
    values = view.base_of(lane)
    if values is None or len(values) == 0:
        return
    key = (id(values), len(values), view.t0, view.px_per_s, lane.height, view.width(), view.session.project.fps)
    cache = view.__dict__.setdefault("_base_pixmaps", {})
    cached = cache.get(lane.name)
    if cached is None or cached[0] != key or cached[2] is not values:
        cache[lane.name] = cached = key, _base_pixmap(view, i, values), values
    p.drawPixmap(0, top, cached[1])


def _base_pixmap(view: TimelineView, i: int, values: np.ndarray) -> QPixmap:
    """Lane ``i``'s generated motion on a transparent strip as wide as the view, as tall as the lane."""
    lane, top = view.lanes[i], view.tops[i]
    pixmap = QPixmap(max(view.width(), 1), lane.height)
    pixmap.fill(Qt.GlobalColor.transparent)
    fps = view.session.project.fps
    first = max(0, int(view.t0 * fps))
    last = min(len(values), int(view.t_of(view.width()) * fps) + 2)
    if last <= first:
        return pixmap
    step = max(1, int((last - first) / max(view.width(), 1)))
    frames = np.arange(first, last, step)
    zero = view.y_of(i, float(np.clip(0.0, lane.vmin, lane.vmax))) - top
    xs = view.x_of(frames / fps)
    ys = view.y_of(i, np.clip(values[frames], lane.vmin, lane.vmax)) - top  # arithmetic: works on arrays
    points = [QPointF(x, y) for x, y in zip(xs.tolist(), ys.tolist())]
    fill = QColor(BASE_COLOUR)
    fill.setAlpha(55)
    p = QPainter(pixmap)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(fill)
    p.drawPolygon(QPolygonF([QPointF(points[0].x(), zero), *points, QPointF(points[-1].x(), zero)]))
    p.setPen(QPen(BASE_COLOUR, 1.2))
    p.drawPolyline(QPolygonF(points))
    p.end()
    return pixmap


def _paint_curve(view: TimelineView, p: QPainter, i: int) -> None:
    """The keyed curve, evaluated per pixel column, as the composer will use it."""
    curve = lane_target(view.session.project.tracks, view.lanes[i].name)
    xs = np.arange(HEADER_W, view.width(), 2, dtype=np.float64)
    ys = view.y_of(i, curve.evaluate_many(np.asarray(view.t_of(xs), np.float64)))
    p.setPen(QPen(QColor("#7aa2ff"), 1.4))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline(QPolygonF([QPointF(x, y) for x, y in zip(xs.tolist(), ys.tolist())]))


def _paint_key(view: TimelineView, p: QPainter, i: int, key: Item, selected: bool) -> None:
    base = "#ff8a65" if key.lane == "landmarks" else "#e0e0e0"
    colour = QColor("#ffd54a") if selected else QColor("#7f8fa6" if key.generated else base)
    p.setPen(QPen(colour.darker(150), 1))
    p.setBrush(colour)
    c = view.key_pos(i, key)
    if view.lanes[i].events:
        w = max(4.0, key.duration * view.px_per_s)
        h = min(12.0, view.lanes[i].height - 6.0)
        p.drawRoundedRect(QRectF(c.x(), c.y() - h / 2, w, h), 3, 3)
        return
    if key.lane == "landmarks":
        _paint_spans(view, p, c, key.obj, colour)
        p.drawEllipse(c, 4.5, 4.5)
        return
    d = 5.0
    p.drawPolygon(QPolygonF([c + QPointF(0, -d), c + QPointF(d, 0), c + QPointF(0, d), c + QPointF(-d, 0)]))


def _paint_spans(view: TimelineView, p: QPainter, c: QPointF, keyframe, colour: QColor) -> None:  # noqa: ANN001
    """A landmark keyframe's blend: a ramp up over ease_in before it and down over ease_out after."""
    left, right = c.x() - keyframe.ease_in * view.px_per_s, c.x() + keyframe.ease_out * view.px_per_s
    faint = QColor(colour)
    faint.setAlpha(70)
    p.save()
    p.setPen(QPen(colour, 1))
    p.setBrush(faint)
    p.drawPolygon(QPolygonF([QPointF(left, c.y() + 7), QPointF(c.x(), c.y() - 7), QPointF(right, c.y() + 7)]))
    p.restore()
