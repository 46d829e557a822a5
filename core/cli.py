"""The ``space-studio`` subcommands. argparse lives here and nowhere else in core."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core import defaults
from core.crash_log import crash_message, write_crash_log
from core.errors import Cancelled, SpaceStudioError
from core.input_limits import one_line
from core.progress import Progress, TextProgressBar
from core.weights_location import S2L_MODEL_HELP, s2l_weights

SUBCOMMANDS = ("render", "motion", "landmarks", "render-project", "evaluate", "train", "cues", "batch")
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _add_generation_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--image", required=True, type=Path, help="portrait image (photo, painting, cartoon)")
    p.add_argument("--audio", required=True, type=Path, help="speech: wav, mp3, flac, ogg, m4a/aac")
    p.add_argument("--landmarks", type=Path, help="landmark JSON for the portrait (skips detection)")
    _add_low_confidence_option(p)
    p.add_argument("--fps", type=float, default=defaults.FPS, help=f"frames per second (default {defaults.FPS:g})")
    p.add_argument("--blinks-per-minute", type=float, default=defaults.BLINKS_PER_MINUTE,
                   help=f"blink rate (default {defaults.BLINKS_PER_MINUTE:g}, as in the studio)")
    p.add_argument("--seed", type=int, default=0, help="seed for blinks and generated pose")
    p.add_argument(
        "--pose",
        nargs="+",
        default=[defaults.POSE_MODE],
        metavar="MODE",
        help=f"head pose: still | generate | from-video REF.mp4 (default {defaults.POSE_MODE}, as in the studio)",
    )
    p.add_argument("--pose-amplitude", type=float, default=defaults.POSE_AMPLITUDE, help="scale of generated pose")
    p.add_argument(
        "--emotion",
        action="append",
        default=[],
        metavar="NAME=INTENSITY[@START-END]",
        help="emotion mix, repeatable, e.g. happy=0.7 or angry=1@2.5-4 (seconds)",
    )
    p.add_argument("--model", type=s2l_weights, help=S2L_MODEL_HELP)
    p.add_argument("--transcript", type=Path, metavar="LINE.txt",
                   help="text file with the line's English words: exact phone timing by forced alignment")


def _add_low_confidence_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--accept-low-confidence", action="store_true",
                   help="keep a detected face that fails the plausibility checks (e.g. mouth points on a drawn chin)")


def _add_renderer_option(p: argparse.ArgumentParser) -> None:
    # default None = not given: render-project then uses the project's renderer (auto otherwise)
    p.add_argument("--renderer", choices=["auto", "warp", "neural", "drawn"], default=None,
                   help="auto (default; render-project: the project's Render menu choice): learned renderer for "
                        "photos and paintings, drawn style for drawings; "
                        "warp: mesh warp only; neural: always the learned renderer; "
                        "drawn: mouth and lids redrawn in the drawing's own lines (docs/drawn_style.md)")
    p.add_argument("--mouth-set", type=Path, metavar="DIR",
                   help="folder of sprite mouths A.png-F.png (+ G, H, X) swapped along the mouth-shape track "
                        "(drawn style; e.g. resources/mouth_sets/basic)")
    p.add_argument("--background", metavar="COLOUR|IMAGE",
                   help="what shows behind a transparent portrait: #RRGGBB, R,G,B, a name or an image file "
                        "(mp4 default: #808080; PNG frames keep their alpha unless this is given)")


def _add_cue_options(p: argparse.ArgumentParser) -> None:
    """The options of Rhubarb Lip Sync that apply to our cues (its names, kebab-cased)."""
    p.add_argument("--extended-shapes", "--extendedShapes", default="GHX", metavar="GHX",
                   help="extended mouth shapes to use besides A-F (default GHX; \"\" for only A-F)")
    p.add_argument("--dat-frame-rate", "--datFrameRate", type=float, default=24.0,
                   help="frame rate of the dat format (24-100)")
    p.add_argument("--dat-use-preston-blair", "--datUsePrestonBlair", action="store_true",
                   help="dat format: Preston Blair shape names (MBP, etc, E, AI, O, U, FV, L, rest)")


def _add_handoff_parsers(sub) -> None:  # noqa: ANN001 - argparse's private subparsers action
    """``cues`` and ``batch`` (handled in core.cli_handoff)."""
    # Rhubarb Lip Sync's own spellings (-o, -f, -d, --exportFormat, ..., the input file last)
    # are accepted too, so a script written for `rhubarb` runs with `space-studio cues`.
    cues = sub.add_parser("cues", help="mouth cues (Rhubarb Lip Sync formats) from speech, no portrait needed")
    cues.add_argument("--audio", type=Path, help="speech: wav, mp3, flac, ogg, m4a/aac")
    cues.add_argument("input", nargs="?", type=Path, metavar="LINE.wav", help="the speech, as Rhubarb takes it")
    cues.add_argument("--transcript", "-d", "--dialogFile", type=Path, metavar="LINE.txt",
                      help="the line's words (forced alignment)")
    cues.add_argument("--format", "-f", "--exportFormat", choices=["tsv", "json", "xml", "dat"],
                      help="tsv | json | xml | dat (default: from --out's extension, else tsv)")
    _add_cue_options(cues)
    cues.add_argument("--recognizer", "-r", choices=["pocketSphinx", "phonetic"],
                      help="accepted for Rhubarb scripts and ignored: our phones come from PhoneNet")
    cues.add_argument("--model", type=s2l_weights, help=S2L_MODEL_HELP)
    cues.add_argument("--out", "-o", "--output", type=Path, help="output file (default: standard output)")

    batch = sub.add_parser("batch", help="many lines from a CSV or JSON manifest (see docs/exports.md)")
    batch.add_argument("manifest", type=Path, help="CSV or JSON manifest, one row per line")
    batch.add_argument("--out", required=True, type=Path, help="folder for the outputs and the summary")
    batch.add_argument("--workers", type=int, default=None,
                       help="worker processes or Ray tasks at once (default: one per core)")
    batch.add_argument("--ray", metavar="ADDRESS|local", help="run the rows as Ray tasks (pip install ray)")
    batch.add_argument("--model", type=s2l_weights, default=None, help=S2L_MODEL_HELP + ", for every row")


def _add_motion_format(motion: argparse.ArgumentParser) -> None:
    """``motion --format`` and the Spine names."""
    motion.add_argument("--format", choices=["json", "csv", "arkit", "live2d", "spine"], default="json",
                        help="json (landmarks) | csv (every track) | arkit (Live Link Face CSV) | "
                             "live2d (motion3.json) | spine (Spine 4 JSON)")
    motion.add_argument("--spine-head-bone", default="head", help="spine: head bone name")
    motion.add_argument("--spine-mouth-slot", default="mouth", help="spine: mouth slot name")
    motion.add_argument("--spine-mouth-prefix", default="mouth_", help="spine: mouth attachments are PREFIX + A..X")
    motion.add_argument("--spine-animation", default="speech", help="spine: animation name")


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
    _add_renderer_option(render)

    motion = sub.add_parser("motion", help="per-frame landmarks (JSON) or rig curves, without rendering")
    _add_generation_options(motion)
    motion.add_argument("--out", required=True, type=Path, help="output file")
    _add_motion_format(motion)

    landmarks = sub.add_parser("landmarks", help="detect a portrait's landmarks to a JSON you can edit")
    landmarks.add_argument("--image", required=True, type=Path)
    landmarks.add_argument("--out", required=True, type=Path)
    _add_low_confidence_option(landmarks)

    project = sub.add_parser("render-project", help="render a saved studio project")
    project.add_argument("project", type=Path)
    project.add_argument("--out", required=True, type=Path)
    project.add_argument("--format", choices=["mp4", "png", "json", "cues.tsv", "cues.json", "cues.xml", "cues.dat",
                                             "arkit", "live2d", "spine", "csv"],
                         help="mp4, png (a folder), json (motion), or a hand-off format: Rhubarb cues, rig curves")
    project.add_argument("--size", type=int)
    _add_renderer_option(project)
    project.add_argument("--allow-outside-media", action="store_true",
                         help="let the project open media outside its own folder (only for projects you trust)")

    evaluate = sub.add_parser("evaluate", help="lip-sync metrics against real talking videos")
    evaluate.add_argument("paths", nargs="+", type=Path, help="videos or folders of videos")
    evaluate.add_argument("--model", type=Path, help="speech-to-landmarks weights to score")
    evaluate.add_argument("--report", type=Path, help="write a markdown report with plots here")
    evaluate.add_argument("--render", action="store_true",
                          help="score the renderers instead (self-reenactment: warp vs neural, PSNR/SSIM/sharpness; "
                               "--model then names the renderer weights)")
    evaluate.add_argument("--json", type=Path, help="also write the scores as JSON here")

    _add_handoff_parsers(sub)

    train = sub.add_parser("train", help="train a model (see weights/*/MODEL_CARD.md)")
    train.add_argument("model", choices=["s2l", "s2l-crossval", "posegen", "emotion", "phone-labels", "phones", "apc",
                                          "renderer", "mouth-refiner", "teeth-plate"])
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
        print(f"space-studio: error: {one_line(str(err))}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # noqa: BLE001 - any bug becomes one line + a log, never a traceback
        bar.close()
        log = write_crash_log(err, context="space-studio " + " ".join(sys.argv[1:] if argv is None else argv))
        print(f"space-studio: error: {crash_message(err, log)}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        bar.close()


def _dispatch(args: argparse.Namespace, progress: Progress) -> int:
    # Imported here so `space-studio --help` stays instant (torch loads lazily).
    from core import cli_commands, cli_handoff

    handlers = {
        "render": cli_commands.render,
        "motion": cli_handoff.motion,
        "landmarks": cli_commands.landmarks,
        "render-project": cli_commands.render_project,
        "evaluate": cli_commands.evaluate,
        "train": cli_commands.train,
        "cues": cli_handoff.cues,
        "batch": cli_handoff.batch,
    }
    return handlers[args.command](args, progress)


if __name__ == "__main__":
    sys.exit(main())
