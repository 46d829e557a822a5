"""Check an output path before any work: not an input, folder there and writable, room on disk.

A command that takes minutes of inference must not find out at the end that it
cannot write, and must never overwrite what it was given to read (``--out p.png``
for the portrait). ``check_output`` also removes our own stale partial files in the
folder (see ``atomic_output.remove_stale_partials``) so killed runs leave nothing.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from core.errors import OutputError
from core.export.atomic_output import remove_stale_partials, write_error
from core.input_limits import SYSTEM_FOLDERS, is_system_path

# Below this much free space nothing useful can be written (a motion JSON of a minute is ~2 MB).
MIN_FREE_BYTES = 8 * 1024 * 1024
# Rough bytes per frame of each output kind, for the free-space estimate.
JSON_BYTES_PER_FRAME = 1_500
PNG_BYTES_PER_PIXEL = 1.5
MP4_BYTES_PER_PIXEL = 0.05
# Names are limited to 255 bytes; the temporary name adds a dot, our PID and ~25 characters.
MAX_NAME_BYTES = 200
_FRAME_FILE = re.compile(r"^frame_\d{5,}\.png$")


def estimated_bytes(fmt: str, frames: int, size: tuple[int, int] | None) -> int:
    """A generous guess of the output's size (0 when unknown); formats other than png and mp4
    are per-frame text (motion JSON, rig curves)."""
    if fmt not in ("png", "mp4"):
        return frames * JSON_BYTES_PER_FRAME
    if size is None:
        return 0
    per_pixel = PNG_BYTES_PER_PIXEL if fmt == "png" else MP4_BYTES_PER_PIXEL
    return int(frames * size[0] * size[1] * per_pixel)


def frame_size_guess(image: str | os.PathLike | None, longer_side: int | None) -> tuple[int, int] | None:
    """An upper bound of a rendered frame's size: ``longer_side`` squared, else the image
    header's longer side (at most 2048) squared; None when unknown."""
    from core.image_io import image_dimensions

    if longer_side:
        return longer_side, longer_side
    try:
        declared = image_dimensions(image) if image is not None else None
    except Exception:  # noqa: BLE001 - a bad image is reported by the loader with a better message
        declared = None
    side = min(max(declared), 2048) if declared else None
    return (side, side) if side else None


def _same_file(a: Path, b: Path) -> bool:
    """``a`` and ``b`` are one file: same resolved path, or the same inode (hard link)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _check_not_an_input(out: Path, fmt: str, inputs: Iterable[Path]) -> None:
    real_out = Path(os.path.realpath(out))
    for given in inputs:
        if _same_file(out, given):
            raise OutputError(f"the output {out} is the input {given}; choose another output name")
        if fmt == "png" and Path(os.path.realpath(given)).is_relative_to(real_out):
            raise OutputError(f"the output folder {out} contains the input {given}; choose a new folder")


def _check_shape(out: Path, fmt: str) -> None:
    """A file output must not be a folder; a PNG folder output must hold only earlier frames."""
    if fmt != "png":
        if out.is_dir():
            raise OutputError(f"the output {out} is a folder; give a file name ending in .{fmt}")
        if out.exists() and not out.is_file():
            raise OutputError(f"the output {out} is a device or pipe; give a file name ending in .{fmt}")
        return
    if out.exists() and not out.is_dir():
        raise OutputError(f"the output {out} is a file; PNG frames go into a folder")
    check_frame_folder(out)


def check_frame_folder(folder: Path) -> None:
    """OutputError when ``folder`` exists holding anything but earlier frames: a PNG export
    replaces the whole folder, and must never take a user's other files with it."""
    if not folder.is_dir():
        return
    others = [entry.name for entry in folder.iterdir() if not _FRAME_FILE.match(entry.name)]
    if others:
        raise OutputError(f"the output folder {folder} holds other files ({others[0][:60]}, {len(others)} in all); "
                          "the export replaces the whole folder, so choose a new or empty one")


def _check_writable(out: Path, folder: Path) -> None:
    """Create and delete a probe file: the only test that sees read-only mounts and ACLs."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".space-studio-probe.{os.getpid()}.", dir=folder)
        os.close(handle)
        os.unlink(name)
    except OSError as err:
        if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            raise write_error(out, err) from err
        raise OutputError(f"cannot write {out}: cannot write to the output folder {folder} "
                          f"({err.strerror or err})") from err


def check_free_space(folder: Path, needed: int) -> None:
    """OutputError when ``folder``'s disk has less than ``needed`` (and MIN_FREE_BYTES) free."""
    needed = max(needed, MIN_FREE_BYTES)
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # no way to tell: the atomic writer still reports a full disk cleanly
    if free < needed:
        raise OutputError(f"not enough free space in {folder}: {free / 1e6:.0f} MB free, about "
                          f"{needed / 1e6:.0f} MB needed")


def check_output(out: str | os.PathLike, fmt: str, inputs: Iterable[str | os.PathLike | None],
                 needed_bytes: int = 0) -> Path:
    """Everything about ``out`` that can be known before the work; returns its folder.

    ``inputs`` are every file the command reads (None entries are skipped)."""
    out = Path(out)
    try:
        return _check_output(out, fmt, inputs, needed_bytes)
    except OSError as err:  # e.g. a name too long to stat
        raise OutputError(f"cannot write {out}: {err.strerror or err}") from err


def _check_output(out: Path, fmt: str, inputs: Iterable[str | os.PathLike | None], needed_bytes: int) -> Path:
    folder = out.absolute().parent
    if len(out.name.encode("utf-8", "replace")) > MAX_NAME_BYTES:
        raise OutputError(f"the output name is {len(out.name.encode('utf-8', 'replace'))} bytes long; "
                          f"at most {MAX_NAME_BYTES} (with our temporary suffix it must fit the file system's 255)")
    if is_system_path(out):
        raise OutputError(f"cannot write {out}: outputs never go to {', '.join(SYSTEM_FOLDERS)}")
    if not folder.is_dir():
        raise OutputError(f"the output folder {folder} does not exist")
    _check_not_an_input(out, fmt, [Path(p) for p in inputs if p is not None])
    _check_shape(out, fmt)
    _check_writable(out, folder)
    remove_stale_partials(folder)
    check_free_space(folder, needed_bytes)
    return folder
