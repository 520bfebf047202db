"""Status engine (placeholder module filled in next)."""
