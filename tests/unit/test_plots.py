"""Charts: artists, labels and source line are there; partial dates are drawn honestly.

Saved files are byte-for-byte reproducible.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from policylens import plots as P

SOURCES = pd.DataFrame(
    {
        "source_id": ["a", "b", "c", "d"],
        "publisher_name": ["France Bleu", "CNIL", "France Bleu", "eWatchers"],
        "published_date_earliest": pd.to_datetime(["2019-02-18", "2020-02-01", "2020-06-01", None]),
    }
)


def _lane(
    deployment_id,
    start,
    end,
    *,
    end_kind="documented",
    start_hi=None,
    end_hi=None,
    label=None,
    ids=("a",),
):
    return {
        "deployment_id": deployment_id,
        "lane_label": label or deployment_id,
        "start_date_earliest": pd.Timestamp(start),
        "start_date_latest": pd.Timestamp(start_hi or start),
        "start_date_is_approximate": False,
        "end_date_earliest": pd.Timestamp(end) if end else pd.NaT,
        "end_date_latest": pd.Timestamp(end_hi or end) if end else pd.NaT,
        "end_date_is_approximate": False if end else None,
        "end_kind": end_kind,
        "last_event_date": pd.NaT,
        "source_ids": tuple(ids),
    }


def _event(deployment_id, event_type, lo, hi=None, precision="day", ids=("b",)):
    return {
        "deployment_id": deployment_id,
        "event_type": event_type,
        "event_date_precision": precision,
        "event_date_is_approximate": False,
        "event_date_earliest": pd.Timestamp(lo),
        "event_date_latest": pd.Timestamp(hi or lo),
        "source_ids": tuple(ids),
    }


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _top_down(ax):
    """Y tick labels from the top of the chart to the bottom."""
    pairs = zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True)
    return [label for _y, label in sorted(pairs, key=lambda p: -p[0])]


def _texts(fig):
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def test_source_line_groups_publishers_with_their_years_and_keeps_unknown_ids():
    assert P.source_line([("a", "c"), ("b",), "d", "zz"], SOURCES, "en") == (
        "Sources: CNIL (2020); eWatchers (n.d.); France Bleu (2019, 2020); zz (n.d.)"
    )
    assert P.source_line(["a"], SOURCES, "fr") == "Sources : France Bleu (2019)"
    assert P.source_line([(), None], SOURCES, "en") == ""


def test_timeline_draws_lanes_markers_legend_and_its_source_line():
    lanes = pd.DataFrame(
        [
            _lane("NICE", "2019-02-16", "2019-02-20", label="Nice carnival"),
            _lane(
                "APP",
                "2020-04-01",
                None,
                end_kind="open",
                start_hi="2020-04-30",
                label="Tracing app",
                ids=("c",),
            ),
        ]
    )
    events = pd.DataFrame(
        [
            _event("NICE", "regulator_opinion", "2019-02-15"),
            _event("NICE", "report_published", "2019-08-01", "2019-08-31", "month", ids=("d",)),
            _event("OTHER", "court_ruling", "2021-01-01", ids=("zz",)),
        ]
    )
    fig = P.timeline(lanes, events, lang="en", title="Finding", sources=SOURCES, as_of="2021-06-30")
    ax = fig.axes[0]
    assert _top_down(ax) == ["Nice carnival", "Tracing app"]  # in row order, top down
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Regulator opinion or inspection" in legend
    assert "Court filing or ruling" not in legend  # that event belongs to no lane shown
    assert "No end documented (drawn to June 2021)" in legend
    # Only the sources of the rows drawn: the other deployment's "zz" is left out.
    assert (
        P.source_line_of(fig) == "Sources: CNIL (2020); eWatchers (n.d.); France Bleu (2019, 2020)"
    )
    assert P.source_line_of(fig) in _texts(fig)
    assert ax.get_title(loc="left") == "Finding"


def test_timeline_draws_a_month_precision_event_hollow_with_its_whole_month():
    lanes = pd.DataFrame([_lane("NICE", "2019-01-01", "2019-12-31")])
    events = pd.DataFrame([_event("NICE", "report_published", "2019-08-01", "2019-08-31", "month")])
    fig = P.timeline(lanes, events, lang="en", title="t", sources=SOURCES, source_note=False)
    ax = fig.axes[0]
    hollow = [ln for ln in ax.get_lines() if ln.get_marker() == "*"]
    assert len(hollow) == 1 and hollow[0].get_markerfacecolor() == "white"
    spans = [
        ln for ln in ax.get_lines() if len(ln.get_xdata()) == 2 and ln.get_marker() in ("None", "")
    ]
    xs = [pd.Timestamp(x) for x in spans[0].get_xdata()]
    assert xs == [pd.Timestamp("2019-08-01"), pd.Timestamp("2019-08-31")]
    assert P.source_line_of(fig) not in _texts(fig)  # source_note=False leaves it to the brief


def test_timeline_marks_a_stopped_lane_without_end_date():
    lanes = pd.DataFrame([_lane("CODE", "2020-02-09", None, end_kind="undocumented")])
    fig = P.timeline(
        lanes, pd.DataFrame(columns=["deployment_id"]), lang="fr", title="t", sources=SOURCES
    )
    assert "?" in _texts(fig)
    assert "Arrêté, date de fin non documentée (tracé jusqu'à son dernier événement)" in [
        t.get_text() for t in fig.legends[0].get_texts()
    ]


def test_empty_rows_raise_instead_of_drawing_an_empty_axis():
    with pytest.raises(P.EmptyChartError, match="no rows to plot"):
        P.timeline(pd.DataFrame(), pd.DataFrame(), lang="en", title="t", sources=SOURCES)
    with pytest.raises(P.EmptyChartError):
        P.ranked_bars(
            pd.DataFrame(columns=["x", "n"]),
            label="x",
            value="n",
            lang="en",
            title="t",
            sources=SOURCES,
        )


def test_days_in_use_chart_labels_ranges_and_lower_bounds():
    rows = pd.DataFrame(
        {
            "lane_label": ["Code", "App", "Open"],
            "category": ["health_code", "contact_tracing_app", "contact_tracing_app"],
            "days_min": pd.array([1025, 101, 10], dtype="Int64"),
            "days_max": pd.array([1055, None, 12], dtype="Int64"),
            "end_kind": ["documented", "undocumented", "open"],
            "is_open_ended": [False, False, True],
            "source_ids": [("a",), ("b",), ("c",)],
        }
    )
    fig = P.days_in_use_chart(rows, lang="en", title="t", sources=SOURCES, as_of="2024-02-05")
    texts = " | ".join(_texts(fig))
    assert "1,025–1,055 days" in texts
    assert "at least 101 days; end date not documented" in texts
    assert "10–12 days to February 2024; no end documented" in texts


def test_figure_values_chart_keeps_one_row_per_value_and_draws_ranges_as_bars():
    rows = pd.DataFrame(
        {
            "metric": ["volunteers"] * 3,
            "unit": ["count"] * 3,
            "value": [50.0, 1000.0, 4000.0],
            "value_upper": [None, None, 5000.0],
            "qualifier": ["exact", "about", "range"],
            "support_status": ["disputed", "disputed", "unverified"],
            "row_label": ["A, 2019", "B, 2019", "C, 2020"],
            "deployment_id": ["X"] * 3,
            "panel": ["X|volunteers"] * 3,
            "source_ids": [("a",), ("b",), ("c",)],
        }
    )
    fig = P.figure_values_chart(rows, lang="fr", title="t", sources=SOURCES)
    ax = fig.axes[0]
    assert _top_down(ax) == ["A, 2019", "B, 2019", "C, 2020"]
    texts = [t.replace("\u202f", " ").replace("\xa0", " ") for t in _texts(fig)]
    assert any(t.strip() == "~1 000" for t in texts)
    assert any(t.strip() == "4 000–5 000" for t in texts)
    assert ax.get_xscale() == "log"  # 50 to 5,000: a log axis keeps both readable


def test_ranked_bars_sort_largest_first_and_colour_by_evidence():
    rows = pd.DataFrame(
        {
            "country": ["Kenya", "Serbia", "Uganda"],
            "n": [1, 3, 2],
            "evidence": ["vendor_claim", "independent", "independent"],
            "source_ids": [("a",), ("b",), ("c",)],
        }
    )
    fig = P.ranked_bars(
        rows,
        label="country",
        value="n",
        lang="en",
        title="t",
        sources=SOURCES,
        colour_by="evidence",
        colour_labels={"independent": "Documented"},
    )
    assert _top_down(fig.axes[0]) == ["Serbia", "Uganda", "Kenya"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Documented", "vendor_claim"]


def test_stacked_bars_show_totals():
    rows = pd.DataFrame(
        {
            "year": ["2019", "2019", "2020"],
            "kind": ["a", "b", "a"],
            "n": [2, 1, 4],
            "source_ids": [("a",), ("b",), ("c",)],
        }
    )
    fig = P.stacked_bars(
        rows, category="year", stack="kind", value="n", lang="en", title="t", sources=SOURCES
    )
    assert {" 3", " 4"} <= set(_texts(fig))


def test_saved_files_are_reproducible_and_carry_no_date(tmp_path: Path):
    lanes = pd.DataFrame([_lane("NICE", "2019-02-16", "2019-02-20")])
    fig = P.timeline(
        lanes, pd.DataFrame(columns=["deployment_id"]), lang="en", title="t", sources=SOURCES
    )
    first = P.save_figure(fig, tmp_path / "one.svg", formats=("svg", "png"))
    second = P.save_figure(fig, tmp_path / "two.svg", formats=("svg", "png"))
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.suffix
    svg = first[0].read_text()
    assert (
        "<dc:date>" not in svg
        and "Matplotlib" not in svg.split("<defs>")[0].split("<metadata>")[-1]
    )
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_drawable_replaces_scripts_the_chart_font_lacks():
    assert P.drawable("经济观察网 (Economic Observer)") == "Economic Observer"
    assert P.drawable("新华社") == "…"
    assert P.drawable("Le Monde") == "Le Monde"
