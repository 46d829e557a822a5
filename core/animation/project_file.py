"""Saving and loading project files, schema migrations, and crash-recovery autosave.

A project is one UTF-8 JSON file with ``"schema_version"``; older versions are
upgraded step by step through MIGRATIONS before parsing. Writes are atomic
(temp file in the same folder, fsync, os.replace) so a crash never leaves a
half-written project. Autosaves go to ``<name>.autosave.json`` beside it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.animation.project import Project
from core.animation.project_schema import SCHEMA_VERSION, project_from_json, project_to_json
from core.errors import OutputError, ProjectFileError
from core.export.atomic_output import remove_stale_partials, write_text_atomic
from core.input_limits import InputLimitError, is_system_path, load_json_text, one_line, read_text_limited

Json = dict[str, Any]


def _v1_to_v2(data: Json) -> Json:
    """Schema 2 adds the mouth-shape lane's overrides; a v1 project has none (the lips follow the model)."""
    tracks = data.get("tracks", {})
    if not isinstance(tracks, dict):
        return data  # malformed: parsing names the problem
    return {**data, "tracks": {**tracks, "mouth_shapes": tracks.get("mouth_shapes", [])}}


def _v2_to_v3(data: Json) -> Json:
    """Schema 3 adds the render settings; a v2 project renders as the command line's defaults did."""
    return {**data, "render": data.get("render", {"renderer": "auto", "mouth_set": None, "background": None})}


def _v3_to_v4(data: Json) -> Json:
    """Schema 4 adds the lip-opening curve; a v3 project has no keys (the lips open as the model made them)."""
    tracks = data.get("tracks", {})
    if not isinstance(tracks, dict):
        return data  # malformed: parsing names the problem
    return {**data, "tracks": {**tracks, "lips": tracks.get("lips", {"curves": {}})}}


# MIGRATIONS[n] upgrades data of schema n to n + 1. Add an entry (and a fixture
# tests/core/animation/fixtures/project_v<n>.json) whenever the schema changes.
MIGRATIONS: dict[int, Callable[[Json], Json]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}

AUTOSAVE_SUFFIX = ".autosave.json"


class MediaOutsideProjectError(ProjectFileError):
    """The project names media outside its own folder; ``paths`` are those files (resolved).

    A shared project must not make us read files the user did not choose. The studio
    asks the user and reloads with ``allow_outside_media=True``; the CLI needs
    ``--allow-outside-media``."""

    def __init__(self, message: str, paths: tuple[Path, ...]) -> None:
        super().__init__(message)
        self.paths = paths


def save_project(project: Project, path: Path, mark_clean: bool = True) -> None:
    """Write ``project`` to ``path`` atomically; marks the undo stack clean and drops the autosave."""
    path = Path(path)
    data = project_to_json(project, path.parent)
    remove_stale_partials(path.parent)  # a save or autosave killed mid-write left its temp file
    try:
        write_text_atomic(path, json.dumps(data, indent=1))
    except OutputError as err:
        raise ProjectFileError(f"cannot save project: {err}") from err
    if mark_clean:
        project.path = path
        project.undo_stack.set_clean()
        remove_autosave(path)


def load_project(path: Path, allow_outside_media: bool = False) -> Project:
    """Read a project (any known schema version); ProjectFileError says what is wrong.

    Media outside the project's folder raise MediaOutsideProjectError unless
    ``allow_outside_media``; media under /proc, /dev or /sys are always refused."""
    path = Path(path)
    try:
        text = read_text_limited(path)
    except FileNotFoundError:
        raise ProjectFileError(f"project file not found: {path}") from None
    except (OSError, UnicodeDecodeError, InputLimitError) as err:
        raise ProjectFileError(one_line(f"cannot read project file {path}: {err}")) from err
    data = _decode(text, path.name)
    project = project_from_data(data, path, allow_outside_media)
    project.path = path
    return project


def _decode(text: str, name: str) -> Any:
    """JSON of a project or autosave, within core.input_limits' bounds."""
    try:
        return load_json_text(text)
    except json.JSONDecodeError as err:
        raise ProjectFileError(f"{name} is not valid JSON (line {err.lineno}): {err.msg}") from err
    except InputLimitError as err:
        raise ProjectFileError(one_line(f"{name} cannot be read: {err}")) from err


def project_from_data(data: Any, path: Path, allow_outside_media: bool = False) -> Project:
    """Migrate and parse already-decoded JSON read from ``path`` (used for messages and paths)."""
    if not isinstance(data, dict):
        raise ProjectFileError(f"{path.name} is not a SPACE Studio project (top level is not an object)")
    data = migrate(data, path.name)
    try:
        project = project_from_json(data, path.parent)
    except KeyError as err:
        raise ProjectFileError(one_line(f"{path.name} is missing the field {str(err.args[0])!r}")) from err
    except (TypeError, ValueError, IndexError, AttributeError, OverflowError) as err:
        raise ProjectFileError(one_line(f"{path.name} has an invalid value: {err}")) from err
    check_media_paths(project, path, allow_outside_media)
    return project


def media_paths(project: Project) -> tuple[Path, ...]:
    """Every file the project would open: portrait, audio, pose reference video, mouth set folder,
    background image."""
    video = project.tracks.pose.source.video_path
    background = project.render.background
    candidates = (project.portrait_path, project.audio_path, Path(video) if video else None,
                  project.render.mouth_set, background if isinstance(background, Path) else None)
    return tuple(Path(p) for p in candidates if p is not None)


def check_media_paths(project: Project, path: Path, allow_outside_media: bool = False) -> None:
    """Refuse system files always, and media outside the project's folder unless allowed."""
    folder = Path(path).parent.resolve()
    resolved = [Path(os.path.realpath(media)) for media in media_paths(project)]
    system = [media for media in resolved if is_system_path(media)]  # never, even when allowed
    if system:
        raise ProjectFileError(one_line(f"{Path(path).name} names the system file {system[0]}, which is never opened"))
    outside = tuple(media for media in resolved if not media.is_relative_to(folder))
    if outside and not allow_outside_media:
        more = f" and {len(outside) - 1} more" if len(outside) > 1 else ""
        raise MediaOutsideProjectError(
            one_line(f"{Path(path).name} uses media outside its folder: {outside[0]}{more} "
                     "(move the media next to the project, or allow outside media)"),
            outside,
        )


def migrate(data: Json, name: str = "project") -> Json:
    """Upgrade ``data`` to SCHEMA_VERSION through MIGRATIONS."""
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
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
        write_text_atomic(target, json.dumps(data, indent=1))
    except OutputError as err:
        raise ProjectFileError(f"cannot write autosave: {err}") from err
    return target


def find_autosave(path: Path) -> Path | None:
    """The autosave of ``path`` if it exists and is newer than the project (or the project is gone)."""
    candidate = autosave_path(path)
    if not candidate.exists():
        return None
    if Path(path).exists() and candidate.stat().st_mtime_ns <= Path(path).stat().st_mtime_ns:
        return None
    return candidate


def load_autosave(path: Path, allow_outside_media: bool = False) -> Project:
    """Recover from the autosave of ``path``: the project reads as unsaved (not clean)."""
    target = autosave_path(path)
    try:
        text = read_text_limited(target)
    except (OSError, UnicodeDecodeError, InputLimitError) as err:
        raise ProjectFileError(one_line(f"cannot read autosave {target.name}: {err}")) from err
    data = _decode(text, target.name)
    project = project_from_data(data, Path(path), allow_outside_media)  # media relative to the project's folder
    project.path = Path(path)
    project.undo_stack.set_dirty()  # recovered edits are not on disk yet
    return project


def remove_autosave(path: Path) -> None:
    """Delete the autosave of ``path`` (after a save or when the user discards recovery)."""
    autosave_path(path).unlink(missing_ok=True)
