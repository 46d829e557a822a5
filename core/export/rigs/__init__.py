"""Rig exports of a generated animation: ARKit (Live Link Face CSV), Live2D motion3.json,
Spine 4.x animation JSON and a CSV of every track. See docs/exports.md."""
