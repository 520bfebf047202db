"""The drawing store of an outputs folder: one folder per version of the drawing code, tidied when a run
starts (`pmkit.runner.publish.drawing_store`)."""

import os
import time

from pmkit.components.charts import drawing_code_version
from pmkit.runner.publish import DRAWINGS_KEPT_DAYS, drawing_store


def test_a_run_keeps_this_codes_recent_drawings_and_removes_the_rest(tmp_path):
    outputs = tmp_path / "outputs"
    base = outputs / ".pmkit-drawings"
    current = base / drawing_code_version()[:16]
    older_code = base / "0123456789abcdef"
    for folder in (current, older_code):
        folder.mkdir(parents=True)
    recent, unused, other = current / "recent.json", current / "unused.json", older_code / "any.json"
    for drawing in (recent, unused, other):
        drawing.write_text("{}")
    long_ago = time.time() - (DRAWINGS_KEPT_DAYS + 1) * 24 * 3600
    os.utime(unused, (long_ago, long_ago))
    lately = time.time() - (DRAWINGS_KEPT_DAYS - 1) * 24 * 3600
    os.utime(recent, (lately, lately))

    assert drawing_store(outputs) == current
    assert sorted(p.name for p in base.iterdir()) == [current.name]  # another code version's drawings are never used
    assert [p.name for p in current.iterdir()] == ["recent.json"]  # unused for longer than the days kept: gone


def test_an_outputs_folder_without_a_store_gets_one(tmp_path):
    store = drawing_store(tmp_path / "new")
    assert store.is_dir() and not list(store.iterdir())
