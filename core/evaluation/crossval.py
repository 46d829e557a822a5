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
  M030 clips, which have no audio and so never enter S2L training), as is
  spectre's MEAD_M030 angry clip;
- of the 61 clips added for issue 13, the two Lily Aldridge VoxCeleb2 clips, the two
  Andrew Ng and three Fei-Fei Li styletalk clips, the two halves of the Wav2Lip demo,
  the two MEAD M003 clips and the six CREMA-D actor 1001 clips are one person each.
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
    # The 61 clips added for issue 13 (MANIFEST.tsv descriptions; same person → same name).
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Audio_Source_00086.mp4": "voxceleb_jamie_oliver",
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Audio_Source_00373.mp4": "voxceleb_amy_adams",
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Audio_Source_681100216.mp4": "voxceleb_neil_patrick_harris",
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Input_00002.mp4": "voxceleb_lily_aldridge",
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Input_00010.mp4": "voxceleb_matt_damon",
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Input_00098.mp4": "voxceleb_david_beckham",
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Mouth_Source_681600002.mp4": "voxceleb_681600002",
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Pose_Source_00473.mp4": "voxceleb_patrick_stewart",
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Pose_Source_517600055.mp4": "voxceleb_lily_aldridge",
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Pose_Source_620900105.mp4": "voxceleb_mo_farah",
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Pose_Source_731200067.mp4": "voxceleb_bearded_man",
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Pose_Source_796100172.mp4": "voxceleb_young_dark_haired_man",
    "JOY-MM__JoyGen/example_15s.mp4": "joygen_mandarin_vlogger",
    "OpenTalker__SadTalker/RD_Radio2_000.mp4": "hdtf_rd_radio2_woman",
    "OpenTalker__SadTalker/RD_Radio34_000.mp4": "hdtf_elizabeth_warren",
    "OpenTalker__SadTalker/WDA_BobMenendez_000.mp4": "hdtf_bob_menendez",
    "OpenTalker__SadTalker/WDA_EdMarkey0_000.mp4": "hdtf_ed_markey",
    "ajay-sainy__Wav2Lip-GFPGAN/kim_7s_raw.mp4": "rhea_seehorn",
    "sibozhang__Text2Video/fadgo_sa1.mp4": "vidtimit_fadg0",
    # The nine LRS2 demo clips look like nine different men (not verified beyond one frame each).
    "smeetrs__deep_avsr/video_demo_00001.mp4": "lrs2_00001_bald_older_man",
    "smeetrs__deep_avsr/video_demo_00002.mp4": "lrs2_00002_grey_haired_man",
    "smeetrs__deep_avsr/video_demo_00004.mp4": "lrs2_00004_man_glasses",
    "smeetrs__deep_avsr/video_demo_00008.mp4": "lrs2_00008_man_dark_clothes",
    "smeetrs__deep_avsr/video_demo_00009.mp4": "lrs2_00009_young_man",
    "smeetrs__deep_avsr/video_demo_00016.mp4": "lrs2_00016_man_plaid_shirt",
    "smeetrs__deep_avsr/video_demo_00019.mp4": "lrs2_00019_older_man",
    "smeetrs__deep_avsr/video_demo_00022.mp4": "lrs2_00022_man_bow_tie",
    "smeetrs__deep_avsr/video_demo_00024.mp4": "lrs2_00024_man_glasses_beard",
    "sstzal__DFRF/cnn2_25fps.mp4": "cnn_anchor",
    "sstzal__DFRF/french.mp4": "emmanuel_macron",
    "FuxiVirtualHuman__styletalk/KristiNoem.mp4": "kristi_noem",
    "FuxiVirtualHuman__styletalk/andrew_clip_1.mp4": "andrew_ng",
    "FuxiVirtualHuman__styletalk/andrew_clip_2.mp4": "andrew_ng",
    "FuxiVirtualHuman__styletalk/feifeili_clip1.mp4": "fei_fei_li",
    "FuxiVirtualHuman__styletalk/feifeili_clip2_short.mp4": "fei_fei_li",
    "FuxiVirtualHuman__styletalk/feifeili_clip3.mp4": "fei_fei_li",
    "FuxiVirtualHuman__styletalk/reagan_clip1.mp4": "ronald_reagan",
    "Rudrabha__Wav2Lip/test_seg1_0-10.55s.mp4": "wav2lip_presenter",
    "Rudrabha__Wav2Lip/test_seg2_14.6s-end.mp4": "wav2lip_presenter",
    "filby89__spectre/MEAD_M003_level_1_disgusted_015.mp4": "mead_M003",
    "filby89__spectre/MEAD_M003_level_1_happy_024.mp4": "mead_M003",
    "filby89__spectre/MEAD_M024_level_2_surprised_010.mp4": "mead_M024",
    "filby89__spectre/MEAD_M026_level_3_disgusted_018.mp4": "mead_M026",
    "filby89__spectre/MEAD_M030_level_3_angry_016.mp4": "mead_M030",
    "filby89__spectre/MEAD_W015_level_1_neutral_030.mp4": "mead_W015",
    "filby89__spectre/MEAD_W023_level_2_surprised_010.mp4": "mead_W023",
    "filby89__spectre/MEAD_W036_level_3_happy_007.mp4": "mead_W036",
    "filby89__spectre/MEAD_W040_level_3_happy_029.mp4": "mead_W040",
    "filby89__spectre/LRS3_00002.mp4": "lrs3_woman_hijab",
    "filby89__spectre/LRS3_0Fi83BHQsMA_00002.mp4": "lrs3_0Fi83BHQsMA",
    "filby89__spectre/LRS3_OzA6jRYjVQs_00004.mp4": "lrs3_OzA6jRYjVQs",
    "filby89__spectre/LRS3_PbgB2TaYhio_00007.mp4": "lrs3_PbgB2TaYhio",
    "filby89__spectre/LRS3_QoT0S2vu9m4_00002.mp4": "lrs3_QoT0S2vu9m4",
    "johndpope__VASA-1-hack/celebvhq_-2KGPYEFnsU_11.mp4": "celebvhq_blonde_woman",
    "MeiGen-AI__InfiniteTalk/ref_video.mp4": "infinitetalk_bald_man",
    "Strong-AI-Lab__emotion/cremad_1001_DFA_ANG_XX.mp4": "cremad_1001",
    "Strong-AI-Lab__emotion/cremad_1001_DFA_DIS_XX.mp4": "cremad_1001",
    "Strong-AI-Lab__emotion/cremad_1001_DFA_FEA_XX.mp4": "cremad_1001",
    "Strong-AI-Lab__emotion/cremad_1001_DFA_HAP_XX.mp4": "cremad_1001",
    "Strong-AI-Lab__emotion/cremad_1001_DFA_NEU_XX.mp4": "cremad_1001",
    "Strong-AI-Lab__emotion/cremad_1001_DFA_SAD_XX.mp4": "cremad_1001",
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
