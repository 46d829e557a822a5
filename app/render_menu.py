"""The Render menu: the project's render style (renderer, mouth set, background), as on the command line.

The choices are project settings (``Project.render``), changed by an undoable command, so
the preview, the studio's export and ``space-studio render-project`` all draw the same frames.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QAction, QActionGroup, QColor
from PySide6.QtWidgets import QColorDialog, QFileDialog, QMainWindow, QMenu, QMessageBox

from app.studio_session import StudioSession
from core.animation.commands import SetRenderSettings
from core.animation.project import RenderSettings
from core.errors import SpaceStudioError

# (project value, menu text): the command line's --renderer choices
RENDER_STYLES = (("auto", "Auto"), ("warp", "Mesh Warp"), ("drawn", "Drawn"), ("neural", "Learned (photos)"))
TIPS = {
    "auto": "The learned renderer for photos and paintings, the drawn style for drawings",
    "warp": "Moves the portrait's pixels with the face mesh (always real time)",
    "drawn": "Mouth and eyelids redrawn in the drawing's own lines (shown when paused; "
             "while playing too when the computer keeps up)",
    "neural": "The mesh warp refined by the learned renderer (shown when paused)",
}


class RenderMenu:
    """Builds the menu in ``window`` and keeps its check marks in step with the project."""

    def __init__(self, window: QMainWindow, session: StudioSession) -> None:
        self.window, self.session = window, session
        self.menu: QMenu = window.menuBar().addMenu("&Render")
        self.style_actions: dict[str, QAction] = {}
        group = QActionGroup(self.menu)
        group.setExclusive(True)
        for key, text in RENDER_STYLES:
            action = QAction(text, self.menu, checkable=True)
            action.setToolTip(TIPS[key])
            action.triggered.connect(lambda _checked=False, key=key: self.choose_renderer(key))
            group.addAction(action)
            self.menu.addAction(action)
            self.style_actions[key] = action
        self.menu.setToolTipsVisible(True)
        self.menu.addSeparator()
        self.mouth_set_action = self.menu.addAction("Mouth Set…", self._ask_mouth_set)
        self.no_mouth_set_action = self.menu.addAction("No Mouth Set", lambda: self.choose_mouth_set(None))
        self.menu.addSeparator()
        self.background_action = self.menu.addAction("Background…", self._ask_background)
        self.transparent_action = self.menu.addAction("Transparent Background", lambda: self.choose_background(None))
        session.project_changed.connect(self.sync)
        session.history_changed.connect(self.sync)
        self.sync()

    @property
    def render(self) -> RenderSettings:
        return self.session.project.render

    # --- choices (the dialogs end here; tests call these directly) -----------------------
    def choose_renderer(self, renderer: str) -> None:
        """Auto / Mesh Warp / Drawn / Learned. Warp and Learned draw no sprites: the mouth set stays
        in the project, unused, until Auto or Drawn is chosen again."""
        self._set(replace(self.render, renderer=renderer))

    def choose_mouth_set(self, folder: Path | None) -> bool:
        """Use the sprite mouths in ``folder`` (checked now: a bad folder is refused with its reason);
        they are drawn by the drawn style, so Warp and Learned switch to Drawn. None: no mouth set."""
        render = self.render
        if folder is None:
            self._set(replace(render, mouth_set=None))
            return True
        from core.render.sprite_mouths import load_mouth_set

        try:
            load_mouth_set(folder)
        except SpaceStudioError as err:
            QMessageBox.warning(self.window, "Mouth Set", str(err))
            return False
        renderer = render.renderer if render.renderer in ("auto", "drawn") else "drawn"
        self._set(RenderSettings(renderer, Path(folder).absolute(), render.background))
        return True

    def choose_background(self, colour: str | None) -> None:
        """``#RRGGBB`` behind a transparent portrait (exports; mp4 defaults to grey), or None."""
        self._set(replace(self.render, background=colour))

    def _set(self, render: RenderSettings) -> None:
        if render != self.render:
            self.session.push(SetRenderSettings(self.session.project, render))
        self.sync()

    # --- dialogs ---------------------------------------------------------------------------
    def _ask_mouth_set(self) -> None:
        project_folder = self.session.path.parent if self.session.path else Path.cwd()
        start = self.render.mouth_set or project_folder
        folder = QFileDialog.getExistingDirectory(self.window, "Mouth Set (sprites A–H and X)", str(start))
        if folder:
            self.choose_mouth_set(Path(folder))

    def _ask_background(self) -> None:
        current = self.render.background
        initial = QColor(current) if isinstance(current, str) else QColor("#808080")
        colour = QColorDialog.getColor(initial, self.window, "Background behind a transparent portrait")
        if colour.isValid():
            self.choose_background(colour.name())  # "#rrggbb"

    # --- view --------------------------------------------------------------------------------
    def sync(self) -> None:
        """Check marks and labels from the project (after a choice, an undo, or another project)."""
        render = self.render
        self.style_actions[render.renderer].setChecked(True)
        mouth_set = render.mouth_set
        self.mouth_set_action.setText(f"Mouth Set: {mouth_set.name}…" if mouth_set else "Mouth Set…")
        self.no_mouth_set_action.setEnabled(mouth_set is not None)
        background = render.background
        name = background if isinstance(background, str) else Path(background).name if background else None
        self.background_action.setText(f"Background: {name}…" if name else "Background…")
        self.transparent_action.setEnabled(background is not None)
