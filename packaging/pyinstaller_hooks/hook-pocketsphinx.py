"""PyInstaller hook for pocketsphinx 5.x: its English acoustic model, dictionary and
language model live in pocketsphinx/model/ and are found through get_model_path()."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("pocketsphinx", subdir="model")
