"""Atlas of Surveillance importer: deployments, vendors via the crosswalk, sources, bad input."""

from __future__ import annotations

import csv
import io

import pytest
from importer_helpers import CURATED_CROSSWALK, IMPORT_FIXTURES

from policylens.importers import atlas, common

ATLAS = IMPORT_FIXTURES / "atlas_of_surveillance.csv"


@pytest.fixture(scope="module")
def crosswalk():
    return common.curated_crosswalk(CURATED_CROSSWALK)


@pytest.fixture(scope="module")
def result(crosswalk):
    return atlas.import_file(ATLAS, crosswalk=crosswalk)


def test_reconciliation_and_rejected_rows(result):
    assert (result.rows_read, result.rows_imported, len(result.rejected)) == (6, 4, 2)
    reasons = {r.row: r.reason for r in result.rejected}
    assert reasons[4].startswith("Technology 'Robot Dogs'")
    assert reasons[5] == "AOSNUMBER repeats row 1"


def test_one_row_one_deployment_with_ids_kept_as_strings(result):
    deployments = result.tables["deployments"].set_index("deployment_id")
    assert list(deployments.index) == [
        "AOS-00101",
        "AOS-00102",
        "AOS-00103",
        "AOS-00105",
    ]  # leading zeros kept
    assert deployments.loc["AOS-00101", "category"] == "body_worn_camera"
    assert deployments.loc["AOS-00102", "category"] == "licence_plate_recognition"
    assert deployments.loc["AOS-00103", "category"] == "facial_recognition"
    assert deployments.loc["AOS-00101", "geographic_level"] == "city"
    # "NA" in State is kept as written: the Atlas does not define it as missing.
    assert deployments.loc["AOS-00103", "place_name"] == "Lake County, NA"


def test_vendors_through_the_crosswalk_and_unknown_ones_reported(result):
    roles = result.tables["deployment_organisations"]
    vendors = (
        roles[roles["role"] == "vendor"]
        .groupby("deployment_id")["organisation_id"]
        .apply(sorted)
        .to_dict()
    )
    # "Axon Enterprise, Inc." (legal suffix), "Hikvison" (misspelling alias),
    # "Huawei Technologies Co., Ltd." (legal name).
    assert vendors == {
        "AOS-00101": ["axon"],
        "AOS-00102": ["axon"],
        "AOS-00103": ["hikvision", "huawei"],
    }
    assert list(result.unknown_vendors) == ["Vigilant Solutions"]
    assert result.unknown_vendors["Vigilant Solutions"].rows == [2]
    # Unknown vendors never become organisations; only the agencies do.
    organisations = result.tables["organisations"]
    assert set(organisations["organisation_kind"]) == {"police"}
    assert not organisations["organisation_name"].str.contains("Vigilant").any()


def test_agency_is_operator_and_shared_between_rows(result):
    roles = result.tables["deployment_organisations"]
    operators = roles[roles["role"] == "operator"].set_index("deployment_id")["organisation_id"]
    assert operators["AOS-00101"] == operators["AOS-00102"] == operators["AOS-00105"]
    assert len(result.tables["organisations"]) == 2


def test_links_snapshots_and_other_links_become_sources(result):
    sources = result.tables["sources"].set_index("url")
    contract = sources.loc["https://example.org/springfield/bwc-contract"]
    assert contract["archive_url"].startswith("https://web.archive.org/web/20200101000000/")
    assert contract["publisher_name"] == "City of Springfield"
    assert contract["published_date"] == "2019-06-04"
    assert (
        sources.loc["https://example.com/news/springfield-cameras", "published_date"]
        == "2019-06-05"
    )  # 6/5/2019
    assert {
        "https://example.org/minutes/2020-02.pdf",
        "https://example.org/minutes/2020-03.pdf",
    } <= set(sources.index)
    citations = result.tables["citations"]
    assert set(citations.loc[citations["target_id"] == "AOS-00102", "source_id"]) == {
        sources.loc[u, "source_id"]
        for u in (
            "https://example.com/news/springfield-alpr",
            "https://example.org/minutes/2020-02.pdf",
            "https://example.org/minutes/2020-03.pdf",
        )
    }
    assert any("sometime in 2020" in w for w in result.warnings)
    assert any("'not a url'" in w for w in result.warnings)


def test_provenance_and_licence(result):
    deployments = result.tables["deployments"]
    assert list(deployments["origin_row"]) == [1, 2, 3, 6]
    assert set(deployments["origin_licence"]) == {"CC-BY-4.0"} and set(
        deployments["origin_dataset"]
    ) == {"atlas"}


def test_missing_and_renamed_columns_are_one_error(tmp_path, crosswalk):
    rows = list(csv.reader(io.StringIO(ATLAS.read_text(encoding="utf-8"))))
    rows[0] = [c for c in rows[0] if c != "Other Links"]
    rows[0][rows[0].index("TECH ABV")] = "Tech Abbreviation"
    bad = tmp_path / "atlas.csv"
    with open(bad, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(common.ImportInputError) as info:
        atlas.import_file(bad, crosswalk=crosswalk)
    assert len(info.value.problems) == 1
    message = info.value.problems[0]
    assert (
        "'TECH ABV'" in message and "'Other Links'" in message and "'Tech Abbreviation'" in message
    )
    assert "expected exactly 28 columns" in message


def test_non_utf8_reports_offset(tmp_path, crosswalk):
    data = ATLAS.read_bytes().replace(b"Springfield Police", b"Springfield Polic\xe9", 1)
    bad = tmp_path / "atlas.csv"
    bad.write_bytes(data)
    with pytest.raises(common.ImportInputError) as info:
        atlas.import_file(bad, crosswalk=crosswalk)
    offset = data.index(bytes([0xE9]))
    assert f"byte offset {offset}" in info.value.problems[0]
    assert atlas.import_file(bad, encoding="cp1252", crosswalk=crosswalk).rows_imported == 4
