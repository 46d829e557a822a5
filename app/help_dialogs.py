"""Help menu dialogs: the keyboard shortcut sheet (read from the window's own actions) and About."""

from __future__ import annotations

from importlib import metadata

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QMainWindow, QMessageBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

# Gestures that are not menu actions (mouse and widget keys), shown after the menus' shortcuts.
GESTURES = (
    ("Timeline", "Double-click a lane", "Add a key; on a value lane the click height sets the value"),
    ("Timeline", "Drag a key / box-drag", "Move keys (one undo step) / select keys"),
    ("Timeline", "Click a group title", "Fold or open the group (Lips, Eyes, Emotion, Head, Landmarks)"),
    ("Timeline", "Drag a lane's lower edge (labels)", "Resize the lane"),
    ("Timeline", "Ctrl+Wheel / Shift+Wheel", "Zoom / pan time (Wheel scrolls the lanes)"),
    ("Timeline", "Double-click the ruler", "Fit the whole line"),
    ("Timeline", "Delete, Ctrl+C, Ctrl+V", "Delete, copy, paste keys at the playhead"),
    ("Curves", "A / F / Delete", "Frame the whole line / the selected keys / delete them"),
    ("Curves", "Drag a key, double-click the plot", "Move a key (one undo step) / add a key"),
    ("Canvas", "Drag a landmark / Wheel / right-drag", "Key the landmark / zoom / pan"),
)


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(where, keys, what) for every menu action that has a shortcut, then the gestures."""
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        where = menu_action.text().replace("&", "")
        for action in _actions(menu.actions()):
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            if keys:
                rows.append((where, keys, action.text().replace("&", "")))
    return rows + list(GESTURES)


def _actions(actions: list[QAction]) -> list[QAction]:
    out = []
    for action in actions:
        out += _actions(action.menu().actions()) if action.menu() is not None else [action]
    return out


class ShortcutSheet(QDialog):
    """A table of every shortcut and gesture."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard Shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Where", "Keys", "Does"])
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 560)


def about_text() -> str:
    try:
        version = metadata.version("space-studio")
    except metadata.PackageNotFoundError:
        version = "development"
    return (f"<b>SPACE Studio</b> {version}<br>Makes a portrait talk: speech → landmarks → a warped portrait."
            "<br>Models and their training data: see weights/*/MODEL_CARD.md.")


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, "About SPACE Studio", about_text())
