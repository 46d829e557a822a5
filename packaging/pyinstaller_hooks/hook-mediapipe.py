"""PyInstaller hook for mediapipe 0.10.21 (no hook ships for it): the face mesh, iris and face
detection graphs (*.binarypb) and models (*.tflite) the studio runs, found by mediapipe
next to its own modules at run time, and its native libraries."""

from PyInstaller.utils.hooks import collect_data_files, collect_dynamic_libs, collect_submodules

# Graphs, models and label maps; tests/packaging/test_app_spec.py checks that the face mesh
# graph core/landmarks/mediapipe_detector.py runs is among what these patterns collect.
MEDIAPIPE_DATA = ["**/*.binarypb", "**/*.tflite", "**/*.txt", "**/*.pbtxt"]

# Only the solutions the product imports (core/landmarks/mediapipe_detector.py); the tasks
# API and the model maker would add hundreds of modules the app never loads.
hiddenimports = collect_submodules("mediapipe.python") + collect_submodules("mediapipe.calculators")
datas = collect_data_files("mediapipe", includes=MEDIAPIPE_DATA)
binaries = collect_dynamic_libs("mediapipe")
