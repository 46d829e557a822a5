"""Outputs that appear whole or not at all.

Everything is written under a temporary name in the destination folder (same
filesystem, so the final rename is atomic) and renamed into place only when the
writer finishes; on any failure or cancel the temporary is deleted. A folder
that cannot be written raises OutputError naming the path; a full disk says so.

Temporary names carry the writing process's id (``.NAME.PID.XXXXXXXX.partial.EXT``),
so a process killed mid-write (kill -9, power loss) leaves leftovers that the next
writer into the same folder recognises and removes (``remove_stale_partials``),
while a live export's partial is never touched.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import OutputError

# A live writer touches its partial continuously; one untouched this long belongs to no one.
STALE_AFTER_S = 3600.0
_PARTIAL = re.compile(r"^\.(?P<name>.+?)\.(?:(?P<pid>\d+)\.)?[a-z0-9_]{8}\.partial(?:\.[^.]*)?$")
_OLD_FOLDER = re.compile(r"^\.(?P<name>.+)\.old-(?P<pid>\d+)$")
_DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


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
    prefix = f".{target.name}.{os.getpid()}."
    try:
        if kind == "dir":
            temp = Path(tempfile.mkdtemp(prefix=prefix, suffix=".partial", dir=folder))
            temp.chmod(0o777 & ~_umask())
            return temp
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=f".partial{target.suffix}", dir=folder)
        os.close(handle)
        # mkstemp makes private (0600) files; the finished output gets the user's usual mode.
        Path(name).chmod(0o666 & ~_umask())
        return Path(name)
    except OSError as err:
        if err.errno in _DISK_FULL:
            raise OutputError(f"disk full while writing {target}") from err
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
    if target.exists() and not target.is_file():
        # A rename onto /dev/null (as root) would replace the device with our file.
        raise OutputError(f"output path is a device or pipe, not a file: {target}")
    return _temp_name(target, "file")


def commit_file(temp: Path, target: str | os.PathLike) -> None:
    """Atomically move a finished temporary file onto ``target``."""
    try:
        os.replace(temp, target)
    except OSError as err:
        _remove(temp)
        raise write_error(target, err) from err


def write_error(target: str | os.PathLike, err: OSError) -> OutputError:
    """The one-line OutputError for an OS error while writing ``target`` (disk full named as such)."""
    if err.errno in _DISK_FULL:
        return OutputError(f"disk full while writing {target}")
    return OutputError(f"cannot write {target}: {err.strerror or err}")


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (on Windows, where signal 0 would kill it, assume it does)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by another user
    return True


def _is_stale(entry: Path, pid: str | None, now: float) -> bool:
    try:
        idle = now - entry.lstat().st_mtime
    except OSError:
        return False
    if pid is not None and not _process_alive(int(pid)):
        return True
    return idle > STALE_AFTER_S


def remove_stale_partials(folder: str | os.PathLike) -> list[Path]:
    """Delete our leftovers in ``folder`` (partials of dead writers, or untouched for an hour).

    Only names this module makes are considered; a previous output folder set aside by a
    writer killed mid-swap is put back when nothing replaced it. Returns what was removed."""
    folder, now, removed = Path(folder), time.time(), []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        old = _OLD_FOLDER.match(entry.name)
        match = _PARTIAL.match(entry.name) or old
        if match is None or not _is_stale(entry, match.groupdict().get("pid"), now):
            continue
        target = folder / match.group("name")
        if old is not None and not target.exists():
            # Killed mid-swap: this is the user's previous result, put it back.
            os.replace(entry, target)
            continue
        _remove(entry)
        removed.append(entry)
    return removed


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


def write_text_atomic(target: str | os.PathLike, text: str) -> None:
    """``target`` holds ``text`` (UTF-8) whole, flushed to disk before the rename, or keeps
    what it held: project files, autosaves, sha256 records and metrics all save this way."""
    with atomic_file(target) as temp, open(temp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


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
        raise write_error(target, err) from err
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
