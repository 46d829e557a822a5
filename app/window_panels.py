"""The studio window's docks (Timeline, Curves, Inspector) and the menu entries that bring them back.

Layout: the Inspector takes the whole right edge; under the canvas the Timeline and the Curves
share the bottom, side by side. A closed dock returns through View ▸ Panels (its toggleViewAction).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QScrollArea, QWidget

TIMELINE_SHARE = 0.62  # of the bottom's width; the curve editor gets the rest
BOTTOM_SHARE = 0.46  # of the window's height for the timeline and curves


def dock(window: QMainWindow, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    panel = QDockWidget(title, window, objectName=name)
    panel.setWidget(widget)
    window.addDockWidget(area, panel)
    return panel


def build_docks(window: QMainWindow, timeline: QWidget, curves: QWidget, inspector: QWidget) -> dict[str, QDockWidget]:
    """Add the three docks; returns them by name."""
    window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
    window.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
    scroll = QScrollArea()  # a short screen scrolls the inspector instead of squeezing the canvas
    scroll.setWidget(inspector)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumWidth(inspector.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4)
    docks = {"timeline": dock(window, "Timeline", "timeline", timeline, Qt.DockWidgetArea.BottomDockWidgetArea),
             "curves": dock(window, "Curves", "curves", curves, Qt.DockWidgetArea.BottomDockWidgetArea),
             "inspector": dock(window, "Inspector", "inspector", scroll, Qt.DockWidgetArea.RightDockWidgetArea)}
    window.splitDockWidget(docks["timeline"], docks["curves"], Qt.Orientation.Horizontal)
    return docks


def size_docks(window: QMainWindow, docks: dict[str, QDockWidget]) -> None:
    """Give the bottom docks their share of the window (call after resizing the window)."""
    bottom = int(window.height() * BOTTOM_SHARE)
    width = window.width() - docks["inspector"].width()
    window.resizeDocks([docks["timeline"]], [bottom], Qt.Orientation.Vertical)
    window.resizeDocks([docks["timeline"], docks["curves"]],
                       [int(width * TIMELINE_SHARE), int(width * (1 - TIMELINE_SHARE))], Qt.Orientation.Horizontal)


def add_panel_actions(menu: QMenu, docks: dict[str, QDockWidget]) -> None:
    """View ▸ Panels: a checkable entry per dock; checking it reopens a closed dock."""
    panels = menu.addMenu("Panels")
    for panel in docks.values():
        panels.addAction(panel.toggleViewAction())
