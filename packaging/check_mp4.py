"""Check an exported mp4 with nothing but the standard library and an ffmpeg binary.

    python3 packaging/check_mp4.py FFMPEG OUT.mp4 SPEECH.wav [--fps 30]

Passes (exit 0, one line) when the file has an H.264 video stream with frames, an AAC audio
stream, and lasts as long as the speech (within two frames); else exit 1 naming what is off.
packaging/smoke_app.sh runs it with the frozen application's own ffmpeg, so the check needs
no Python environment of the project.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import wave
from dataclasses import dataclass


@dataclass(frozen=True)
class Mp4Facts:
    """What ffmpeg reads from the file."""

    video_codec: str | None
    audio_codec: str | None
    duration_s: float
    frames: int


def probe(ffmpeg: str, path: str) -> Mp4Facts:
    """Streams and duration from ``ffmpeg -i``; frames counted by copying the video stream."""
    header = subprocess.run([ffmpeg, "-hide_banner", "-i", path], capture_output=True, text=True).stderr
    video = re.search(r"Stream #\S+.*?: Video: (\w+)", header)
    audio = re.search(r"Stream #\S+.*?: Audio: (\w+)", header)
    length = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", header)
    duration = 0.0 if length is None else int(length[1]) * 3600 + int(length[2]) * 60 + float(length[3])
    counted = subprocess.run([ffmpeg, "-hide_banner", "-nostats", "-i", path, "-map", "0:v:0", "-c", "copy",
                              "-f", "null", "-"], capture_output=True, text=True).stderr
    frames = re.findall(r"frame=\s*(\d+)", counted)
    return Mp4Facts(video and video[1], audio and audio[1], duration, int(frames[-1]) if frames else 0)


def wav_seconds(path: str) -> float:
    with wave.open(path) as speech:
        return speech.getnframes() / speech.getframerate()


def problems(facts: Mp4Facts, speech_s: float, fps: float) -> list[str]:
    """Everything that is not as an export of ``speech_s`` seconds at ``fps`` should be."""
    found = []
    if facts.video_codec != "h264":
        found.append(f"video stream is {facts.video_codec!r}, not h264")
    if facts.audio_codec != "aac":
        found.append(f"audio stream is {facts.audio_codec!r}, not aac")
    expected = round(speech_s * fps)
    if abs(facts.frames - expected) > 2:
        found.append(f"{facts.frames} frames, expected {expected} ({speech_s:.2f} s at {fps:g} fps)")
    if abs(facts.duration_s - speech_s) > 2 / fps + 0.05:
        found.append(f"lasts {facts.duration_s:.2f} s, the speech {speech_s:.2f} s")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ffmpeg")
    parser.add_argument("mp4")
    parser.add_argument("speech")
    parser.add_argument("--fps", type=float, default=30.0)
    args = parser.parse_args()
    facts = probe(args.ffmpeg, args.mp4)
    found = problems(facts, wav_seconds(args.speech), args.fps)
    if found:
        print(f"FAIL {args.mp4}: " + "; ".join(found))
        return 1
    print(f"OK {args.mp4}: {facts.frames} frames, {facts.duration_s:.2f} s, {facts.video_codec} + {facts.audio_codec}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
