"""Fingerprints of a report's inputs, so a run can skip a report whose inputs have not changed.

A table's digest depends on its content only: not on the kind of source it came from, nor on the
order of its rows or columns. A report for one directorate or a few indicators is fingerprinted on
the rows it can read, found through these links (matching `pmkit.io.schema`):

- ``indicators``: the scope's own register rows (by ``directorate``, or by ``indicator_id``);
- ``measures``, ``targets``, ``commentary``, ``breakdowns``: ``indicator_id`` (a reference to
  ``indicators.indicator_id``); also, for ``commentary``, a directorate's overview by ``directorate``;
- ``benchmarks``: ``metric``, matched to the scope's ``indicators.benchmark_metric``;
- ``feedback``: ``directorate``, or ``service`` matched to the scope's ``indicators.service``
  (a deep dive reads residents' feedback by its indicators' services);
- ``actions`` and case studies: ``directorate``;
- ``action_updates``: ``action_id``, matched to the scope's ``actions``.

Directorates and services match ignoring case and surrounding spaces, as case studies are chosen,
so a scope never holds fewer rows than its report reads. A table with none of these links is
hashed whole, since a report reads it whole.

>>> digests = scoped_digests(src.tables(), directorate="Housing", case_studies=src.case_studies())  # doctest: +SKIP
>>> report_fingerprint(Path("notebooks/service_area.ipynb"), params, digests, pmkit.__version__)    # doctest: +SKIP
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from pmkit.io.schema import TABLES

INDICATOR_LINKED = tuple(
    name for name, t in TABLES.items() if t.references.get("indicator_id") == ("indicators", "indicator_id")
)


def frame_digest(frame: pd.DataFrame) -> str:
    """The sha256 of a frame's column names and rows, independent of row and column order.

    Columns are sorted by name; each row is hashed to 64 bits by `pd.util.hash_pandas_object`
    (index left out), and the row hashes are sorted, so the digest is of the multiset of rows:
    any permutation gives the same digest, while a changed, added or removed row changes it.
    Missing values hash alike however written (NaN, None, NA), as do 0.0 and -0.0.
    """
    names = sorted(frame.columns, key=str)
    rows = np.sort(pd.util.hash_pandas_object(frame[names], index=False).to_numpy(dtype="uint64"))
    digest = hashlib.sha256(json.dumps([str(n) for n in names]).encode("utf-8") + b"\n")
    digest.update(rows.astype("<u8").tobytes())
    return digest.hexdigest()


def table_digests(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """A `frame_digest` per table (as `Source.tables` serves them)."""
    return {name: frame_digest(frame) for name, frame in tables.items()}


def _folded(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip().str.casefold()


def scope_rows(
    tables: dict[str, pd.DataFrame],
    directorate: str | None = None,
    indicator_ids: Iterable[str] | None = None,
    case_studies: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The rows of each table a report on ``directorate`` and/or ``indicator_ids`` reads (both given: either).

    With neither, every table whole. ``case_studies`` (as `Source.case_studies` serves them) is
    added as the ``case_studies`` table. The links used are listed in the module's docstring.
    """
    frames = dict(tables) if case_studies is None else {**tables, "case_studies": case_studies}
    if directorate is None and indicator_ids is None:
        return frames
    register = tables["indicators"]
    asked = {str(directorate).strip().casefold()} if directorate is not None else set()
    ids = {str(i) for i in indicator_ids or ()}
    chosen = register[_folded(register["directorate"]).isin(asked) | register["indicator_id"].isin(ids)]
    ids |= set(chosen["indicator_id"])
    directorates = asked | set(_folded(chosen["directorate"]))
    services = set(_folded(chosen["service"])) - {""}
    metrics = set(chosen["benchmark_metric"].fillna("").astype(str)) - {""}

    def keep(name: str, frame: pd.DataFrame) -> pd.Series | None:
        if name == "commentary" and "directorate" in frame:  # an indicator's rows, or the directorate's overview
            return frame["indicator_id"].isin(ids) | (
                (frame["indicator_id"] == "") & _folded(frame["directorate"]).isin(directorates)
            )
        if name == "indicators" or name in INDICATOR_LINKED:
            return frame["indicator_id"].isin(ids)
        if name == "benchmarks":
            return frame["metric"].isin(metrics)
        if "directorate" in frame:
            mask = _folded(frame["directorate"]).isin(directorates)
            return mask | _folded(frame["service"]).isin(services) if "service" in frame else mask
        return None

    scoped = {}
    for name, frame in frames.items():
        mask = keep(name, frame)
        scoped[name] = frame if mask is None else frame[mask]
    if "action_updates" in scoped and "actions" in scoped:
        updates = scoped["action_updates"]
        scoped["action_updates"] = updates[updates["action_id"].isin(scoped["actions"]["action_id"])]
    return scoped


def scoped_digests(
    tables: dict[str, pd.DataFrame],
    directorate: str | None = None,
    indicator_ids: Iterable[str] | None = None,
    case_studies: pd.DataFrame | None = None,
) -> dict[str, str]:
    """A digest per table of the rows in scope (see `scope_rows`); with no scope, every table hashed whole."""
    return table_digests(scope_rows(tables, directorate, indicator_ids, case_studies))


def _json_default(value: object) -> object:
    """Sets as sorted lists (their own order varies between processes); anything else as its text."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def _canonical_json(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, default=_json_default, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def report_fingerprint(notebook: Path, parameters: dict, digests: dict[str, str], version: str) -> str:
    """One sha256 over the notebook file's bytes, the parameters and digests as canonical JSON, and the pmkit version.

    Each part is preceded by its length, so no two different sets of parts run together alike.
    """
    fingerprint = hashlib.sha256()
    for part in (
        Path(notebook).read_bytes(),
        _canonical_json(parameters),
        _canonical_json(digests),
        version.encode("utf-8"),
    ):
        fingerprint.update(len(part).to_bytes(8, "big"))
        fingerprint.update(part)
    return fingerprint.hexdigest()


def file_digests(paths: Iterable[Path]) -> dict[str, str]:
    """The sha256 of each file that exists (settings files a report reads, such as the codebook), by name."""
    return {Path(p).name: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths if Path(p).is_file()}


@functools.cache
def code_version() -> str:
    """pmkit's version and a digest of its own code and templates: an edited pmkit counts as a new version
    (worked out once per process: every project and audience of a batch shares it)."""
    from importlib import metadata

    package = Path(__file__).parents[1]  # the whole pmkit package
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(package)).encode("utf-8"))
        digest.update(path.read_bytes())
    try:
        version = metadata.version("pmkit")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"{version}+{digest.hexdigest()[:16]}"
