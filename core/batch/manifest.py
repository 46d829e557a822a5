"""A batch manifest: one row per line of dialogue, as CSV or JSON, checked whole before
any work starts so every problem is reported at once by row and column.

Columns (CSV header or JSON keys; paths relative to the manifest's folder):

| column | meaning |
|---|---|
| ``audio`` | the line's speech (required) |
| ``image`` | the portrait (required by every output but cues) |
| ``landmarks`` | landmark JSON for the portrait (skips detection) |
| ``transcript`` | text file with the line's words |
| ``emotion`` | emotion specs separated by ``;``, e.g. ``happy=0.7;angry=1@2-4`` |
| ``pose`` | ``still``, ``generate`` (default: ``core.defaults.POSE_MODE``, as the studio and CLI) or ``from-video REF.mp4`` |
| ``seed`` | integer (default 0) |
| ``outputs`` | comma-separated: mp4, png, json, csv, arkit, live2d, spine, cues (= cues.tsv), cues.tsv, cues.json, cues.xml, cues.dat |
| ``name`` | base name of the row's outputs (default: the audio's file name without extension) |
| ``renderer`` | ``auto`` (default, as ``space-studio render``), ``warp``, ``neural`` or ``drawn``: who draws mp4 / png frames |

A JSON manifest is a list of such objects (or ``{"rows": [...]}``).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from core import defaults
from core.errors import SpaceStudioError

COLUMNS = ("audio", "image", "landmarks", "transcript", "emotion", "pose", "seed", "outputs", "name", "renderer")
RENDERERS = ("auto", "warp", "neural", "drawn")  # as `space-studio render --renderer`
# Output kind → file name after the row's name ("" + "_frames" for the PNG folder).
OUTPUT_FILES = {
    "mp4": ".mp4", "png": "_frames", "json": ".motion.json", "csv": ".tracks.csv", "arkit": ".arkit.csv",
    "live2d": ".motion3.json", "spine": ".spine.json", "cues.tsv": ".cues.tsv", "cues.json": ".cues.json",
    "cues.xml": ".cues.xml", "cues.dat": ".cues.dat",
}
ALIASES = {"cues": "cues.tsv", "motion": "json", "video": "mp4"}
NEEDS_NO_PORTRAIT = {"cues.tsv", "cues.json", "cues.xml", "cues.dat"}
MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a manifest: row 0 is the header / the file itself."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = "header" if self.row == 0 else f"row {self.row}"
        return f"{where}, column {self.column}: {self.message}"


class ManifestError(SpaceStudioError):
    """A manifest that cannot be run; ``problems`` lists every problem by row and column."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class BatchRow:
    """One checked line of work."""

    row: int
    name: str
    audio: Path
    outputs: tuple[str, ...]
    image: Path | None = None
    landmarks: Path | None = None
    transcript: Path | None = None
    emotions: tuple[str, ...] = ()
    pose: tuple[str, ...] = (defaults.POSE_MODE,)
    seed: int = 0
    renderer: str = "auto"
    extra: dict = field(default_factory=dict)

    def output_path(self, out_dir: Path, kind: str) -> Path:
        """Where output ``kind`` of this row goes."""
        return out_dir / f"{self.name}{OUTPUT_FILES[kind]}"


def read_manifest(path: Path) -> list[dict[str, str]]:
    """The raw rows (column → text) of a CSV or JSON manifest."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ManifestError(f"Manifest not found: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ManifestError(f"Cannot read manifest {path}: {err}") from None
    if Path(path).suffix.lower() == ".json":
        return _json_rows(path, text)
    rows = list(csv.DictReader(text.splitlines()))
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k is not None} for row in rows]


def _json_rows(path: Path, text: str) -> list[dict[str, str]]:
    try:
        data = json.loads(text)
    except ValueError as err:
        raise ManifestError(f"Manifest {path} is not valid JSON: {err}") from None
    rows = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ManifestError(f"Manifest {path} must be a list of row objects (or {{\"rows\": [...]}}).")
    return [{str(k): ",".join(map(str, v)) if isinstance(v, list) else "" if v is None else str(v)
             for k, v in row.items()} for row in rows]


def _file(base: Path, value: str, row: int, column: str, problems: list[Problem]) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        problems.append(Problem(row, column, f"file not found: {value}"))
        return None
    return path


def _outputs(value: str, row: int, problems: list[Problem]) -> tuple[str, ...]:
    kinds = [ALIASES.get(k.strip().lower(), k.strip().lower()) for k in value.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in OUTPUT_FILES]
    if unknown:
        problems.append(Problem(row, "outputs", f"unknown output {', '.join(unknown)}; use {', '.join(OUTPUT_FILES)}"))
    if not kinds:
        problems.append(Problem(row, "outputs", "empty: name at least one output, e.g. mp4,cues.json"))
    return tuple(dict.fromkeys(k for k in kinds if k in OUTPUT_FILES))


def _seed(value: str, row: int, problems: list[Problem]) -> int:
    try:
        return int(value) if value else 0
    except ValueError:
        problems.append(Problem(row, "seed", f"not a whole number: {value}"))
        return 0


def _emotions(value: str, row: int, problems: list[Problem]) -> tuple[str, ...]:
    from core.emotion_spec import parse_emotion_spec

    specs = tuple(s.strip() for s in value.replace("+", ";").split(";") if s.strip())
    for spec in specs:
        try:
            parse_emotion_spec(spec)
        except SpaceStudioError as err:
            problems.append(Problem(row, "emotion", str(err)))
    return specs


def _pose(value: str, base: Path, row: int, problems: list[Problem]) -> tuple[str, ...]:
    words = value.split() or [defaults.POSE_MODE]
    if words[0] not in ("still", "generate", "from-video"):
        problems.append(Problem(row, "pose", f"'{words[0]}' is not still, generate or from-video VIDEO"))
    elif words[0] == "from-video":
        video = _file(base, words[1] if len(words) == 2 else "", row, "pose", problems)
        if len(words) != 2:
            problems.append(Problem(row, "pose", "from-video needs exactly one reference video"))
        return ("from-video", str(video)) if video else tuple(words)
    elif len(words) > 1:
        problems.append(Problem(row, "pose", f"{words[0]} takes no further value"))
    return tuple(words[:1])


def _renderer(value: str, row: int, problems: list[Problem]) -> str:
    choice = value.strip().lower() or "auto"
    if choice not in RENDERERS:
        problems.append(Problem(row, "renderer", f"'{value}' is not {', '.join(RENDERERS[:-1])} or {RENDERERS[-1]}"))
    return choice


def _check_row(raw: dict[str, str], row: int, base: Path, problems: list[Problem]) -> BatchRow | None:
    before = len(problems)
    audio = _file(base, raw.get("audio", ""), row, "audio", problems)
    if not raw.get("audio"):
        problems.append(Problem(row, "audio", "missing: every row needs its speech"))
    outputs = _outputs(raw.get("outputs", "mp4"), row, problems)
    image = _file(base, raw.get("image", ""), row, "image", problems)
    if not raw.get("image") and set(outputs) - NEEDS_NO_PORTRAIT:
        problems.append(Problem(row, "image", f"missing: {', '.join(sorted(set(outputs) - NEEDS_NO_PORTRAIT))} "
                                              "need a portrait (only cues do not)"))
    checked = dict(landmarks=_file(base, raw.get("landmarks", ""), row, "landmarks", problems),
                   transcript=_file(base, raw.get("transcript", ""), row, "transcript", problems),
                   emotions=_emotions(raw.get("emotion", ""), row, problems),
                   pose=_pose(raw.get("pose", ""), base, row, problems), seed=_seed(raw.get("seed", ""), row, problems),
                   renderer=_renderer(raw.get("renderer", ""), row, problems))
    name = raw.get("name") or (Path(raw["audio"]).stem if raw.get("audio") else f"row{row}")
    if "/" in name or "\\" in name or name in (".", ".."):
        problems.append(Problem(row, "name", f"'{name}' must be a plain file name"))
    if len(problems) > before or audio is None:
        return None
    return BatchRow(row=row, name=name, audio=audio, outputs=outputs, image=image, **checked)


def _duplicates(rows: list[BatchRow], problems: list[Problem]) -> None:
    """Two rows writing the same file would overwrite each other's work."""
    owner: dict[str, int] = {}
    for row in rows:
        for kind in row.outputs:
            target = row.name + OUTPUT_FILES[kind]
            if target in owner:
                problems.append(Problem(row.row, "outputs", f"{target} is also written by row {owner[target]}; "
                                                            "give the rows different names"))
            owner.setdefault(target, row.row)


def load_manifest(path: Path) -> list[BatchRow]:
    """Every row, checked; ManifestError listing all problems when any is found."""
    raw_rows = read_manifest(path)
    problems: list[Problem] = []
    if not raw_rows:
        problems.append(Problem(0, "-", "the manifest has no rows"))
    unknown = sorted({k for r in raw_rows for k in r} - set(COLUMNS))
    if unknown:
        problems.append(Problem(0, ", ".join(unknown), f"unknown column; use {', '.join(COLUMNS)}"))
    base = Path(path).resolve().parent
    rows = [r for i, raw in enumerate(raw_rows, 1) if (r := _check_row(raw, i, base, problems))]
    _duplicates(rows, problems)
    if problems:
        shown = "; ".join(map(str, problems[:MAX_PROBLEMS_SHOWN]))
        more = f"; and {len(problems) - MAX_PROBLEMS_SHOWN} more" if len(problems) > MAX_PROBLEMS_SHOWN else ""
        raise ManifestError(f"{Path(path).name}: {len(problems)} problem(s), nothing was run: {shown}{more}",
                            tuple(problems))
    return rows
