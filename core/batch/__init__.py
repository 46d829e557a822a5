"""Batches of lines: manifest, worker pool (or Ray), resumable outputs, summary."""
