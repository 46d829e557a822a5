"""Every track per frame as one CSV (spreadsheets, game scripts, custom rigs).

Columns: frame, time (s), openness (inner-lip gap / mouth width), jaw_open (0..1),
width (mouth width / rest), cue (mouth shape A–H/X), blink_left, blink_right (0 open ..
1 shut), gaze_x, gaze_y (iris radii, x right, y down), the 8 emotion weights, yaw,
pitch, roll (degrees), tx, ty, tz (pixels).
"""

from __future__ import annotations

import csv
import io

from core.animation.tracks import EMOTIONS, POSE_CHANNELS
from core.export.rigs.face_tracks import FaceTracks

COLUMNS = ("frame", "time", "openness", "jaw_open", "width", "cue", "blink_left", "blink_right",
           "gaze_x", "gaze_y", *(f"emotion_{e}" for e in EMOTIONS), *POSE_CHANNELS)


def to_track_csv(t: FaceTracks) -> str:
    """The CSV text, header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for i in range(len(t)):
        numbers = (t.openness[i], t.jaw_open[i], t.width[i])
        writer.writerow([i, f"{i / t.fps:.4f}", *(f"{v:.4f}" for v in numbers), t.cues[i],
                         f"{t.blink['left'][i]:.4f}", f"{t.blink['right'][i]:.4f}",
                         *(f"{v:.4f}" for v in (*t.gaze[i], *t.emotion[i], *t.pose[i]))])
    return out.getvalue()
