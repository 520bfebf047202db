"""pmkit: performance reports for UK councils from parameterised Jupyter notebooks.

>>> import pmkit
>>> src = pmkit.open_source("data/pmkit.duckdb")      # doctest: +SKIP
>>> st = pmkit.status.assess(src.measures(), src.indicators(), period="2025/26 Q2")  # doctest: +SKIP
"""

import importlib

from pmkit import old_paths
from pmkit.errors import PmkitError, ValidationError

__all__ = ["open_source", "periods", "spc", "status", "themes", "PmkitError", "ValidationError"]
__version__ = "0.1.0"

# Loaded when first used, so that `pmkit` on the command line answers a mistyped argument before pandas loads.
_LAZY = {
    "open_source": ("pmkit.io.sources", "open_source"),
    "periods": ("pmkit.io.periods", None),
    "spc": ("pmkit.judge.spc", None),
    "status": ("pmkit.judge.status", None),
    "themes": ("pmkit.judge.themes", None),
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'pmkit' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = importlib.import_module(module)
    return getattr(value, attribute) if attribute else value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


old_paths.install()
