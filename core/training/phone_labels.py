"""Teacher labels for PhoneNet: phones of every speech file, cached on disk.

pocketsphinx ships an acoustic model trained on far more speech than our 90 s of
paired video, but decodes at only ~17× real time, too slow for the pipeline; its
phone loop (``core.audio.phone_recognizer.recognize_phones``) labels the speech
PhoneNet is trained on. Labels are cached per file content as .npz (no pickle)::

    python -m core.training.phone_labels ../shared/data/speech ../shared/data/talking
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np

from core.export.atomic_output import atomic_file
from core.audio.audio_io import load_audio
from core.audio.phone_recognizer import LABEL_FPS, recognize_phones

AUDIO_SUFFIXES = {".wav", ".flac", ".mp3", ".ogg", ".m4a", ".aiff", ".mov", ".mp4", ".mpg"}
CACHE_DIR = Path.home() / ".cache" / "space-studio" / "phones"
CACHE_VERSION = 2


def cached_phone_frames(path: Path, cache_dir: Path = CACHE_DIR) -> np.ndarray:
    """phone_frames of an audio/video file, computed once and cached by content hash."""
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:20]
    cache = Path(cache_dir) / f"{digest}_v{CACHE_VERSION}.npz"
    if cache.exists():
        with np.load(cache, allow_pickle=False) as data:
            return data["labels"]
    labels = recognize_phones(load_audio(path))
    cache.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(cache) as temp, open(temp, "wb") as handle:
        np.savez_compressed(handle, labels=labels)
    return labels


def audio_files(roots: list[Path]) -> list[Path]:
    """Every audio or video file under ``roots``, sorted."""
    return sorted(p for r in roots for p in Path(r).rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES)


def main(argv: list[str] | None = None) -> int:
    """Label (and cache) every file under the given folders, printing one line each."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="folders of speech (audio or video files)")
    args = parser.parse_args(argv)
    start = time.monotonic()
    for path in audio_files(args.folders):
        t0 = time.monotonic()
        try:
            labels = cached_phone_frames(path)
        except Exception as err:  # one unreadable file must not stop a long labelling run
            print(f"SKIP {path}: {err}", flush=True)
            continue
        speech = float(np.mean(labels > 0))
        print(f"{path}\t{len(labels) / LABEL_FPS:.1f}s\tspeech {speech:.2f}\t{time.monotonic() - t0:.1f}s", flush=True)
    print(f"done in {time.monotonic() - start:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
