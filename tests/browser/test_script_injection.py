"""Hostile text in every field that reaches a report: the quarterly report, the annual report and a
topic deep dive, rendered with each engine for each audience and loaded in Chromium: no script runs,
no dialog opens, no handler or javascript: link survives, and each field's words still show,
escaped, with the page's structure intact after them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from browser_helpers import chromium_path

from pmkit.io import periods
from pmkit.runner.render import quarto_available
from pmkit.runner.run import run_report

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = (
    '<script>window.__pmkit_pwned("script")</script>'
    "<img src=x onerror=\"window.__pmkit_pwned('img')\">"
    "\"'><svg onload=\"window.__pmkit_pwned('svg')\">"
    "<a href=\"javascript:window.__pmkit_pwned('href')\">link</a> "
    "[md](javascript:window.__pmkit_pwned('md')) "
    '</table></details></section></main><script>alert("broken")</script>'
    '\n```{=html}\n</div><script>window.__pmkit_pwned("fence")</script>\n```\n'
    "<iframe srcdoc=\"<script>parent.__pmkit_pwned('frame')</script>\"></iframe>"
    "{{ 7*7 }}{% if true %}jinja{% endif %} $x$ <style>body{display:none}</style>"
)
FIELDS = {  # field -> the word that must show on the page where the field is shown
    "council": "Zcouncil",
    "directorate": "Zdirectorate",
    "title": "Ztitle",
    "priority": "Zpriority",
    "owner": "Zowner",
    "definition": "Zdefinition",
    "rationale": "Zrationale",
    "data_source": "Zsource",
    "commentary": "Zcommentary",
    "actions": "Zactions",
    "feedback": "Zfeedback",
    "service": "Zservice",
    "study_title": "Zstudytitle",
    "study_quote": "Zstudyquote",
    "study_body": "Zstudybody",
    "authority": "Zauthority",
    "action_title": "Zactiontitle",
    "action_update": "Zactionupdate",
    "action_lead": "Zactionlead",
    "topic_title": "Ztopictitle",
    "topic_description": "Ztopicdescription",
}
INTERNAL_ONLY = {"owner", "action_lead"}
TOPIC = "hostile <img src=x onerror=\"window.__pmkit_pwned('topic')\">"  # the topic's name is a deep-dive parameter
SHOWN = {  # which fields each kind shows
    "quarterly": set(FIELDS) - {"topic_title", "topic_description"},
    "annual": {
        "council",
        "title",
        "priority",
        "commentary",
        "feedback",
        "service",
        "study_title",
        "study_quote",
        "study_body",
        "action_title",
        "action_update",
        "action_lead",
    },
    "deep-dive": {
        "council",
        "title",
        "owner",
        "definition",
        "rationale",
        "data_source",
        "feedback",
        "service",
        "topic_title",
        "topic_description",
    },
}


def hostile(field: str) -> str:
    return f"{FIELDS[field]} {PAYLOAD}"


def months(first: str, n: int) -> list[str]:
    start = periods.parse(first).start
    return [periods.label_of(start + i, "monthly") for i in range(n)]


def build(project: Path) -> Path:
    """A council whose every text field carries the payload, as a folder source in a project."""
    data = project / "data"
    (data / "case_studies").mkdir(parents=True)
    directorate = hostile("directorate")
    pd.DataFrame(
        [
            {
                "indicator_id": "HOST-01",
                "title": hostile("title"),
                "directorate": directorate,
                "service": hostile("service"),
                "priority": hostile("priority"),
                "owner": hostile("owner"),
                "unit": "percent",
                "polarity": "higher_is_better",
                "frequency": "monthly",
                "decimals": 1,
                "definition": hostile("definition"),
                "rationale": hostile("rationale"),
                "data_source": hostile("data_source"),
                "tolerance": 0.05,
                "tolerance_type": "relative",
                "benchmark_metric": "rep",
                "public": "yes",
                "seasonal": "no",
            }
        ]
    ).to_csv(data / "indicators.csv", index=False)
    values = [91.0, 92.0] * 9 + [86.0, 85.0]  # 20 months to Sep 2025: off target, below the lower limit
    pd.DataFrame({"indicator_id": "HOST-01", "period": months("Feb 2024", 20), "value": values}).to_csv(
        data / "measures.csv", index=False
    )
    pd.DataFrame({"indicator_id": ["HOST-01"], "period": ["2025/26"], "target": [90.0]}).to_csv(
        data / "targets.csv", index=False
    )
    pd.DataFrame(
        {
            "metric": "rep",
            "authority_code": [f"X{i}" for i in range(6)] + ["E92000001"],
            "authority_name": [hostile("authority")] * 6 + ["England"],
            "period": "Sep 2025",
            "value": [80.0, 82.0, 84.0, 86.0, 88.0, 90.0, 85.5],
            "group": ["nearest_neighbours"] * 6 + ["england"],
        }
    ).to_csv(data / "benchmarks.csv", index=False)
    pd.DataFrame(
        {
            "indicator_id": "HOST-01",
            "period": ["Sep 2025", "Sep 2025", "Mar 2025", "Mar 2025"],
            "audience": ["internal", "public"] * 2,
            "text": hostile("commentary"),
            "actions": hostile("actions"),
        }
    ).to_csv(data / "commentary.csv", index=False)
    pd.DataFrame(
        [
            {
                "action_id": "HA-1",
                "title": hostile("action_title"),
                "priority": hostile("priority"),
                "directorate": directorate,
                "lead": hostile("action_lead"),
                "due": "2025/26 Q1",
                "status": "off_track",
                "percent_complete": 20,
                "update": hostile("action_update"),
                "public": "yes",
            }
        ]
    ).to_csv(data / "actions.csv", index=False)
    pd.DataFrame(
        {
            "feedback_id": [f"F{i}" for i in range(24)],
            "date": [f"2025-0{7 + i % 3}-1{i % 9}" if i < 12 else f"2024-{4 + i % 9:02d}-1{i % 9}" for i in range(24)],
            "directorate": directorate,
            "service": hostile("service"),
            "channel": "complaint",
            "text": [f"The repairs to my boiler took weeks, number {i}. {hostile('feedback')}" for i in range(24)],
        }
    ).to_csv(data / "feedback.csv", index=False)
    front = {
        "title": hostile("study_title"),
        "directorate": directorate,
        "priority": hostile("priority"),
        "period": "2024/25 Q4",
        "public": True,
        "quote": hostile("study_quote"),
        "image": "javascript:window.__pmkit_pwned('image')",
    }
    (data / "case_studies" / "hostile.md").write_text(
        f"---\n{yaml.safe_dump(front)}---\n{hostile('study_body')}\n", encoding="utf-8"
    )

    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    (project / "params" / "directorates").mkdir(parents=True)
    shutil.copy(ROOT / "params" / "codebook.yaml", project / "params" / "codebook.yaml")
    defaults = yaml.safe_load((ROOT / "params" / "defaults.yaml").read_text(encoding="utf-8"))
    defaults.update(council=hostile("council"), source="data")
    (project / "params" / "defaults.yaml").write_text(yaml.safe_dump(defaults), encoding="utf-8")
    (project / "params" / "directorates" / "hostile.yaml").write_text(
        yaml.safe_dump({"directorate": directorate}), encoding="utf-8"
    )
    topics = {
        "topics": {
            TOPIC: {
                "title": hostile("topic_title"),
                "indicators": ["HOST-01"],
                "description": hostile("topic_description"),
            }
        }
    }
    (project / "params" / "topics.yaml").write_text(yaml.safe_dump(topics), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    if chromium_path() is None:
        pytest.skip("no Chromium on PATH (Debian package chromium); .ci/run installs it")
    project = tmp_path_factory.mktemp("hostile")
    build(project)
    rendered = {}
    runs = [
        ("quarterly", {"period": "2025/26 Q2"}),
        ("annual", {}),
        ("deep-dive", {"topic": TOPIC, "period": "2025/26 Q2"}),
    ]
    for engine in ["nbconvert"] + (["quarto"] if quarto_available() else []):
        for audience in ("internal", "public"):
            for kind, options in runs:
                result = run_report(
                    kind, audience=audience, engine=engine, root=project, out=project / "outputs" / engine, **options
                )
                assert all(r.ok for r in result.reports), [r.error for r in result.reports]
                rendered[(engine, audience, kind)] = result.folder / f"{result.reports[0].name}.html"
    return rendered


SCAN = """() => {
  const handlers = [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
      .filter(a => a.name.toLowerCase().startsWith('on')).map(a => e.tagName + ' ' + a.name));
  const links = [...document.querySelectorAll('[href], [src], [action], [formaction]')]
      .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || e.getAttribute('formaction'))
      .filter(u => /^\\s*javascript:/i.test(u));
  const scripts = [...document.querySelectorAll('script')].filter(s => /__pmkit_pwned|alert\\(/.test(s.textContent)).length;
  return {hits: window.__pmkit_hits, handlers, links, scripts, frames: document.querySelectorAll('iframe, object, embed').length,
          styles: [...document.querySelectorAll('style')].filter(s => s.textContent.includes('display:none}')).length,
          text: document.body.innerText, h2: [...document.querySelectorAll('h2')].map(h => h.innerText.trim())};
}"""


def test_no_script_runs_and_every_field_shows_escaped(browser, pages):
    for (engine, audience, kind), path in pages.items():
        context = browser.new_context()
        context.add_init_script(
            "window.__pmkit_hits = []; window.__pmkit_pwned = x => window.__pmkit_hits.push(String(x));"
        )
        dialogs = []
        page = context.new_page()
        page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
        page.goto(path.as_uri(), wait_until="load")
        page.evaluate("""() => {  // open every drill-down and send the events a reader's pointer would
            document.querySelectorAll('details').forEach(d => { d.open = true; });
            document.querySelectorAll('*').forEach(e => ['mouseover', 'mouseenter', 'focus', 'toggle']
                .forEach(t => e.dispatchEvent(new Event(t))));
        }""")
        page.wait_for_timeout(300)
        seen = page.evaluate(SCAN)
        context.close()
        where = f"{engine}/{audience}/{kind}"
        assert seen["hits"] == [] and dialogs == [], (where, seen["hits"], dialogs)
        assert seen["handlers"] == [] and seen["links"] == [] and seen["scripts"] == 0, (where, seen)
        assert seen["frames"] == 0 and seen["styles"] == 0, where
        wanted = {FIELDS[f] for f in SHOWN[kind] if audience == "internal" or f not in INTERNAL_ONLY}
        missing = {w for w in wanted if w not in seen["text"]}
        assert not missing, (where, missing)
        if audience == "public":
            assert not {FIELDS[f] for f in INTERNAL_ONLY} & set(seen["text"].split()), where
        assert "{{ 7*7 }}" in seen["text"] and "49" not in seen["text"].replace("2024", ""), where
        assert seen["h2"][-1] == "About this report", (where, seen["h2"])  # nothing swallowed the rest of the page
