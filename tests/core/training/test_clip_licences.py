"""Which clips a commercial S2L recipe learns from (core.training.clip_licences)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import SpaceStudioError
from core.training.clip_licences import clip_licences, commercial_use_ok, restricted_speakers
from core.training.s2l_dataset import speaker_of, talking_videos

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not (SHARED / "MANIFEST.tsv").is_file(), reason="needs ../shared/data")


def _manifest(folder: Path, rows: list[tuple[str, str]]) -> Path:
    lines = ["path\tkind\tsource\tlicense"] + [f"talking/{p}\tA_video\tsomewhere\t{lic}" for p, lic in rows]
    (folder / "MANIFEST.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for path, _ in rows:
        (folder / "talking" / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / "talking" / path).write_bytes(b"")
    return folder


def test_research_and_non_commercial_terms_are_not_commercial() -> None:
    assert commercial_use_ok("MIT") and commercial_use_ok(" Apache-2.0 ")
    assert commercial_use_ok("MIT (repo); CREMA-D data ODbL 1.0 / DbCL 1.0")
    for licence in ("CC-BY-NC-SA-4.0 (repo); MEAD dataset terms", "MIT (repo); LRS2 clips (BBC, research-only terms)",
                    "CC-BY-4.0 (repo LICENSE; clip from VoxCeleb2)", "no LICENSE file (VidTIMIT corpus research terms)",
                    "Apache-2.0 (Tencent; 3rd-party exceptions)", ""):
        assert not commercial_use_ok(licence), licence


def test_a_person_with_any_restricted_clip_is_held_out(tmp_path: Path) -> None:
    data = _manifest(tmp_path, [("a/one.mp4", "MIT"), ("b/two.mp4", "CC-BY-NC-SA-4.0 (repo); MEAD dataset terms")])
    (data / "talking" / "c").mkdir()
    unlisted = data / "talking" / "c" / "three.mp4"
    unlisted.write_bytes(b"")
    videos = sorted((data / "talking").rglob("*.mp4"))
    assert clip_licences(data) == {"a/one.mp4": "MIT", "b/two.mp4": "CC-BY-NC-SA-4.0 (repo); MEAD dataset terms"}
    held_out = restricted_speakers(data, videos)
    assert speaker_of(videos[1]) in held_out and speaker_of(unlisted) in held_out  # unlisted: not cleared
    assert speaker_of(videos[0]) not in held_out


def test_a_missing_manifest_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpaceStudioError, match="MANIFEST.tsv"):
        clip_licences(tmp_path)


@needs_data
def test_the_shared_data_splits_into_commercial_and_held_out_people() -> None:
    videos = talking_videos(SHARED)
    held_out = set(restricted_speakers(SHARED, videos))
    kept = [v for v in videos if speaker_of(v) not in held_out]
    licences = clip_licences(SHARED)
    assert kept and held_out
    assert all(commercial_use_ok(licences[v.relative_to(SHARED / "talking").as_posix()]) for v in kept)
    assert not any("MEAD" in licences[v.relative_to(SHARED / "talking").as_posix()] for v in kept)
