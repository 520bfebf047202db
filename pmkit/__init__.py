"""pmkit: performance reports for UK councils from parameterised Jupyter notebooks.

>>> import pmkit
>>> src = pmkit.open_source("data/pmkit.duckdb")      # doctest: +SKIP
>>> st = pmkit.status.assess(src.measures(), src.indicators(), period="2025/26 Q2")  # doctest: +SKIP
"""

from pmkit import periods, spc, status, themes
from pmkit.errors import PmkitError, ValidationError
from pmkit.sources import open_source

__all__ = ["open_source", "periods", "spc", "status", "themes", "PmkitError", "ValidationError"]
__version__ = "0.1.0"
