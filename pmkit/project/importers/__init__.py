"""Importers that turn published real data into pmkit folder sources."""
