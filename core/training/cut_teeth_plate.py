"""Cut the renderer's teeth plate from one filmed frame: ``python -m core.training.cut_teeth_plate``.

The plate (core.render.teeth_plate) is real teeth, sampled in lip coordinates from one
frame of a clip in ../shared/data where the mouth is open, frontal and shows both rows
of teeth with the dark of the mouth between them. The frame's landmarks come from the
same face tracker the training uses (core.landmarks.video_face_track, cached).

Writes ``OUT`` (RGBA PNG: the upper layer above the lower one), ``OUT`` with .json (the
clip, frame, licence from MANIFEST.tsv, the filmed skin brightness, this command) and a
sha256 sidecar for each: the renderer refuses either file if its bytes change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

from core.errors import SpaceStudioError
from core.export.atomic_output import atomic_file, write_text_atomic
from core.render.teeth_plate import DEFAULT_TEETH_PLATE, LipFrame, cut_plate
from core.training.clip_licences import manifest_licences
from core.weights_file import write_sha256_sidecar


def filmed_frame(video: Path, frame: int) -> tuple[np.ndarray, np.ndarray]:
    """(H×W×3 RGB image, 98×2 tracked landmarks) of track frame ``frame`` of ``video``."""
    from core.landmarks.video_face_track import load_or_extract
    from core.training.renderer_dataset import read_frames, track_rigs

    track = load_or_extract(video)
    if not 0 <= frame < len(track):
        raise SpaceStudioError(f"{video.name} has {len(track)} tracked frames; frame {frame} is not one of them")
    index = int(track.frame_indices[frame])
    image = read_frames(video, {index}).get(index)
    if image is None:
        raise SpaceStudioError(f"frame {index} of {video} cannot be read")
    return image, track_rigs(track)[frame]


def write_plate(plate: np.ndarray, record: dict, out: Path) -> None:
    """The plate PNG and its .json record, each with a sha256 sidecar, written atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(out) as temp:
        ok, encoded = cv2.imencode(".png", cv2.cvtColor(plate, cv2.COLOR_RGBA2BGRA))
        if not ok:
            raise SpaceStudioError(f"cannot encode the teeth plate for {out}")
        temp.write_bytes(encoded.tobytes())
    write_sha256_sidecar(out)
    record_path = out.with_suffix(".json")
    write_text_atomic(record_path, json.dumps(record, indent=2) + "\n")
    write_sha256_sidecar(record_path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (MANIFEST.tsv)")
    parser.add_argument("--video", required=True, help="the clip, relative to --data (e.g. faces_silent/X/d10.mp4)")
    parser.add_argument("--frame", type=int, required=True, help="tracked frame index of the open mouth")
    parser.add_argument("--out", type=Path, default=DEFAULT_TEETH_PLATE)
    args = parser.parse_args(argv)
    video = args.data / args.video
    image, rig = filmed_frame(video, args.frame)
    plate = cut_plate(image, rig)
    record = {
        "clip": args.video,
        "frame": args.frame,
        "licence": manifest_licences(args.data).get(args.video, "not in MANIFEST.tsv"),
        "interocular_px": round(LipFrame.of(rig).unit, 2),
        "command": "python -m core.training.cut_teeth_plate " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    write_plate(plate, record, args.out)
    print(f"wrote {args.out} ({record['clip']} frame {args.frame}, {record['licence']}); "
          f"covered share {float((plate[..., 3] > 127).mean()):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
