"""SPACE Studio desktop application (Qt views over core objects)."""
