"""Which talking clips a commercial user's weights may learn from, by ../shared/data/MANIFEST.tsv.

The shipped S2L weights learn from every clip, research-only and non-commercial ones included
(their model card says so). A studio that sells what it makes needs weights trained only on
clips whose licence allows commercial use: ``train_s2l --commercial-clips-only`` holds out
every person with any clip outside COMMERCIAL_LICENCES, and scores the model on them.

The list is deliberately narrow: a permissive repository licence (MIT, Apache-2.0) with nothing
in the manifest's licence text that adds research terms (MEAD, LRS2/3, VoxCeleb2 footage from
YouTube, CelebV-HQ, VidTIMIT), third-party exceptions, or a missing LICENSE file; plus the
CREMA-D clips (ODbL 1.0 / DbCL 1.0: commercial use with attribution, the database share-alike).
The footage itself is still a third party's recording; the card says so.
"""

from __future__ import annotations

import csv
from pathlib import Path

from core.errors import SpaceStudioError

# Licence texts of MANIFEST.tsv's "license" column whose clips a commercial recipe may use.
COMMERCIAL_LICENCES = frozenset({
    "MIT",
    "Apache-2.0",
    "MIT (GRID corpus samples)",
    "MIT (repo); CREMA-D data ODbL 1.0 / DbCL 1.0",
})


def manifest_licences(data: Path) -> dict[str, str]:
    """{path under ``data`` (e.g. "faces_silent/folder/file"): its licence text} from ``data``/MANIFEST.tsv."""
    manifest = data / "MANIFEST.tsv"
    try:
        with manifest.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
    except OSError as err:
        raise SpaceStudioError(f"cannot read the data's licences: {manifest}: {err.strerror or err}") from err
    return {row.get("path", ""): row.get("license", "") or "" for row in rows}


def clip_licences(data: Path) -> dict[str, str]:
    """{"folder/file" under talking/: its licence text} from ``data``/MANIFEST.tsv."""
    prefix = "talking/"
    return {path[len(prefix):]: licence for path, licence in manifest_licences(data).items() if path.startswith(prefix)}


def commercial_use_ok(licence: str) -> bool:
    """Whether a clip under this manifest licence text may train commercial weights."""
    return licence.strip() in COMMERCIAL_LICENCES


def restricted_speakers(data: Path, videos: list[Path]) -> tuple[str, ...]:
    """The people (core.training.s2l_dataset.speaker_of) with any of ``videos`` not cleared for
    commercial use, or missing from the manifest: a commercial recipe holds them all out."""
    from core.training.s2l_dataset import speaker_of

    licences = clip_licences(data)
    talking = data / "talking"
    restricted = {speaker_of(v) for v in videos
                  if not commercial_use_ok(licences.get(v.relative_to(talking).as_posix(), ""))}
    return tuple(sorted(restricted))
