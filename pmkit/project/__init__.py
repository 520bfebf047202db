"""A council's project: `pmkit init`, the demo council, importers and the commentary round trip."""
