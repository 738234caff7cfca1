"""Analysis functions for the briefs, on the small fixture dataset and on hand-made frames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import policylens
from policylens import compare as C

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curated_small"
# Other briefs add records to the shared fixture: these tests look only at these four.
MINE = [
    "CN-HEALTHCODE-ALIPAY-2020",
    "FR-NICE-CARNIVAL-2019",
    "IN-AAROGYASETU-2020",
    "SG-TRACETOGETHER-2020",
]


class _Mine:
    """The fixture's tables restricted to the four records above."""

    def __init__(self, full):
        self.sources, self.organisations, self.citations = (
            full.sources,
            full.organisations,
            full.citations,
        )
        self.deployments = full.deployments[full.deployments["deployment_id"].isin(MINE)]
        self.events = full.events[full.events["deployment_id"].isin(MINE)]
        self.figures = full.figures[full.figures["deployment_id"].isin(MINE)]
        self.deployment_organisations = full.deployment_organisations[
            full.deployment_organisations["deployment_id"].isin(MINE)
        ]


@pytest.fixture(scope="module")
def data():
    return _Mine(policylens.load(FIXTURE))


def _deployment(
    deployment_id,
    start,
    end=None,
    status="ended",
    category="contact_tracing_app",
    country="SG",
    start_precision="day",
    end_precision="day",
):
    """One deployments row with the interval columns the tables module derives."""

    def interval(text, precision):
        if text is None:
            return pd.NaT, pd.NaT
        lo = pd.Timestamp(text)
        hi = {"day": lo, "month": lo + pd.offsets.MonthEnd(0), "year": lo + pd.offsets.YearEnd(0)}[
            precision
        ]
        return lo, hi

    s0, s1 = interval(start, start_precision)
    e0, e1 = interval(end, end_precision)
    return {
        "deployment_id": deployment_id,
        "title": deployment_id,
        "country_code": country,
        "category": category,
        "status": status,
        "start_date": start,
        "start_date_precision": start_precision,
        "start_date_is_approximate": False,
        "start_date_earliest": s0,
        "start_date_latest": s1,
        "end_date": end,
        "end_date_precision": end_precision if end else None,
        "end_date_is_approximate": False if end else None,
        "end_date_earliest": e0,
        "end_date_latest": e1,
    }


NO_CITATIONS = pd.DataFrame({"target_table": [], "target_id": [], "source_id": []})


def test_selection_filters_countries_categories_and_overlapping_period(data):
    deps = data.deployments
    assert set(C.deployments_in_selection(deps, ["fr"])["deployment_id"]) == {
        "FR-NICE-CARNIVAL-2019"
    }
    assert set(C.deployments_in_selection(deps, "SG,IN")["country_code"]) == {"SG", "IN"}
    apps = C.deployments_in_selection(deps, categories=["health_code"])
    assert list(apps["deployment_id"]) == ["CN-HEALTHCODE-ALIPAY-2020"]
    # Nice ran in February 2019 only; the open-ended Indian app overlaps any later period.
    later = set(C.deployments_in_selection(deps, start="2024")["deployment_id"])
    assert later == {"IN-AAROGYASETU-2020"}
    assert set(C.deployments_in_selection(deps, end="2019")["deployment_id"]) == {
        "FR-NICE-CARNIVAL-2019"
    }
    assert C.deployments_in_selection(deps, ["XX"]).empty


def test_timeline_rows_say_how_each_lane_ends_and_cite_their_sources(data):
    rows = C.timeline_rows(data.deployments, data.citations, events=data.events)
    kinds = dict(zip(rows["deployment_id"], rows["end_kind"], strict=True))
    assert kinds == {
        "CN-HEALTHCODE-ALIPAY-2020": "documented",
        "FR-NICE-CARNIVAL-2019": "documented",
        "IN-AAROGYASETU-2020": "open",
        "SG-TRACETOGETHER-2020": "documented",
    }
    assert list(rows["country_code"]) == sorted(rows["country_code"])
    sg = rows.set_index("deployment_id").loc["SG-TRACETOGETHER-2020"]
    assert sg["source_ids"] == ("wikimili-tracetogether",)
    assert sg["last_event_date"] == pd.Timestamp("2023-02-09")


def test_a_stopped_deployment_without_end_date_is_undocumented_not_open():
    deps = pd.DataFrame(
        [
            _deployment("A", "2020-02-09", status="ended"),
            _deployment("B", "2020-02-09", status="active"),
        ]
    )
    events = pd.DataFrame(
        {"deployment_id": ["A"], "event_date_earliest": [pd.Timestamp("2020-05-19")]}
    )
    rows = C.timeline_rows(deps, NO_CITATIONS, events=events)
    assert list(rows["end_kind"]) == ["undocumented", "open"]
    assert list(rows["is_open_ended"]) == [False, True]


def test_days_in_use_are_ranges_for_partial_dates_and_lower_bounds_without_an_end():
    deps = pd.DataFrame(
        [
            _deployment("EXACT", "2020-03-20", "2020-03-29"),
            _deployment(
                "MONTH", "2020-02-11", "2022-12-01", end_precision="month", category="health_code"
            ),
            _deployment("OPEN", "2020-04-02", status="active"),
            _deployment("STOPPED", "2020-02-09", status="ended", category="health_code"),
        ]
    )
    events = pd.DataFrame(
        {"deployment_id": ["STOPPED"], "event_date_earliest": [pd.Timestamp("2020-05-19")]}
    )
    days = C.days_in_use(deps, NO_CITATIONS, as_of="2020-04-11", events=events).set_index(
        "deployment_id"
    )
    assert (days.loc["EXACT", "days_min"], days.loc["EXACT", "days_max"]) == (10, 10)
    assert (days.loc["MONTH", "days_min"], days.loc["MONTH", "days_max"]) == (1025, 1055)
    assert (days.loc["OPEN", "days_min"], days.loc["OPEN", "days_max"]) == (10, 10)
    assert days.loc["OPEN", "end_kind"] == "open"
    assert days.loc["STOPPED", "days_min"] == 101 and pd.isna(days.loc["STOPPED", "days_max"])
    assert list(days.index) == ["MONTH", "STOPPED", "EXACT", "OPEN"]  # longest first


def test_health_code_comparison_puts_health_codes_first_with_their_operators(data):
    as_of = C.as_of_date(data.events, data.sources)
    table = C.health_code_comparison(
        data.deployments,
        data.deployment_organisations,
        data.organisations,
        data.citations,
        as_of,
        events=data.events,
    )
    assert list(table["deployment_id"]) == [
        "CN-HEALTHCODE-ALIPAY-2020",
        "SG-TRACETOGETHER-2020",
        "IN-AAROGYASETU-2020",
    ]
    cn = table.iloc[0]
    assert (cn["operators"], cn["vendors"]) == ("Hangzhou Municipal Government", "Ant Group")
    assert str(cn["police_data_access"]) == "documented"


def test_as_of_date_is_the_latest_date_in_the_data_never_the_end_of_a_vague_year():
    events = pd.DataFrame(
        {
            "event_date_earliest": [pd.Timestamp("2023-02-09")],
            "event_date_latest": [pd.Timestamp("2023-02-09")],
        }
    )
    sources = pd.DataFrame(
        {
            "published_date_earliest": [pd.Timestamp("2024-01-01"), pd.NaT],
            "published_date_latest": [pd.Timestamp("2024-12-31"), pd.NaT],
        }
    )
    assert C.as_of_date(events, sources) == pd.Timestamp("2024-01-01")
    assert C.as_of_date(events.iloc[:0], sources.iloc[:0]) is None


def test_events_by_country_and_year_counts_each_event_once(data):
    out = C.events_by_country_and_year(data.events, data.deployments, data.citations)
    assert out["events"].sum() == len(data.events)
    fr2019 = out[(out["country_code"] == "FR") & (out["year"] == 2019)]
    assert fr2019.set_index("event_type").loc["regulator_opinion", "events"] == 2
    assert all(isinstance(ids, tuple) for ids in out["source_ids"])


def test_deployments_by_vendor_and_recipient_country(data):
    out = C.deployments_by_vendor_and_recipient_country(
        data.deployments, data.deployment_organisations, data.organisations, data.citations
    )
    ant = out[out["organisation_id"] == "ant-group"].iloc[0]
    assert (ant["country_code"], ant["deployments"]) == ("CN", 1)
    assert "caixin-2020-02-18-alibaba-tencent-health-app" in ant["source_ids"]
    assert "ville-de-nice" not in set(out["organisation_id"])  # an operator, not a supplier


def test_disputed_figures_stay_side_by_side_never_averaged(data):
    figs = C.figures_side_by_side(data.figures, data.citations, data.sources)
    assert len(figs) == len(data.figures)
    volunteers = figs[figs["dispute_group"] == "volunteers"]
    assert volunteers["panel"].nunique() == 1
    assert sorted(volunteers["value"].astype(float)) == [50.0, 1000.0, 2000.0, 5000.0]
    groups = C.disputed_figure_groups(data.figures).set_index("dispute_group")
    assert (groups.loc["volunteers", "values"], groups.loc["volunteers", "value_max"]) == (4, 5000)


def test_source_list_items_mark_copies_and_avoid_double_full_stops(data):
    cited = C.sources_cited(
        data.sources, [("wikimili-tracetogether",), "nyt-2020-03-01-china-color-code"]
    )
    assert list(cited["publisher_name"]) == ["The New York Times", "Wikipedia"]
    items = C.source_list_items(cited, "en")
    assert (
        items[1]["text"] == "Wikipedia, n.d. TraceTogether. (Copy of the original on another site.)"
    )
    assert items[0]["url"].startswith("https://id-ont.org/")
