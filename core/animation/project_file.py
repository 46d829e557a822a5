"""Saving and loading project files, schema migrations, and crash-recovery autosave.

A project is one UTF-8 JSON file with ``"schema_version"``; older versions are
upgraded step by step through MIGRATIONS before parsing. Writes are atomic
(temp file in the same folder, fsync, os.replace) so a crash never leaves a
half-written project. Autosaves go to ``<name>.autosave.json`` beside it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.animation.project import Project
from core.animation.project_schema import SCHEMA_VERSION, project_from_json, project_to_json
from core.errors import ProjectFileError

Json = dict[str, Any]

# MIGRATIONS[n] upgrades data of schema n to n + 1. Add an entry (and a fixture
# tests/core/animation/fixtures/project_v<n>.json) whenever the schema changes.
MIGRATIONS: dict[int, Callable[[Json], Json]] = {}

AUTOSAVE_SUFFIX = ".autosave.json"


def save_project(project: Project, path: Path, mark_clean: bool = True) -> None:
    """Write ``project`` to ``path`` atomically; marks the undo stack clean and drops the autosave."""
    path = Path(path)
    data = project_to_json(project, path.parent)
    try:
        _atomic_write_text(path, json.dumps(data, indent=1))
    except OSError as err:
        raise ProjectFileError(f"cannot save project to {path}: {err.strerror or err}") from err
    if mark_clean:
        project.path = path
        project.undo_stack.set_clean()
        remove_autosave(path)


def load_project(path: Path) -> Project:
    """Read a project (any known schema version); ProjectFileError says what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProjectFileError(f"project file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ProjectFileError(f"cannot read project file {path}: {err}") from err
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ProjectFileError(f"{path.name} is not valid JSON (line {err.lineno}): {err.msg}") from err
    project = project_from_data(data, path)
    project.path = path
    return project


def project_from_data(data: Any, path: Path) -> Project:
    """Migrate and parse already-decoded JSON read from ``path`` (used for messages and paths)."""
    if not isinstance(data, dict):
        raise ProjectFileError(f"{path.name} is not a SPACE Studio project (top level is not an object)")
    data = migrate(data, path.name)
    try:
        return project_from_json(data, path.parent)
    except KeyError as err:
        raise ProjectFileError(f"{path.name} is missing the field {err.args[0]!r}") from err
    except (TypeError, ValueError, IndexError) as err:
        raise ProjectFileError(f"{path.name} has an invalid value: {err}") from err


def migrate(data: Json, name: str = "project") -> Json:
    """Upgrade ``data`` to SCHEMA_VERSION through MIGRATIONS."""
    version = data.get("schema_version")
    if not isinstance(version, int):
        raise ProjectFileError(f"{name} has no integer schema_version; is it a SPACE Studio project?")
    if version > SCHEMA_VERSION:
        raise ProjectFileError(
            f"{name} uses schema version {version}; this SPACE Studio reads up to {SCHEMA_VERSION} — please update"
        )
    while version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise ProjectFileError(f"{name} uses schema version {version}, which can no longer be read")
        data = MIGRATIONS[version](dict(data))
        version += 1
        data["schema_version"] = version
    return data


# --- autosave ------------------------------------------------------------------
def autosave_path(path: Path) -> Path:
    """``song.space.json`` → ``song.space.autosave.json`` (beside the project)."""
    path = Path(path)
    stem = path.name[: -len(".json")] if path.name.endswith(".json") else path.name
    return path.with_name(stem + AUTOSAVE_SUFFIX)


def write_autosave(project: Project, path: Path) -> Path:
    """Save a recovery copy for the project saved at ``path``; the undo state is untouched."""
    target = autosave_path(path)
    data = project_to_json(project, Path(path).parent)  # paths relative to the real file's folder
    try:
        _atomic_write_text(target, json.dumps(data, indent=1))
    except OSError as err:
        raise ProjectFileError(f"cannot write autosave {target}: {err.strerror or err}") from err
    return target


def find_autosave(path: Path) -> Path | None:
    """The autosave of ``path`` if it exists and is newer than the project (or the project is gone)."""
    candidate = autosave_path(path)
    if not candidate.exists():
        return None
    if Path(path).exists() and candidate.stat().st_mtime_ns <= Path(path).stat().st_mtime_ns:
        return None
    return candidate


def load_autosave(path: Path) -> Project:
    """Recover from the autosave of ``path``: the project reads as unsaved (not clean)."""
    target = autosave_path(path)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ProjectFileError(f"cannot read autosave {target.name}: {err}") from err
    project = project_from_data(data, Path(path))  # media relative to the project's folder
    project.path = Path(path)
    project.undo_stack.set_dirty()  # recovered edits are not on disk yet
    return project


def remove_autosave(path: Path) -> None:
    """Delete the autosave of ``path`` (after a save or when the user discards recovery)."""
    autosave_path(path).unlink(missing_ok=True)


def _atomic_write_text(path: Path, text: str) -> None:
    """Write via a temp file in the same folder, fsync, then os.replace."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
