"""Write a generated Animation in one of the rig formats (and the cues they need)."""

from __future__ import annotations

from pathlib import Path

from core.errors import OutputError
from core.export.rigs.face_tracks import FaceTracks, face_tracks
from core.export.rigs.spine import SpineNames

RIG_FORMATS = ("csv", "arkit", "live2d", "spine")
SUFFIXES = {"csv": ".csv", "arkit": ".csv", "live2d": ".motion3.json", "spine": ".json"}


def rig_text(tracks: FaceTracks, fmt: str, spine_names: SpineNames | None = None) -> str:
    """The file's text for ``fmt``."""
    if fmt == "csv":
        from core.export.rigs.track_csv import to_track_csv

        return to_track_csv(tracks)
    if fmt == "arkit":
        from core.export.rigs.arkit import to_live_link_csv

        return to_live_link_csv(tracks)
    if fmt == "live2d":
        from core.export.rigs.live2d import to_motion3_json

        return to_motion3_json(tracks)
    if fmt == "spine":
        from core.export.rigs.spine import to_spine_json

        return to_spine_json(tracks, spine_names)
    raise OutputError(f"Unknown rig format '{fmt}'; use one of {', '.join(RIG_FORMATS)}.")


def export_rig(animation, out: Path, fmt: str, spine_names: SpineNames | None = None,
               extended: str = "GHX") -> Path:
    """Derive every track (and the mouth cues) from ``animation`` and write ``out`` atomically."""
    from core.export.atomic_output import atomic_file
    from core.animation.mouth_shapes import effective_cues
    from core.export.mouth_cues import cues_for_animation, shape_set

    # The user's mouth-shape lane edits are pasted over the model's cues, as for every cue consumer.
    cues = effective_cues(animation, cues_for_animation(animation, extended), shape_set(extended))
    text = rig_text(face_tracks(animation, cues), fmt, spine_names)
    with atomic_file(out) as temp:
        temp.write_text(text, encoding="utf-8", newline="\n")
    return Path(out)
