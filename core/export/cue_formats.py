"""Mouth cues written in Rhubarb Lip Sync 1.x's four export formats, byte for byte in
layout, so every Rhubarb integration (After Effects, Spine, Godot, Unity, OpenToonz,
Moho, Blender...) reads them unchanged.

- ``tsv``: one ``start<TAB>shape`` line per cue, then a last line at the end of the
  recording with the closed mouth (X, or A when X is not in the shape set);
- ``xml``: ``<rhubarbResult>`` with ``<metadata><soundFile>`` (absolute path) and
  ``<duration>``, then ``<mouthCues>`` of ``<mouthCue start=".." end="..">B</mouthCue>``;
- ``json``: ``{"metadata": {"soundFile", "duration"}, "mouthCues": [{"start", "end",
  "value"}]}``;
- ``dat``: Moho/OpenToonz switch data: ``MohoSwitch1`` then ``frame shape`` lines,
  frames counted from 1 at ``dat_frame_rate`` (24–100, default 24), optionally with
  Preston Blair names (MBP, etc, E, AI, O, U, FV, L, rest).

Times are seconds with two decimals, as Rhubarb writes them (its clock ticks in
centiseconds). Checked field by field against Rhubarb's README and exporters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from html import escape

from core.errors import OutputError
from core.export.mouth_cues import MouthCue, to_shape_set

CUE_FORMATS = ("tsv", "json", "xml", "dat")
PRESTON_BLAIR = {"A": "MBP", "B": "etc", "C": "E", "D": "AI", "E": "O", "F": "U", "G": "FV", "H": "L", "X": "rest"}
DAT_FRAME_RATES = (24.0, 100.0)  # Rhubarb refuses others: fewer drop shapes, more is pointless


@dataclass(frozen=True)
class CueDocument:
    """What every format needs: the cues, the sound file, its duration, the shape set."""

    cues: Sequence[MouthCue]
    sound_file: Path
    duration: float
    shapes: str
    dat_frame_rate: float = 24.0
    dat_preston_blair: bool = False


def _seconds(value: float) -> str:
    return f"{value:.2f}"


def _closed(document: CueDocument) -> str:
    return to_shape_set("X", document.shapes)


def _end(document: CueDocument) -> float:
    return document.cues[-1].end if document.cues else int(document.duration * 100) / 100


def to_tsv(document: CueDocument) -> str:
    """Rhubarb's TSV: start times and shapes, then the end with a closed mouth."""
    lines = [f"{_seconds(c.start)}\t{c.shape}" for c in document.cues]
    lines.append(f"{_seconds(_end(document))}\t{_closed(document)}")
    return "\n".join(lines) + "\n"


def _cues_or_dummy(document: CueDocument) -> list[MouthCue]:
    """Rhubarb writes one zero-length closed cue when there is none."""
    return list(document.cues) or [MouthCue(0.0, 0.0, _closed(document))]


def to_json(document: CueDocument) -> str:
    """Rhubarb's JSON, laid out as Rhubarb lays it out."""
    cues = ",\n".join(
        f'    {{ "start": {_seconds(c.start)}, "end": {_seconds(c.end)}, "value": "{c.shape}" }}'
        for c in _cues_or_dummy(document))
    sound = json.dumps(str(Path(document.sound_file).absolute()), ensure_ascii=False)
    return ("{\n  \"metadata\": {\n" f"    \"soundFile\": {sound},\n"
            f"    \"duration\": {_seconds(int(document.duration * 100 + 1e-6) / 100)}\n  }},\n"
            f"  \"mouthCues\": [\n{cues}\n  ]\n}}\n")


def to_xml(document: CueDocument) -> str:
    """Rhubarb's XML (boost property_tree layout, two-space indent)."""
    cues = "\n".join(
        f'    <mouthCue start="{_seconds(c.start)}" end="{_seconds(c.end)}">{c.shape}</mouthCue>'
        for c in _cues_or_dummy(document))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rhubarbResult>\n  <metadata>\n'
            f"    <soundFile>{escape(str(Path(document.sound_file).absolute()), quote=False)}</soundFile>\n"
            f"    <duration>{_seconds(int(document.duration * 100 + 1e-6) / 100)}</duration>\n"
            f"  </metadata>\n  <mouthCues>\n{cues}\n  </mouthCues>\n</rhubarbResult>\n")


def check_dat_frame_rate(rate: float) -> float:
    """The dat frame rate, refused outside 24-100 fps as Rhubarb refuses it."""
    if not DAT_FRAME_RATES[0] <= rate <= DAT_FRAME_RATES[1]:
        raise OutputError(f"--dat-frame-rate must be between 24 and 100 fps, got {rate:g}.")
    return rate


def to_dat(document: CueDocument) -> str:
    """Moho switch data: a cue's first frame and shape, frames from 1; a closed mouth last."""
    rate = check_dat_frame_rate(document.dat_frame_rate)

    def name(shape: str) -> str:
        return PRESTON_BLAIR[shape] if document.dat_preston_blair else shape

    def frame(seconds: float) -> int:
        return 1 + int(rate * seconds + 1e-9)

    lines, last = ["MohoSwitch1"], 0
    for cue in document.cues:
        number = frame(cue.start)
        if number != last:
            lines.append(f"{number} {name(cue.shape)}")
            last = number
    number = frame(_end(document))
    lines.append(f"{number + 1 if number == last else number} {name(_closed(document))}")
    return "\n".join(lines) + "\n"


WRITERS = {"tsv": to_tsv, "json": to_json, "xml": to_xml, "dat": to_dat}


def format_cues(document: CueDocument, fmt: str) -> str:
    """The cues as text in one of CUE_FORMATS."""
    if fmt not in WRITERS:
        raise OutputError(f"Unknown cue format '{fmt}'; use one of {', '.join(CUE_FORMATS)}.")
    return WRITERS[fmt](document)


def cue_format_of(path: Path | None, explicit: str | None) -> str:
    """--format, else the output's extension (.tsv .txt .json .xml .dat), else tsv (Rhubarb's default)."""
    if explicit:
        return explicit
    suffix = path.suffix.lower().lstrip(".") if path is not None else ""
    return {"txt": "tsv", "tsv": "tsv", "json": "json", "xml": "xml", "dat": "dat"}.get(suffix, "tsv")


def write_cues(path: Path, document: CueDocument, fmt: str) -> Path:
    """Write the cues atomically (UTF-8, '\\n' line ends)."""
    from core.export.atomic_output import atomic_file

    text = format_cues(document, fmt)
    with atomic_file(path) as temp:
        temp.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)
