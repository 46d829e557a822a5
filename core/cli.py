"""The ``space-studio`` subcommands. argparse lives here and nowhere else in core."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.errors import Cancelled, SpaceStudioError
from core.progress import Progress, TextProgressBar

SUBCOMMANDS = ("render", "motion", "landmarks", "render-project", "evaluate", "train")
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _add_generation_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--image", required=True, type=Path, help="portrait image (photo, painting, cartoon)")
    p.add_argument("--audio", required=True, type=Path, help="speech: wav, mp3, flac, ogg, m4a/aac")
    p.add_argument("--landmarks", type=Path, help="landmark JSON for the portrait (skips detection)")
    p.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    p.add_argument("--blinks-per-minute", type=float, default=15.0, help="blink rate (default 15)")
    p.add_argument("--seed", type=int, default=0, help="seed for blinks and generated pose")
    p.add_argument(
        "--pose",
        nargs="+",
        default=["still"],
        metavar="MODE",
        help="head pose: still | generate | from-video REF.mp4 (default still)",
    )
    p.add_argument("--pose-amplitude", type=float, default=1.0, help="scale of generated pose")
    p.add_argument(
        "--emotion",
        action="append",
        default=[],
        metavar="NAME=INTENSITY[@START-END]",
        help="emotion mix, repeatable, e.g. happy=0.7 or angry=1@2.5-4 (seconds)",
    )
    p.add_argument("--model", type=Path, help="speech-to-landmarks weights (default: shipped)")
    p.add_argument("--transcript", type=Path, metavar="LINE.txt",
                   help="text file with the line's English words: exact phone timing by forced alignment")


def build_parser() -> argparse.ArgumentParser:
    """The full command-line grammar."""
    parser = argparse.ArgumentParser(
        prog="space-studio",
        description="Make a portrait talk. Without a subcommand the studio window opens.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    render = sub.add_parser("render", help="portrait + speech → video, PNG frames or motion JSON")
    _add_generation_options(render)
    render.add_argument("--out", required=True, type=Path, help="output .mp4, folder of PNGs, or .json")
    render.add_argument("--format", choices=["mp4", "png", "json"], help="default: from --out")
    render.add_argument("--size", type=int, help="output size of the longer side in pixels (≤ 2048)")

    motion = sub.add_parser("motion", help="per-frame landmarks (JSON) without rendering")
    _add_generation_options(motion)
    motion.add_argument("--out", required=True, type=Path, help="output .json")

    landmarks = sub.add_parser("landmarks", help="detect a portrait's landmarks to a JSON you can edit")
    landmarks.add_argument("--image", required=True, type=Path)
    landmarks.add_argument("--out", required=True, type=Path)

    project = sub.add_parser("render-project", help="render a saved studio project")
    project.add_argument("project", type=Path)
    project.add_argument("--out", required=True, type=Path)
    project.add_argument("--format", choices=["mp4", "png", "json"])
    project.add_argument("--size", type=int)

    evaluate = sub.add_parser("evaluate", help="lip-sync metrics against real talking videos")
    evaluate.add_argument("paths", nargs="+", type=Path, help="videos or folders of videos")
    evaluate.add_argument("--model", type=Path, help="speech-to-landmarks weights to score")
    evaluate.add_argument("--report", type=Path, help="write a markdown report with plots here")

    train = sub.add_parser("train", help="train a model (see weights/*/MODEL_CARD.md)")
    train.add_argument("model", choices=["s2l", "s2l-crossval", "posegen", "emotion", "phone-labels", "phones", "apc"])
    train.add_argument("args", nargs=argparse.REMAINDER, help="passed to the trainer (--help for its options)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    bar = TextProgressBar()
    progress = Progress(callback=bar)
    try:
        return _dispatch(args, progress)
    except Cancelled:
        bar.close()
        print("space-studio: cancelled; nothing was written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        bar.close()
        print("space-studio: interrupted; nothing was written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SpaceStudioError as err:
        bar.close()
        print(f"space-studio: error: {err}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        bar.close()


def _dispatch(args: argparse.Namespace, progress: Progress) -> int:
    # Imported here so `space-studio --help` stays instant (torch loads lazily).
    from core import cli_commands

    handlers = {
        "render": cli_commands.render,
        "motion": cli_commands.motion,
        "landmarks": cli_commands.landmarks,
        "render-project": cli_commands.render_project,
        "evaluate": cli_commands.evaluate,
        "train": cli_commands.train,
    }
    return handlers[args.command](args, progress)


if __name__ == "__main__":
    sys.exit(main())
