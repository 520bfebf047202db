"""Charts that can be read on a phone: each drawn twice (wide, and narrow with larger text chosen by a media
query), each image marked with its smallest text's size in pixels, and no text running off a drawing's edge.

The sizes are worked out by hand: matplotlib draws at 100 dots an inch and a point is 1/72 inch, so the XmR
chart's smallest labels (8 pt: "New level", "Range recalculated") are 8 × 100 / 72 = 11.1 px in the
wide drawing, and 8 × 1.4 = 11.2 pt = 15.6 px in the phone's drawing (460 px wide, 4.6 inches). On a
390 px phone the chart is shown 358 px wide (390 less 2 × 1 rem of padding): 15.6 × 358 / 460 = 12.1 CSS px.
"""

import base64
import io

from component_helpers import month_labels, peers, register_row, soup, status_row
from component_helpers import reading as make_reading
from PIL import Image

from pmkit.components.benchmark_chart import benchmark_section
from pmkit.components.charts import PHONE
from pmkit.components.spc_chart import spc_chart, spc_section
from pmkit.judge import spc
from pmkit.judge.reading import SpcView

LONG_TITLE = (
    "Proportion of emergency repairs to council homes completed within 24 hours of being reported by the "
    "tenant, leaseholder or their representative"
)
# Twelve months at 90, then twelve at 96: a sustained shift above the mean, so the limits are out of date.
SHIFTED = [90.0, 91.0, 89.0, 90.0] * 3 + [96.0, 97.0, 95.0, 96.0] * 3


def shifted_reading():
    info = register_row(
        indicator_id="HOU-05", title=LONG_TITLE, unit="percent", decimals=1, polarity="higher_is_better"
    )
    row = status_row(indicator_id="HOU-05", title=LONG_TITLE, value=96.0, target=92.0, rag="green", period="Mar 2026")
    labels = month_labels("Apr 2024", len(SHIFTED))
    return make_reading(row, info, SpcView(spc.xmr(SHIFTED, improvement="increase", target=92.0), labels, 92.0))


def png(uri: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L")


def test_the_xmr_chart_has_a_phone_drawing_with_labels_of_at_least_11_css_px(internal):
    picture = soup(spc_section([shifted_reading()], internal)).select_one("picture")
    source, img = picture.select_one("source"), picture.select_one("img.spc-chart")
    assert source["media"] == "(max-width: 40em)"
    assert img["alt"].startswith(f"{LONG_TITLE}: XmR chart of 24 months, Apr 2024 to Mar 2026.")
    assert img["width"] == "820" and source["width"] == "460"
    assert float(img["data-min-text-px"]) == 11.1
    assert float(img["data-phone-min-text-px"]) == 15.6
    assert png(source["srcset"]).size == (460, int(source["height"]))
    assert 15.6 * 358 / 460 >= 11


def test_no_text_runs_off_the_right_edge_of_either_drawing():
    """A long title and the out-of-date-limits note are wrapped to the drawing's width: the last three columns
    of pixels of every drawing are blank (white)."""
    result = spc.xmr(SHIFTED, improvement="increase", target=92.0)
    stale = (
        "The limits are out of date: the last 12 months all sit above the old mean, a sustained shift; "
        "recalculate them from Apr 2025 to judge the process as it now runs."
    )
    for layout in ("WIDE", "PHONE"):
        from pmkit.components import charts

        uri, _ = spc_chart(
            result,
            LONG_TITLE,
            unit="percent",
            period_labels=month_labels("Apr 2024", 24),
            stale=stale,
            layout=getattr(charts, layout),
        )
        image = png(uri)
        edge = image.crop((image.width - 3, 0, image.width, image.height))
        assert edge.getextrema()[0] > 240, f"{layout}: ink at the right edge"


def test_the_benchmark_chart_has_a_phone_drawing_too(internal, public):
    group = peers({"A": 95.0, "B": 93.0, "C": 87.0, "D": 80.0, "E": 75.0}, own=87.0, national=88.4)
    row = status_row(quartile=2, rank=3, n_peers=5, peer_median=87.0)
    for words in (internal, public):
        picture = soup(benchmark_section([make_reading(row, peer_group=group)], "Thornbury Vale", words)).select_one(
            "picture"
        )
        img = picture.select_one("img.benchmark-chart")
        assert img["alt"].startswith("Repairs completed on time, Sep 2025: bar chart of Thornbury Vale and 5 ")
        # 8 pt quartile labels: 11.1 px wide; 8 × 1.4 = 11.2 pt, 15.6 px, on the phone
        assert (img["data-min-text-px"], img["data-phone-min-text-px"]) == ("11.1", "15.6")
        assert picture.select_one("source")["width"] == "460"


def test_an_axis_in_millions_keeps_its_scale_label_large_on_the_phone():
    # Matplotlib writes the axis's "1e6" only when it draws; it is scaled like every other label: 10 pt x 1.4 =
    # 14 pt, 19.4 px. The smallest label is then the tick labels' 9 pt x 1.4 = 12.6 pt = 17.5 px.
    spend = [2.1e6, 2.3e6, 2.2e6, 2.4e6, 2.2e6, 2.5e6, 2.3e6, 2.2e6, 2.6e6, 2.4e6, 2.3e6, 2.5e6, 2.4e6]
    uri, _ = spc_chart(spc.xmr(spend), "Spend on agency staff", unit="gbp", layout=PHONE)
    assert uri.min_text_px == 17.5
