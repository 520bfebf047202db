"""pmkit: performance reports for UK councils from parameterised Jupyter notebooks.

>>> import pmkit
>>> src = pmkit.open_source("data/pmkit.duckdb")      # doctest: +SKIP
>>> st = pmkit.status.assess(src.measures(), src.indicators(), period="2025/26 Q2")  # doctest: +SKIP
"""

from pmkit import old_paths
from pmkit.errors import PmkitError, ValidationError
from pmkit.io import periods
from pmkit.io.sources import open_source
from pmkit.judge import spc, status, themes

__all__ = ["open_source", "periods", "spc", "status", "themes", "PmkitError", "ValidationError"]
__version__ = "0.1.0"

old_paths.install()
