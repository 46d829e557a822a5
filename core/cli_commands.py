"""What each ``space-studio`` subcommand does, given its parsed arguments."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.emotion_spec import parse_emotion_spec
from core.errors import NoFaceError, OutputError, TranscriptError
from core.pipeline import GenerationOptions, animate
from core.portrait_setup import prepare_portrait
from core.pose_source import parse_pose_args
from core.progress import Progress

OUTPUT_FORMATS = {".mp4": "mp4", ".json": "json", ".mov": "mp4", ".m4v": "mp4"}


def _say(message: str) -> None:
    print(f"space-studio: {message}", file=sys.stderr)


def generation_options(args: argparse.Namespace) -> GenerationOptions:
    """GenerationOptions from the shared render/motion flags."""
    if args.fps <= 0 or args.fps > 240:
        raise OutputError(f"--fps must be between 0 and 240, got {args.fps}.")
    if args.blinks_per_minute < 0:
        raise OutputError(f"--blinks-per-minute must not be negative, got {args.blinks_per_minute}.")
    return GenerationOptions(
        fps=args.fps,
        blinks_per_minute=args.blinks_per_minute,
        seed=args.seed,
        pose=parse_pose_args(args.pose, args.seed, args.pose_amplitude),
        emotions=tuple(parse_emotion_spec(text) for text in args.emotion),
        model_path=args.model,
        transcript=read_transcript(args.transcript) if args.transcript else None,
    )


def read_transcript(path: Path) -> str:
    """The words of a transcript file (UTF-8 text)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TranscriptError(f"Transcript file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise TranscriptError(f"Cannot read transcript {path}: {err}") from None
    if not text.strip():
        raise TranscriptError(f"Transcript {path} is empty.")
    return text


def output_format(out: Path, explicit: str | None) -> str:
    """mp4 | png | json from --format, else from the output's extension (no extension: PNGs)."""
    if explicit:
        return explicit
    suffix = out.suffix.lower()
    if suffix in OUTPUT_FORMATS:
        return OUTPUT_FORMATS[suffix]
    if suffix in ("", ".png") or out.is_dir():
        return "png"
    raise OutputError(f"Cannot tell the output format from '{out.name}'; use .mp4, .json, a folder, or --format.")


def _prepare(args: argparse.Namespace, progress: Progress):
    progress.step("Finding the face", 0, 1)
    try:
        setup = prepare_portrait(args.image, args.landmarks)
    except NoFaceError as err:
        raise NoFaceError(
            f"No face found in '{args.image.name}'; give its landmarks with --landmarks FILE.json "
            "(write one to edit with: space-studio landmarks on a similar face, or see docs/landmark_format.md)."
        ) from err
    for note in setup.notes:
        _say(note)
    progress.step("Finding the face", 1, 1)
    return setup


def render(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio render: portrait + speech → mp4 / PNG frames / motion JSON."""
    from core.export.animation_export import export_animation

    fmt = output_format(args.out, args.format)
    options = generation_options(args)
    setup = _prepare(args, progress)
    animation = animate(setup, args.audio, options, progress)
    export_animation(animation, args.out, fmt, args.size, progress)
    _say(f"wrote {args.out} ({len(animation.motion)} frames at {options.fps:g} fps)")
    return 0


def motion(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio motion: per-frame landmarks as JSON, no rendering."""
    from core.export.animation_export import export_animation

    options = generation_options(args)
    setup = _prepare(args, progress)
    animation = animate(setup, args.audio, options, progress)
    export_animation(animation, args.out, "json", None, progress)
    _say(f"wrote {args.out} ({len(animation.motion)} frames)")
    return 0


def landmarks(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio landmarks: detect and save the portrait's landmarks for editing."""
    from core.landmarks.landmark_json import save_landmarks

    setup = _prepare(argparse.Namespace(image=args.image, landmarks=None), progress)
    save_landmarks(setup.face, args.out)
    _say(f"wrote {args.out} ({setup.face.source} landmarks)")
    return 0


def render_project(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio render-project: render a saved studio project."""
    from core.export.animation_export import export_animation
    from core.project_render import animate_project

    animation = animate_project(args.project, progress)
    fmt = output_format(args.out, args.format)
    export_animation(animation, args.out, fmt, args.size, progress)
    _say(f"wrote {args.out} ({len(animation.motion)} frames)")
    return 0


def evaluate(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio evaluate: lip-sync metrics against real talking videos."""
    from core.evaluation.evaluate import run_evaluation
    from core.motion.s2l_inference import DEFAULT_WEIGHTS, training_videos

    model = args.model or DEFAULT_WEIGHTS
    trained_on = training_videos(model)
    if not trained_on:
        _say(f"no training record beside {model.name}: scores may include people it was trained on")
    result = run_evaluation(args.paths, model_path=model, report_path=args.report, progress=progress.step,
                            trained_on=trained_on)
    print(result.table())
    if args.report:
        _say(f"wrote {args.report}")
    return 0


def train(args: argparse.Namespace, progress: Progress) -> int:
    """space-studio train MODEL ...: hand over to that model's trainer."""
    import importlib

    module = {"s2l": "core.training.train_s2l", "s2l-crossval": "core.training.crossval_s2l",
              "posegen": "core.training.train_posegen", "emotion": "core.training.train_emotion",
              "phone-labels": "core.training.phone_labels", "phones": "core.training.train_phone_net",
              "apc": "core.training.train_apc"}[args.model]
    return int(importlib.import_module(module).main(args.args) or 0)
