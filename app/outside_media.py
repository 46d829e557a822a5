"""Projects that name media outside their own folder open only when the user says so.

A project handed over by someone else must not make the studio read (or later embed in
an export) files the user never chose, such as ``../../.ssh/id_rsa`` or
``/proc/self/environ``. core refuses such a project with ``MediaOutsideProjectError``;
here the user sees the paths and decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from core.animation.project_file import MediaOutsideProjectError

T = TypeVar("T")
SHOWN_PATHS = 8  # a project names at most portrait, speech and a pose video; more is suspicious anyway


def question_text(project_name: str, paths: Sequence[Path]) -> str:
    """The question listing the outside files (the first SHOWN_PATHS of them)."""
    listed = "\n".join(f"  {p}" for p in paths[:SHOWN_PATHS])
    more = f"\n  …and {len(paths) - SHOWN_PATHS} more" if len(paths) > SHOWN_PATHS else ""
    return (f"{project_name} uses files outside its own folder:\n\n{listed}{more}\n\n"
            "Open them anyway? Choose No unless you know where this project came from.")


def allowed_by_user(parent: QWidget | None, project_name: str, paths: Sequence[Path]) -> bool:
    """Ask whether the outside ``paths`` may be opened (No is the default button)."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(parent, "Media outside the project", question_text(project_name, paths),
                                  buttons.Yes | buttons.No, buttons.No)
    return answer == buttons.Yes


def load_asking(parent: QWidget | None, project_name: str, load: Callable[[bool], T]) -> T | None:
    """``load(allow_outside_media)``: first refusing outside media, then, if the user agrees,
    allowing them; None when the user declined."""
    try:
        return load(False)
    except MediaOutsideProjectError as err:
        if not allowed_by_user(parent, project_name, err.paths):
            return None
    return load(True)
