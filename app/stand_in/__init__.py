"""Small stand-ins for core objects that have not landed yet (replaced by core.* as they do)."""
