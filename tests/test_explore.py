"""The explorer: its widgets driven in a real kernel change what it shows, a public selection hides
internal-only indicators, its buttons write a deep-dive params file, run it and save commentary, and
the notebook runs top to bottom under papermill."""

import json
import re
import shutil

import papermill
import pytest
import yaml
from bs4 import BeautifulSoup
from demo_project import make_demo_project
from jupyter_client.manager import start_new_kernel

import pmkit

pytestmark = pytest.mark.e2e

SNAPSHOT = """
import json
from pmkit.explore import Explorer
explorer = Explorer()
def snapshot():
    e = explorer
    return json.dumps({"tile": e.tile.value, "xmr": e.xmr.value, "benchmark": e.benchmark.value, "table": e.status_table.value,
                       "breakdowns": e.breakdowns.value, "voice": e.voice.value, "options": list(e.indicator.options),
                       "indicator": e.indicator.value, "message": e.message.value})
"""


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory):
    return make_demo_project(tmp_path_factory.mktemp("explore") / "project")


@pytest.fixture(scope="module")
def register(demo_project):
    return pmkit.open_source(demo_project / "data" / "pmkit.duckdb").indicators().set_index("indicator_id")


IMAGE = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def drawings(outputs) -> dict[str, int]:
    """The drawings an outputs folder's store holds: file name -> inode (a drawing written again is a new file)."""
    return {p.name: p.stat().st_ino for p in outputs.glob(".pmkit-drawings/*/*.json")}


def option(register, iid: str) -> str:
    return f"{iid} · {register.loc[iid, 'title']}"


def test_the_widgets_driven_in_a_real_kernel_change_what_the_explorer_shows(demo_project, register):
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(demo_project))
    try:

        def run(code: str) -> dict | None:
            printed = []

            def keep(message):
                if message["msg_type"] == "stream":
                    printed.append(message["content"]["text"])
                if message["msg_type"] == "error":
                    raise AssertionError("\n".join(message["content"]["traceback"]))

            client.execute_interactive(code, output_hook=keep, timeout=120)
            return json.loads("".join(printed)) if printed else None

        run(SNAPSHOT)
        first = run("print(snapshot())")
        internal_only = sorted(register.index[~register["public"]])
        assert set(first["options"]) == {option(register, i) for i in register.index}  # every indicator, internally
        assert all(f"<td>{i}</td>" in first["table"] for i in internal_only)

        src = pmkit.open_source(demo_project / "data" / "pmkit.duckdb")
        m = src.measures()

        def figure(period: str) -> float:
            return float(m[(m["indicator_id"] == "ASC-02") & (m["period"] == period)]["value"].iloc[0])

        asc02 = run(f"explorer.indicator.value = {option(register, 'ASC-02')!r}; print(snapshot())")
        assert 'data-indicator="ASC-02"' in asc02["tile"] and 'data-indicator="ASC-02"' not in first["tile"]
        assert "2025/26 Q2" in asc02["tile"] and f"{figure('2025/26 Q2'):.1f}%" in asc02["tile"]
        # the XmR chart is now ASC-02's, its table ending at 2025/26 Q2 with that quarter's figure (80.6%)
        xmr = BeautifulSoup(asc02["xmr"], "html.parser")
        assert [s["id"] for s in xmr.select("section.spc")] == ["spc-ASC-02"]
        assert register.loc["ASC-02", "title"] in asc02["xmr"] and re.search(r'<img [^>]*alt="[^"]+"', asc02["xmr"])
        last = [c.get_text(strip=True) for c in xmr.select(".spc-data tbody tr")[-1].select("th, td")]
        assert last[:2] == ["2025/26 Q2", f"{figure('2025/26 Q2'):.1f}%"]
        # and the comparison is ASC-02's among its fifteen nearest neighbours in 2025/26 Q2: eight of them above 80.6%
        # (higher is better), so this council is 9th of 16
        bench = src.benchmarks()
        peers = bench[
            (bench["metric"] == register.loc["ASC-02", "benchmark_metric"])
            & (bench["group"] == "nearest_neighbours")
            & (bench["period"] == "2025/26 Q2")
        ]
        rank = int((peers["value"] > figure("2025/26 Q2")).sum()) + 1
        assert (rank, len(peers) + 1) == (9, 16)
        chart = BeautifulSoup(asc02["benchmark"], "html.parser")
        assert [s["id"] for s in chart.select("section.benchmark")] == ["bench-ASC-02"]
        own = [
            [c.get_text(strip=True) for c in tr.select("th, td")]
            for tr in chart.select(".benchmark-data tbody tr")
            if "(this council)" in tr.get_text()
        ]
        assert [row[:1] + row[2:3] for row in own] == [[str(rank), f"{figure('2025/26 Q2'):.1f}%"]]
        assert f"of 16 (nearest neighbours and this council), ranked {rank};" in chart.get_text()

        # an earlier period: the tile and the status table show that quarter's figure (81.9% for 2024/25 Q4)
        earlier = run("explorer.period.value = (explorer.period.options[0], '2024/25 Q4'); print(snapshot())")
        assert f"{figure('2024/25 Q4'):.1f}%" in earlier["tile"] and "2024/25 Q4" in earlier["tile"]
        assert f"{len(register)} of {len(register)} indicators for 2024/25 Q4 (internal)." in earlier["table"]
        row = [
            [c.get_text(strip=True) for c in tr.select("td")]
            for tr in BeautifulSoup(earlier["table"], "html.parser").select("tbody tr")
            if tr.td.get_text(strip=True) == "ASC-02"
        ]
        assert [r[2:4] for r in row] == [["2024/25 Q4", f"{figure('2024/25 Q4'):.1f}%"]]

        # an internal-only indicator, then the public audience: it leaves the list, the table and the tile
        hidden = internal_only[0]
        run(f"explorer.indicator.value = {option(register, hidden)!r}")
        public = run("explorer.audience.value = 'public'; print(snapshot())")
        assert set(public["options"]) == {option(register, i) for i in register.index[register["public"]]}
        assert not any(f"<td>{i}</td>" in public["table"] for i in internal_only)
        assert f'data-indicator="{hidden}"' not in public["tile"] and public["indicator"] in public["options"]
        assert f"{hidden} is not in this selection (it is not a public indicator)" in public["message"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_the_buttons_write_a_deep_dive_params_file_run_it_and_save_commentary(
    demo_project, register, tmp_path, monkeypatch
):
    project = tmp_path / "p"
    shutil.copytree(demo_project, project)
    monkeypatch.chdir(project / "notebooks")  # as in JupyterLab: the kernel works in the notebook's folder
    from pmkit.explore import Explorer

    explorer = Explorer()
    explorer.directorate.value = "Housing"
    explorer.indicator.value = option(register, "HOU-01")
    from pmkit.components import kpi_tiles
    from pmkit.reports.quarterly import DirectorateReport

    report = DirectorateReport("Housing", "2025/26 Q2")
    assert 'data-indicator="HOU-01"' in explorer.tile.value
    assert explorer.tile.value in kpi_tiles(report.readings, report.commentary, report.words)  # the report's own tile

    explorer.directorate.value = "All"
    explorer.indicator.value = option(register, "ASC-02")
    explorer.write_button.click()
    written = yaml.safe_load((project / "params" / "deep-dives" / "asc-02.yaml").read_text(encoding="utf-8"))
    assert written == {
        "indicator": "ASC-02",
        "period": "2025/26 Q2",
        "audience": "internal",
        "comparator_group": "nearest_neighbours",
    }

    drawn = drawings(project / "outputs")  # the explorer keeps its drawings in the project's store
    explorer.run_button.click()
    page = project / "outputs" / "2025-26-Q2" / "internal" / "deep-dive-asc-02.html"
    assert page.exists(), explorer.deep_dive.value
    assert 'href="../outputs/2025-26-Q2/internal/deep-dive-asc-02.html"' in explorer.deep_dive.value
    assert register.loc["ASC-02", "title"] in page.read_text(encoding="utf-8")
    # The deep dive shows the XmR chart (wide and phone) the explorer drew, and did not draw it again.
    xmr = set(IMAGE.findall(explorer.xmr.value))
    assert len(xmr) == 2 and xmr <= set(IMAGE.findall(page.read_text(encoding="utf-8")))
    after = drawings(project / "outputs")
    assert len(drawn) >= 2 and {name: after[name] for name in drawn} == drawn

    explorer.note_text.value = "Reablement capacity returned in September."
    explorer.note_actions.value = "Two more reablement workers from October."
    explorer.save_button.click()
    saved = pmkit.open_source(project / "data" / "pmkit.duckdb").commentary()
    row = saved[
        (saved["indicator_id"] == "ASC-02") & (saved["period"] == "2025/26 Q2") & (saved["audience"] == "internal")
    ]
    assert row[["text", "actions"]].values.tolist() == [
        ["Reablement capacity returned in September.", "Two more reablement workers from October."]
    ]
    assert "Reablement capacity returned in September." in explorer.tile.value
    explorer.note_text.value = " "
    explorer.save_button.click()
    assert "cannot be empty" in explorer.message.value

    explorer.source_box.value = str(project / "data" / "missing.duckdb")  # a source that is not there
    explorer.open_button.click()
    assert "missing.duckdb: no such DuckDB file" in explorer.message.value
    assert explorer.src.location.endswith("pmkit.duckdb") and 'data-indicator="ASC-02"' in explorer.tile.value


def test_the_explorer_notebook_runs_top_to_bottom(demo_project, tmp_path):
    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(
        str(demo_project / "notebooks" / "explore.ipynb"),
        str(out),
        cwd=str(demo_project / "notebooks"),
        kernel_name="python3",
        progress_bar=False,
    )
    outputs = [o for cell in json.loads(out.read_text())["cells"] for o in cell.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not [o for o in outputs if o.get("output_type") == "error"]
