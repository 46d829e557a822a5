"""Outputs that appear whole or not at all.

Everything is written under a temporary name in the destination folder (same
filesystem, so the final rename is atomic) and renamed into place only when the
writer finishes; on any failure or cancel the temporary is deleted. A folder
that cannot be written raises OutputError naming the path.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import OutputError


def _umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temp_name(target: Path, kind: str) -> Path:
    """A fresh hidden name next to ``target`` (raises OutputError if the folder is not writable)."""
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"output folder does not exist: {folder}")
    try:
        if kind == "dir":
            temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=folder))
            temp.chmod(0o777 & ~_umask())
            return temp
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".partial{target.suffix}", dir=folder)
        os.close(handle)
        # mkstemp makes private (0600) files; the finished output gets the user's usual mode.
        Path(name).chmod(0o666 & ~_umask())
        return Path(name)
    except OSError as err:
        raise OutputError(f"cannot write {target.name}: folder {folder} is not writable ({err.strerror or err})") from err


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def reserve_file(target: str | os.PathLike) -> Path:
    """An empty temporary file next to ``target``; finish with ``commit_file`` or ``discard``."""
    target = Path(target)
    if target.is_dir():
        raise OutputError(f"output path is a folder, not a file: {target}")
    return _temp_name(target, "file")


def commit_file(temp: Path, target: str | os.PathLike) -> None:
    """Atomically move a finished temporary file onto ``target``."""
    try:
        os.replace(temp, target)
    except OSError as err:
        _remove(temp)
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err


def discard(temp: Path) -> None:
    """Delete a temporary file or folder (missing is fine)."""
    _remove(temp)


@contextmanager
def atomic_file(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary file path that becomes ``target`` when the block succeeds."""
    temp = reserve_file(target)
    with _removed_on_failure(temp, target):
        yield temp
    commit_file(temp, target)


@contextmanager
def atomic_directory(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``target`` (an existing folder is swapped out) on success."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise OutputError(f"output path is a file, not a folder: {target}")
    temp = _temp_name(target, "dir")
    with _removed_on_failure(temp, target):
        yield temp
        _swap_in(temp, target)


@contextmanager
def _removed_on_failure(temp: Path, target: str | os.PathLike) -> Iterator[None]:
    """Delete ``temp`` if the block fails; OS errors become an OutputError naming ``target``."""
    try:
        yield
    except OSError as err:
        _remove(temp)
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err
    except BaseException:
        _remove(temp)
        raise


def _swap_in(new: Path, target: Path) -> None:
    """Rename ``new`` to ``target``; a previous ``target`` folder is removed only after."""
    if not target.exists():
        os.replace(new, target)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        os.replace(old, target)  # put the previous result back
        raise
    shutil.rmtree(old, ignore_errors=True)
