"""OxCGRT H3 importer: both published layouts, change events, notes, rejected rows, bad input."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from importer_helpers import IMPORT_FIXTURES

from policylens.importers import common, oxcgrt

V1 = IMPORT_FIXTURES / "oxcgrt_v1_withnotes.csv"
TIMESERIES = IMPORT_FIXTURES / "h3_contact_tracing.csv"


@pytest.fixture(scope="module")
def v1():
    return oxcgrt.import_file(V1)


@pytest.fixture(scope="module")
def timeseries():
    return oxcgrt.import_file(TIMESERIES)


def test_v1_reconciles_and_rejects_with_reasons(v1):
    assert (v1.rows_read, v1.rows_imported, len(v1.rejected)) == (19, 16, 3)
    reasons = {r.row: r.reason for r in v1.rejected}
    assert "date order" in reasons[9]  # the duplicated 20200108 row
    assert "not 0, 1, 2" in reasons[10]  # level 3
    assert "YYYYMMDD" in reasons[19]  # 2020-01-03


def test_one_event_per_change_not_per_day(v1):
    events = v1.tables["events"]
    gbr = events[events["deployment_id"] == "OXCGRT-H3-GBR"]
    changes = gbr[gbr["event_type"] == "indicator_change"]
    # GBR has ten daily rows with H3 0,0,1,1,1,2 (plus blanks and rejected rows): three changes.
    assert list(changes["event_date"]) == ["2020-01-03", "2020-01-05", "2020-01-08"]
    figures = v1.tables["figures"]
    assert list(figures.loc[figures["deployment_id"] == "OXCGRT-H3-GBR", "value"]) == [0, 1, 2]
    assert set(figures["metric"]) == {"oxcgrt_h3_level"} and set(figures["unit"]) == {"level"}


def test_a_note_without_a_change_is_a_note_event(v1):
    events = v1.tables["events"].set_index("event_id")
    assert events.loc["OXCGRT-H3-GBR-E003", "event_type"] == "dataset_note"
    assert events.loc["OXCGRT-H3-GBR-E003", "event_date"] == "2020-01-06"


def test_subnational_rows_are_their_own_jurisdiction(v1):
    deployments = v1.tables["deployments"].set_index("deployment_id")
    england = deployments.loc["OXCGRT-H3-GBR-UK_ENG"]
    assert england["geographic_level"] == "region" and england["place_name"] == "England"
    assert england["country_code"] == "GB"
    # 0 -> 2 on 3 Jan, back to 0 on 5 Jan: it ended.
    assert (england["status"], england["start_date"], england["end_date"]) == (
        "ended",
        "2020-01-03",
        "2020-01-05",
    )
    assert deployments.loc["OXCGRT-H3-GBR", "geographic_level"] == "country"


def test_h3_is_labelled_manual_tracing_never_an_app(v1, timeseries):
    for result in (v1, timeseries):
        deployments = result.tables["deployments"]
        assert set(deployments["category"]) == {"manual_contact_tracing"}
        assert not deployments["category"].isin(["contact_tracing_app", "health_code"]).any()
        assert deployments["summary"].str.contains("apps").all()
        assert deployments["title"].str.contains("Manual contact tracing").all()


def test_notes_give_sources_snapshots_and_quotes(v1):
    citations = v1.tables["citations"].set_index("citation_id")
    sources = v1.tables["sources"].set_index("url")
    guidance = sources.loc["https://example.org/phe/contact-tracing-guidance"]
    # Cited live on 5 Jan and as a web.archive.org snapshot on 8 Jan: one source, snapshot kept.
    assert guidance["archive_url"].startswith("https://web.archive.org/web/20200308000000/")
    e2 = citations[citations["target_id"] == "OXCGRT-H3-GBR-E002"]
    assert len(e2) == 2  # two URLs in one note
    assert set(e2["quote"]) == {
        "Contacts of confirmed cases will be followed up by local health protection teams",
        "tracing teams were contacting close contacts […] not every case is traced",
    }
    faq_id = common.source_id_for("oxcgrt", "https://example.org/england/tracing-faq")
    # "URL (see also URL) [quote]": the quote belongs to the URL it directly follows.
    assert (
        citations.loc[f"OXCGRT-H3-GBR-UK_ENG-E002@{faq_id}", "quote"]
        == "all contacts, in every case"
    )


def test_parse_note_handles_parentheses_punctuation_and_unquoted_urls():
    cited = oxcgrt.parse_note(
        "see https://example.org/a). Then https://web.archive.org/web/2020id_/example.org/b "
        "[“one”] [two] and https://example.org/c."
    )
    assert [(c.url, c.archive_url, c.quotes) for c in cited] == [
        ("https://example.org/a", "", ()),
        (
            "http://example.org/b",
            "https://web.archive.org/web/2020id_/example.org/b",
            ("one", "two"),
        ),
        ("https://example.org/c", "", ()),
    ]


def test_values_written_with_decimals_and_na_note_kept(v1):
    figures = v1.tables["figures"]
    nam = figures[figures["deployment_id"] == "OXCGRT-H3-NAM"]
    assert list(nam["value"]) == [0, 1]  # "0.00", "1.00"
    events = v1.tables["events"]
    # In the v1 layout "NA" is text, not "missing": the note "NA" is kept as written.
    assert (
        events.loc[events["event_id"] == "OXCGRT-H3-NAM-E001", "description"]
        .str.endswith("Coder's note: NA")
        .all()
    )


def test_provenance_on_every_row(v1):
    for name, df in v1.tables.items():
        if len(df):
            assert (df["origin_dataset"] == "oxcgrt").all(), name
            assert (df["origin_file"] == V1.name).all(), name
            assert (df["origin_file_sha256"] == v1.file.sha256).all(), name
            assert (df["origin_licence"] == "CC-BY-4.0").all(), name
            assert df["origin_row"].notna().all(), name


def test_timeseries_na_means_missing_and_bad_cells_reject_the_row(timeseries):
    assert (timeseries.rows_read, timeseries.rows_imported, len(timeseries.rejected)) == (4, 3, 1)
    assert timeseries.rejected[0].row == 4 and "03Jan2020='7'" in timeseries.rejected[0].reason
    figures = timeseries.tables["figures"]
    nam = figures[figures["deployment_id"] == "OXCGRT-H3-NAM"]
    # NA, NA, 0, 0, 1, 1: first recorded on 3 Jan, one change on 5 Jan.
    assert list(zip(nam["as_of_date"], nam["value"], strict=True)) == [
        ("2020-01-03", 0),
        ("2020-01-05", 1),
    ]
    abw = figures[figures["deployment_id"] == "OXCGRT-H3-ABW"]
    # 0 0 1 1 NA 2: the NA day is no data, not a change to or from anything.
    assert list(abw["value"]) == [0, 1, 2]
    afg = figures[figures["deployment_id"] == "OXCGRT-H3-AFG"]
    assert list(afg["value"]) == [0, 1, 0]


def test_streaming_in_small_blocks_gives_the_same_tables(v1):
    small = oxcgrt.import_file(V1, block_size=512)
    for name in v1.tables:
        pd.testing.assert_frame_equal(small.tables[name], v1.tables[name], check_like=False)
    assert small.rejected == v1.rejected


def test_renamed_column_is_one_error_listing_expected_and_found(tmp_path):
    bad = tmp_path / "renamed.csv"
    bad.write_text(
        V1.read_text(encoding="utf-8").replace("H3_Contact tracing", "H3_Contact Tracing", 1),
        encoding="utf-8",
    )
    with pytest.raises(common.ImportInputError) as info:
        oxcgrt.import_file(bad)
    assert len(info.value.problems) == 1
    message = info.value.problems[0]
    assert "missing or renamed: 'H3_Contact tracing'" in message
    assert "'H3_Contact tracing' -> found 'H3_Contact Tracing'?" in message
    assert "expected:" in message and "found:" in message and "'CountryName'" in message


def test_unknown_layout_lists_both_layouts(tmp_path):
    bad = tmp_path / "other.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(common.ImportInputError) as info:
        oxcgrt.import_file(bad)
    assert "v1 release" in info.value.problems[0] and "timeseries" in info.value.problems[0]


def test_non_utf8_names_byte_offset_and_encoding_option(tmp_path):
    data = V1.read_bytes().replace(b"Namibia", "Namíbia".encode("latin-1"), 1)
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(data)
    with pytest.raises(common.ImportInputError) as info:
        oxcgrt.import_file(bad)
    offset = data.index(b"\xed")
    assert f"byte offset {offset}" in info.value.problems[0]
    assert "--encoding" in info.value.problems[0]
    result = oxcgrt.import_file(bad, encoding="latin-1")
    assert "Namíbia" in set(result.tables["deployments"]["place_name"])


def test_bom_is_accepted(tmp_path):
    with_bom = tmp_path / "bom.csv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + V1.read_bytes())
    assert oxcgrt.import_file(with_bom).rows_imported == 16


def test_output_package_has_every_table_and_reconciliation(tmp_path, v1):
    from policylens import package, schema

    out = tmp_path / "out"
    common.write_import(v1, out)
    for name in schema.TABLES:
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.parquet").is_file()
    rejected = pd.read_csv(out / "rejected_rows.csv", dtype=str, keep_default_na=False)
    assert list(rejected["row"]) == ["9", "10", "19"]
    events = package.read_csv(out / "events.csv")
    assert len(events) == len(v1.tables["events"])


def test_file_copied_elsewhere_keeps_its_hash_and_name(tmp_path, v1):
    copy = tmp_path / V1.name
    shutil.copy(V1, copy)
    assert oxcgrt.import_file(copy).file.sha256 == v1.file.sha256
