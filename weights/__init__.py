"""SPACE Studio's shipped model weights, installed as package data.

Each folder holds one model: its checkpoint (``*.pt``) with a ``.sha256`` record, its
``MODEL_CARD.md`` (command, data, licences, metrics, sha256) and plain-data files
(``*.json``). Code finds them through ``core.weights_location.shipped_weights``, never
through the source tree, so a wheel install finds them as an editable one does.
"""
