"""The Curves dock (pyqtgraph): lip opening, gaze, head pose and emotion as curves with draggable keys.

The generated motion (head pose from PoseGen or a video, lip opening from the speech model)
is drawn faintly under the user's keys, so a key shows what it adds to. The lip opening's
keys are a gain on the model's opening (``core.animation.lip_opening``): its generated
opening is drawn so that 1 is where the model's wide-open frames reach, and the opening the
keys make (generated × gain) is drawn over it. Every edit goes through the same core
commands as the timeline (``app.timeline_items``): a key drag is one undo step (a macro
opened when the drag starts, closed when it finishes, like pyqtgraph's TargetItem
sigPositionChanged / sigPositionChangeFinished pair). While a key is dragged only its own
channel is redrawn, and the generated curves are set again only when they change.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGraphicsItem, QHBoxLayout, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from app.base_motion import LIP_OPENNESS, base_values
from app.studio_session import StudioSession
from app.timeline_items import Item, add_command, edit_command, items, lane_target, noun, remove_command
from app.timeline_lanes import Lane, standard_lanes
from core.animation.easing import EASINGS

COLOURS = ("#7aa2ff", "#ff8a65", "#81c784", "#ffd54f", "#ba68c8", "#4dd0e1", "#f06292", "#aed581")
SELECTED = "#ffd54a"
DEFAULT_CHANNELS = (LIP_OPENNESS,)


def curve_lanes() -> list[Lane]:
    """The channels the editor offers: every valued lane (lip opening, gaze, emotion, head)."""
    return [lane for lane in standard_lanes() if lane.valued]


CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


def _cache_still_items(plot: pg.PlotWidget) -> None:
    """Axes (with their grid, which spans the whole plot), and the legend, drawn once into a pixmap
    and blitted: a key drag repaints the plot on every move, and replaying their pictures cost
    most of that repaint (benchmarks/bench_preview.py). They are drawn again when the view changes."""
    item = plot.getPlotItem()
    for name in ("bottom", "left", "top", "right"):
        item.getAxis(name).setCacheMode(CACHED)
    if item.legend is not None:
        item.legend.setCacheMode(CACHED)


class KeyPoints(pg.ScatterPlotItem):
    """One channel's keys; dragging a key moves it in time and value (one undo step per drag)."""

    def __init__(self, editor: CurveEditor, lane: Lane) -> None:
        super().__init__(size=11, pen=pg.mkPen("#111", width=1), hoverable=True, hoverSize=14)
        self.editor, self.lane = editor, lane
        self.setZValue(10)

    def key_under(self, pos) -> Item | None:  # noqa: ANN001 - QPointF in data coordinates
        points = self.pointsAt(pos)
        return points[0].data() if len(points) else None

    def mouseClickEvent(self, ev) -> None:  # noqa: ANN001 - pyqtgraph MouseClickEvent
        key = self.key_under(ev.pos()) if ev.button() == Qt.MouseButton.LeftButton else None
        if key is None:
            ev.ignore()
            return
        add = ev.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
        self.editor.session.select(([*self.editor.session.selection] if add else []) + [key])
        ev.accept()

    def mouseDragEvent(self, ev) -> None:  # noqa: ANN001 - pyqtgraph MouseDragEvent
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        if ev.isStart():
            key = self.key_under(ev.buttonDownPos())
            if key is None:
                ev.ignore()
                return
            self.editor.begin_drag(self.lane, key)
        elif self.editor.dragging is None:
            ev.ignore()
            return
        # the key keeps its place under the pointer: moved by how far the pointer moved, no jump on grab
        grabbed, now = ev.buttonDownPos(), ev.pos()
        origin = self.editor.dragging["origin"]
        self.editor.drag_to(origin.time + float(now.x() - grabbed.x()), origin.value + float(now.y() - grabbed.y()))
        if ev.isFinish():
            self.editor.end_drag()
        ev.accept()


class CurveEditor(QWidget):
    """Channel list on the left, the curves on the right; F frames the selection, A the whole line."""

    def __init__(self, session: StudioSession) -> None:
        super().__init__()
        self.session = session
        self.lanes = {lane.name: lane for lane in curve_lanes()}
        self.dragging: dict | None = None
        self.plot = pg.PlotWidget(background="#1e1e22")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "time", units="s")
        self.plot.addLegend(offset=(8, 8), labelTextColor="#ddd")
        _cache_still_items(self.plot)
        self.plot.viewport().installEventFilter(self)  # double-click on the plot: a new key
        self.playhead = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen("#ff5252", width=2))
        self.playhead.sigPositionChanged.connect(self._playhead_dragged)
        self.plot.addItem(self.playhead)
        self.channels = self._channel_list()
        self.easing = QComboBox()
        self.easing.addItems(list(EASINGS))
        self.easing.setToolTip("Easing of the segment that starts at the selected key")
        self.easing.activated.connect(lambda _i: self.set_easing(self.easing.currentText()))
        self._items: dict[str, tuple[pg.PlotDataItem, pg.PlotDataItem, KeyPoints]] = {}
        self._results: dict[str, pg.PlotDataItem] = {}  # lips: generated opening × the keys' gain
        self._base_shown: dict[str, np.ndarray] = {}  # the generated arrays drawn now (set again when replaced)
        self._build_layout()
        for sig in (session.project_changed, session.media_changed, session.selection_changed):
            sig.connect(self.refresh)
        session.frame_changed.connect(self._frame_changed)
        session.media_changed.connect(self.frame_all)  # new speech: the whole new line
        self.show_channels(DEFAULT_CHANNELS)
        self.frame_all()

    # --- layout ------------------------------------------------------------------------
    def _channel_list(self) -> QListWidget:
        channels = QListWidget()
        channels.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for lane in self.lanes.values():
            item = QListWidgetItem(lane.label)
            item.setData(Qt.ItemDataRole.UserRole, lane.name)
            channels.addItem(item)
        channels.setFixedWidth(channels.sizeHintForColumn(0) + 2 * channels.frameWidth() + 6)
        channels.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        channels.itemSelectionChanged.connect(self._channels_chosen)
        return channels

    def _build_layout(self) -> None:
        frame_all = QPushButton("Frame All (A)")
        frame_all.clicked.connect(self.frame_all)
        frame_sel = QPushButton("Frame Selection (F)")
        frame_sel.clicked.connect(self.frame_selection)
        bar = QHBoxLayout()
        for widget in (frame_all, frame_sel, self.easing):
            bar.addWidget(widget)
        bar.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(bar)
        right.addWidget(self.plot, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.channels)
        layout.addLayout(right, 1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A / F: frame the whole line / the selection; Delete: the selected keys (keys the plot does not use)."""
        action = {Qt.Key.Key_A: self.frame_all, Qt.Key.Key_F: self.frame_selection, Qt.Key.Key_Delete: self.delete_selected,
                  Qt.Key.Key_Backspace: self.delete_selected}.get(Qt.Key(event.key()))
        if action is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        action()

    def shown(self) -> list[str]:
        """The channels drawn now, in list order."""
        return [name for name in self.lanes if name in self._items]

    def show_channels(self, names: tuple[str, ...] | list[str]) -> None:
        """Draw exactly ``names`` (selecting them in the channel list)."""
        self.channels.blockSignals(True)
        for row in range(self.channels.count()):
            item = self.channels.item(row)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) in names)
        self.channels.blockSignals(False)
        self._channels_chosen()

    def _channels_chosen(self) -> None:
        wanted = [i.data(Qt.ItemDataRole.UserRole) for i in self.channels.selectedItems()]
        for name in [n for n in self._items if n not in wanted]:
            for graphics in (*self._items.pop(name), *filter(None, [self._results.pop(name, None)])):
                self.plot.removeItem(graphics)
            self._base_shown.pop(name, None)
        for name in wanted:
            if name not in self._items:
                self._items[name] = self._add_channel(self.lanes[name])
        self.refresh()

    def _add_channel(self, lane: Lane) -> tuple[pg.PlotDataItem, pg.PlotDataItem, KeyPoints]:
        colour = pg.mkColor(COLOURS[list(self.lanes).index(lane.name) % len(COLOURS)])
        faint = pg.mkColor(colour)
        faint.setAlpha(90)
        base = pg.PlotDataItem(pen=pg.mkPen(faint, width=1.5, style=Qt.PenStyle.DashLine),
                               fillLevel=0.0, fillBrush=pg.mkBrush(faint.red(), faint.green(), faint.blue(), 30),
                               name=f"{lane.label} · generated")
        gain = lane.name == LIP_OPENNESS
        style = Qt.PenStyle.DotLine if gain else Qt.PenStyle.SolidLine
        curve = pg.PlotDataItem(pen=pg.mkPen(colour, width=2, style=style),
                                name=f"{lane.label} · keys (× generated)" if gain else lane.label)
        keys = KeyPoints(self, lane)
        for graphics in (base, curve, keys):
            self.plot.addItem(graphics)
        base.curve.setCacheMode(CACHED)  # the generated motion stays put while keys move
        if gain:  # what the keys make of the generated opening
            result = pg.PlotDataItem(pen=pg.mkPen(colour, width=2), name=f"{lane.label} · result")
            result.setZValue(5)
            self.plot.addItem(result)
            self._results[lane.name] = result
        return base, curve, keys

    # --- drawing -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw the shown channels from the project; while a key is dragged, only its channel."""
        if self.dragging is not None and self.dragging["lane"].name in self._items:
            self._draw_channel(self.dragging["lane"].name, list(self.session.selection), with_base=False)
            return
        selected = list(self.session.selection)  # items may hold unhashable core values
        for name in self._items:
            self._draw_channel(name, selected)
        self._sync_easing()
        self._frame_changed(self.session.frame)

    def _times(self) -> np.ndarray:
        project = self.session.project
        return np.arange(max(project.frame_count, 1)) / project.fps

    def _draw_channel(self, name: str, selected: list[Item], with_base: bool = True) -> None:
        """One channel: its generated motion (unless a key drag, which cannot change it, is under way;
        and only when it is a new array), curve, keys and, for the lips, the result."""
        base, curve, keys = self._items[name]
        times = self._times()
        generated = base_values(self.session, name) if with_base else self._base_shown.get(name)
        if generated is None:
            if self._base_shown.pop(name, None) is not None:
                base.clear()
        elif self._base_shown.get(name) is not generated:  # the lips' opening is cached upstream
            self._base_shown[name] = generated
            base.setData(times[:len(generated)], generated[:len(times)])
        target = lane_target(self.session.project.tracks, name)
        values = target.evaluate_many(times)
        if len(target):
            curve.setData(times, values)
        else:
            curve.clear()
        if name in self._results:
            self._draw_result(name, generated, times, values)
        keyed = items(self.session.project.tracks, name)
        colour = curve.opts["pen"].color()
        keys.setData(x=[k.time for k in keyed], y=[k.value for k in keyed], data=keyed,
                     brush=[pg.mkBrush(SELECTED if k in selected else colour) for k in keyed])

    def _draw_result(self, name: str, generated: np.ndarray | None, times: np.ndarray, gains: np.ndarray) -> None:
        """The lips the keys make: the generated opening times the gain (nothing to draw without keys or motion)."""
        result = self._results[name]
        if generated is None or not len(lane_target(self.session.project.tracks, name)):
            result.clear()
            return
        n = min(len(generated), len(times))
        result.setData(times[:n], generated[:n] * np.clip(gains[:n], 0.0, self.lanes[name].vmax))

    def _sync_easing(self) -> None:
        chosen = [i for i in self.session.selection if i.lane in self.lanes]
        self.easing.setEnabled(bool(chosen))
        if chosen:
            self.easing.setCurrentText(getattr(chosen[0].obj, "easing", "linear"))

    def _frame_changed(self, frame: int) -> None:
        self.playhead.blockSignals(True)
        self.playhead.setValue(frame / self.session.project.fps)
        self.playhead.blockSignals(False)

    def _playhead_dragged(self) -> None:
        self.session.set_frame(int(round(self.playhead.value() * self.session.project.fps)))

    # --- framing -----------------------------------------------------------------------
    def frame_all(self) -> None:
        """The whole line, and every shown value (keys, curves, generated motion)."""
        values = [v for name in self.shown() for v in self._values(name)]
        self._frame(0.0, self.session.project.duration, values)

    def frame_selection(self) -> None:
        """The selected keys of the shown channels (the whole line when none is selected)."""
        chosen = [i for i in self.session.selection if i.lane in self.shown()]
        if not chosen:
            self.frame_all()
            return
        times = [i.time for i in chosen]
        pad = max(0.25, 0.1 * (max(times) - min(times)))
        self._frame(min(times) - pad, max(times) + pad, [i.value for i in chosen])

    def _values(self, name: str) -> list[float]:
        lane = self.lanes[name]
        # small ranges (gaze, emotion, lips) show whole; the head shows its motion and at least ±5°
        out = [lane.vmin, lane.vmax] if lane.vmax - lane.vmin <= 2.0 else [-5.0, 5.0]
        generated = base_values(self.session, name)
        if generated is not None and len(generated):
            out += [float(np.min(generated)), float(np.max(generated))]
        if lane.keyed:
            out += [k.value for k in items(self.session.project.tracks, name)]
        return out

    def _frame(self, t0: float, t1: float, values: list[float]) -> None:
        lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
        if hi - lo < 0.2:
            lo, hi = lo - 0.1, hi + 0.1
        self.plot.getViewBox().setRange(xRange=(t0, t1), yRange=(lo, hi), padding=0.06)

    # --- edits -------------------------------------------------------------------------
    def begin_drag(self, lane: Lane, key: Item) -> None:
        """A key drag starts: everything until ``end_drag`` is one undo step."""
        self.session.undo_stack.begin_macro(f"Move {noun(lane.name)}")
        self.dragging = {"lane": lane, "key": key, "origin": key}
        self.session.select([key])

    def drag_to(self, t: float, value: float) -> None:
        """Move the dragged key to (t, value), snapped to a frame and clamped to the lane's range."""
        lane, key = self.dragging["lane"], self.dragging["key"]
        fps = self.session.project.fps
        time = float(np.clip(round(t * fps), 0, self.session.project.frame_count - 1) / fps)
        value = float(np.clip(value, lane.vmin, lane.vmax))
        changes = {"time": time, "value": value}
        if abs(time - key.time) < 1e-9:
            changes.pop("time")
        if abs(value - key.value) < 1e-12:
            changes.pop("value")
        if not changes:
            return
        try:
            command, moved = edit_command(self.session.project.tracks, key, "Move", **changes)
        except ValueError:  # another key sits at that frame: keep the time, follow the value
            command, moved = edit_command(self.session.project.tracks, key, "Move", value=value)
        self.session.push(command)
        self.dragging["key"] = moved

    def end_drag(self) -> None:
        if self.dragging is None:
            return
        moved = self.dragging["key"]
        self.dragging = None
        self.session.undo_stack.end_macro()
        self.session.select([moved])

    def delete_selected(self) -> None:
        """Remove the selected keys of the curves (one undo step)."""
        chosen = [i for i in self.session.selection if i.lane in self.lanes and self.lanes[i.lane].valued]
        if chosen:
            self.session.push(remove_command(self.session.project.tracks, chosen))
            self.session.select([])

    def set_easing(self, easing: str) -> None:
        """Give every selected key of a curve ``easing`` (one undo step)."""
        chosen = [i for i in self.session.selection if i.lane in self.lanes and self.lanes[i.lane].valued]
        if not chosen:
            return
        updated = []
        with self.session.undo_stack.macro("Set Easing"):
            for item in chosen:
                command, new = edit_command(self.session.project.tracks, item, "Set Easing", easing=easing)
                self.session.push(command)
                updated.append(new)
        self.session.select(updated)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Double-click on the plot away from a key: a key on the first shown keyed channel there."""
        if watched is self.plot.viewport() and event.type() == QEvent.Type.MouseButtonDblClick:
            point = self.plot.getViewBox().mapSceneToView(self.plot.mapToScene(event.position().toPoint()))
            keyed = [n for n in self.shown() if self.lanes[n].keyed]
            on_key = any(self._items[n][2].key_under(point) is not None for n in keyed)
            if keyed and not on_key and event.button() == Qt.MouseButton.LeftButton:
                self.add_key(keyed[0], float(point.x()), float(point.y()))
                return True
        return super().eventFilter(watched, event)

    def add_key(self, name: str, t: float, value: float) -> Item | None:
        """Add a key to channel ``name`` at the frame nearest ``t`` (one undo step)."""
        lane, fps = self.lanes[name], self.session.project.fps
        time = float(np.clip(round(t * fps), 0, self.session.project.frame_count - 1) / fps)
        try:
            command, item = add_command(self.session.project.tracks, name, time, float(np.clip(value, lane.vmin, lane.vmax)))
        except ValueError:
            return None
        self.session.push(command)
        self.session.select([item])
        return item
