"""Leave-speakers-out folds over the talking videos.

A model must never be scored on a person it was trained on, so clips are
grouped by *person*, not by file, and a fold holds out whole people. The S2L
trainer and the evaluator both call ``speaker_folds(k)``: train on
``fold.train``, evaluate on ``fold.test``.

``SPEAKERS`` names the person in every clip of ../shared/data/talking. It comes
from the MANIFEST descriptions plus a look at one frame of each clip:
- the eight LipNet/GRID samples are 7 people; ``id2_vcd_swwp2s`` and ``pwij3p``
  show the same grey-haired man (GRID file names do not carry the speaker);
- video-retalking 1, 2 and 4 are three different people;
- the EAMM clip is MEAD speaker M030 (the same man as the silent dreamtalk
  M030 clips, which have no audio and so never enter S2L training).
A clip missing from the table (a user's own folder) is its own person, keyed
by its folder and file stem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# clip key (folder/file under talking/) → person.
SPEAKERS: dict[str, str] = {
    "KwaiVGI__LivePortrait/d20.mp4": "liveportrait_d20_young_man",
    "OpenTalker__video-retalking/1.mp4": "retalking_man_suit",
    "OpenTalker__video-retalking/2.mp4": "retalking_man_map_backdrop",
    "OpenTalker__video-retalking/4.mp4": "retalking_woman_blue",
    "astorfi__lip-reading-deeplearning/sample_video.mp4": "astorfi_elderly_man",
    "bytedance__LatentSync/demo1_video.mp4": "latentsync_woman_outdoors",
    "bytedance__LatentSync/demo2_video.mp4": "latentsync_man_kitchen",
    "jixinya__EAMM/crop_M030_sad_3_001.mp4": "mead_M030",
    "rizkiarm__LipNet/bbaf2n.mpg": "grid_man_denim",
    "rizkiarm__LipNet/brbk7n.mpg": "grid_woman_black_top",
    "rizkiarm__LipNet/id2_vcd_swwp2s.mpg": "grid_grey_haired_man",
    "rizkiarm__LipNet/pwij3p.mpg": "grid_grey_haired_man",
    "rizkiarm__LipNet/lbbc2a.mpg": "grid_woman_pink_top",
    "rizkiarm__LipNet/lrwp9a.mpg": "grid_woman_green_top",
    "rizkiarm__LipNet/lwbsza.mpg": "grid_woman_curly_grey",
    "rizkiarm__LipNet/sbia1a.mpg": "grid_young_man_dark_sweater",
    "tanshuai0219__EDTalk/pose_source2.mp4": "ted_lieu",
    "tanshuai0219__EDTalk/uncrop_Obama.mp4": "barack_obama",
    "yerfor__MimicTalk/German_20s.mp4": "german_news_anchor",
}


@dataclass(frozen=True)
class Fold:
    """One split: nobody in ``test`` appears in ``train``."""

    index: int
    train: tuple[Path, ...]
    test: tuple[Path, ...]
    test_speakers: tuple[str, ...]


def clip_key(path: str | Path) -> str:
    """The table key of a clip: its folder and file name."""
    path = Path(path)
    return f"{path.parent.name}/{path.name}"


def speaker_of(path: str | Path) -> str:
    """The person in a clip (see the module doc for clips not in the table)."""
    key = clip_key(path)
    return SPEAKERS.get(key, f"unknown:{Path(key).with_suffix('')}")


def talking_clips(root: str | Path) -> list[Path]:
    """The clips of the table that exist under ``root`` (../shared/data/talking)."""
    root = Path(root)
    return [root / key for key in sorted(SPEAKERS) if (root / key).is_file()]


def _group_by_speaker(clips: list[Path]) -> dict[str, list[Path]]:
    groups: dict[str, list[Path]] = {}
    for clip in clips:
        groups.setdefault(speaker_of(clip), []).append(clip)
    return groups


def speaker_folds(k: int, clips: list[str | Path] | None = None) -> list[Fold]:
    """Split ``clips`` (default: every clip of the table, as relative keys) into
    k folds of whole people, balanced by clip count and deterministic.

    People are placed largest first into the fold with the fewest clips so far.
    """
    paths = [Path(c) for c in (sorted(SPEAKERS) if clips is None else clips)]
    groups = _group_by_speaker(paths)
    if not 2 <= k <= len(groups):
        raise ValueError(f"k must be between 2 and the number of people ({len(groups)}), got {k}")
    buckets: list[list[str]] = [[] for _ in range(k)]
    sizes = [0] * k
    for speaker in sorted(groups, key=lambda s: (-len(groups[s]), s)):
        target = sizes.index(min(sizes))
        buckets[target].append(speaker)
        sizes[target] += len(groups[speaker])
    return [_fold(i, set(b), paths) for i, b in enumerate(buckets)]


def _fold(index: int, test_speakers: set[str], paths: list[Path]) -> Fold:
    test = tuple(p for p in paths if speaker_of(p) in test_speakers)
    train = tuple(p for p in paths if speaker_of(p) not in test_speakers)
    return Fold(index, train, test, tuple(sorted(test_speakers)))
