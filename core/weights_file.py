"""Shipped weights are checked against the sha256 recorded beside them before they load.

Each weights file has a ``NAME.sha256`` sidecar (written by its trainer) or a line in the
folder's MODEL_CARD.md naming the file and its sha256. A file with no record, or whose
bytes differ, is refused: it is corrupt, truncated, or not the model the card describes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.errors import ModelWeightsError
from core.export.atomic_output import write_text_atomic
from core.input_limits import InputLimitError, one_line, read_text_limited


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes (read in blocks: a large file never sits in memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_sha256_sidecar(path: Path) -> str:
    """Record ``path``'s sha256 in ``NAME.sha256`` beside it; returns the digest."""
    path = Path(path)
    digest = sha256_of(path)
    write_text_atomic(path.with_name(path.name + ".sha256"), f"{digest}  {path.name}\n")
    return digest


def recorded_sha256(path: Path) -> str | None:
    """The sha256 recorded for ``path`` (sidecar first, then the model card), if any."""
    path = Path(path)
    sidecar = path.with_name(path.name + ".sha256")
    if sidecar.is_file():
        try:
            words = read_text_limited(sidecar, 4096).split()
        except (OSError, UnicodeDecodeError, InputLimitError):
            return None  # not a sidecar we wrote: treated as no record
        return words[0].lower() if words and re.fullmatch(r"[0-9a-fA-F]{64}", words[0]) else None
    card = path.with_name("MODEL_CARD.md")
    if card.is_file():
        found = re.search(rf"{re.escape(path.name)}\W+sha256\W+([0-9a-f]{{64}})", card.read_text(encoding="utf-8"))
        return found.group(1) if found else None
    return None


def verify_sha256(path: Path, what: str = "Model weights") -> None:
    """Raise ModelWeightsError unless ``path`` matches its recorded sha256."""
    path = Path(path)
    expected = recorded_sha256(path)
    if expected is None:
        raise ModelWeightsError(f"{what} {path.name} have no recorded checksum (.sha256 sidecar or MODEL_CARD.md)")
    actual = sha256_of(path)
    if actual != expected:
        raise ModelWeightsError(
            f"Checksum mismatch for {what} {path.name}: the file is corrupt or was replaced "
            f"(sha256 {actual[:12]} ≠ {expected[:12]})"
        )


def load_checked_model(path: Path, what: str, train_hint: str, build: Callable[[dict], Any],
                       state_key: str = "state_dict") -> tuple[Any, dict]:
    """(module, checkpoint) of a torch checkpoint whose sha256 matches its record.

    ``build(checkpoint)`` makes the empty module from the checkpoint's config; its
    weights are then loaded from ``checkpoint[state_key]``. Missing files, checksum
    mismatches and weights of another shape all raise ModelWeightsError naming ``what``;
    ``weights_only=True`` means a checkpoint can never run code."""
    import torch

    path = Path(path)
    if not path.is_file():
        raise ModelWeightsError(f"{what} not found: {path} ({train_hint})")
    verify_sha256(path, what)
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 - EOFError, UnpicklingError, zip errors...: all mean one thing
        # Never relay torch's text: for a checkpoint with other objects it advises loading
        # with weights_only=False, which would let the file run code.
        raise ModelWeightsError(
            f"{what} {path.name} cannot be read: the file is empty, truncated or not a checkpoint "
            f"of plain tensors ({type(err).__name__})"
        ) from None
    if not isinstance(checkpoint, dict) or state_key not in checkpoint:
        raise ModelWeightsError(f"{what} {path.name} is not a SPACE Studio checkpoint (no {state_key!r} in it)")
    try:
        module = build(checkpoint)
        module.load_state_dict(checkpoint[state_key])
    except Exception as err:  # noqa: BLE001 - a wrong config or tensor shape in any form
        raise ModelWeightsError(one_line(f"{what} at {path} do not match the model: {type(err).__name__}: {err}")) from err
    return module, checkpoint
