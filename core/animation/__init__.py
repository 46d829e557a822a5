"""The studio's editable model: evented tracks, keyframes, undoable commands, project files.

Qt-free. See docs/animation_model.md for the objects, their events and the file schema.
"""
