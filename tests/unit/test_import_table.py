"""Mapped-table importer (Carnegie AIGS example), the mapping file, and safe XLSX reading."""

from __future__ import annotations

import zipfile

import pytest
from importer_helpers import CURATED_CROSSWALK, IMPORT_FIXTURES, write_xlsx

from policylens.importers import common, table, xlsx

AIGS = IMPORT_FIXTURES / "carnegie_aigs.csv"
MAPPING = table.Path(table.__file__).parent / "mappings" / "carnegie_aigs.yaml"
HEADER = [
    "Country",
    "Region",
    "Smart City/Safe City",
    "Facial Recognition Systems",
    "Smart Policing",
    "Key Companies",
]


@pytest.fixture(scope="module")
def crosswalk():
    return common.curated_crosswalk(CURATED_CROSSWALK)


@pytest.fixture(scope="module")
def result(crosswalk):
    return table.import_file(AIGS, MAPPING, crosswalk=crosswalk)


def test_example_mapping_imports_the_example_table(result):
    assert (result.rows_read, result.rows_imported, len(result.rejected)) == (6, 4, 2)
    deployments = result.tables["deployments"]
    assert sorted(zip(deployments["country_code"], deployments["category"], strict=True)) == [
        ("EC", "data_platform"),
        ("EC", "safe_city_platform"),
        ("KE", "facial_recognition"),
        ("KE", "safe_city_platform"),
        ("MM", "safe_city_platform"),
    ]  # Burma through country.aliases
    assert set(deployments["start_date"]) == {"2019"}
    assert set(deployments["origin_licence"]) == {"CC-BY-4.0"}
    reasons = {r.row: r.reason for r in result.rejected}
    assert "'Atlantis'" in reasons[5]
    assert "Smart City/Safe City='maybe'" in reasons[6]


def test_company_typos_and_duplicates_collapse_to_one_vendor(result):
    roles = result.tables["deployment_organisations"]
    kenya = roles[roles["deployment_id"].str.contains("-KE-")]
    # "Huawei, Hauwei, Huawei Technologies": one vendor per deployment
    # (name, the mapping's alias, curated legal-name alias).
    assert sorted(kenya["organisation_id"]) == ["huawei", "huawei"]
    ecuador = roles[roles["deployment_id"].str.contains("-EC-safe-city")]
    # "Mult; Hikvison, Ant Financial, Acme Vision": 'Mult' ignored; misspelling and former
    # name matched.
    assert sorted(ecuador["organisation_id"]) == ["ant-group", "hikvision"]
    assert list(result.unknown_vendors) == ["Acme Vision"]
    assert set(roles["note"]) == {table.VENDOR_NOTE}


def test_the_table_is_the_cited_source(result):
    sources = result.tables["sources"]
    assert list(sources["source_id"]) == ["carnegie-aigs-2019-table"]
    citations = result.tables["citations"]
    assert len(citations) == len(result.tables["deployments"])
    assert citations["locator"].str.contains("row ").all()


def test_na_stays_namibia_unless_the_mapping_says_missing(tmp_path, crosswalk):
    data = tmp_path / "codes.csv"
    data.write_text("code,Smart Policing\nNA,yes\nKE,yes\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    text = (
        "dataset: codes\ntitle: Codes\nlicence: CC-BY-4.0\ncountry: {column: code, match: alpha2}\n"
        "technologies: [{column: Smart Policing, category: data_platform}]\n"
    )
    mapping.write_text(text, encoding="utf-8")
    result = table.import_file(data, mapping, crosswalk=crosswalk)
    assert sorted(result.tables["deployments"]["country_code"]) == ["KE", "NA"]
    mapping.write_text(text + "read: {missing_values: [NA]}\n", encoding="utf-8")
    result = table.import_file(data, mapping, crosswalk=crosswalk)
    assert list(result.tables["deployments"]["country_code"]) == ["KE"]
    assert result.rejected[0].row == 1


def test_mapping_problems_are_reported_together(tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "dataset: Bad Name\nlicence: CC-BY-4.0\ncolour: blue\ncountry: {match: iso}\n"
        "technologies: [{column: X, category: robots}]\n"
        "present_values: yes\ndeployment: {title: '{country} has it'}\n",
        encoding="utf-8",
    )
    with pytest.raises(common.MappingError) as info:
        table.read_mapping(mapping)
    text = "\n".join(info.value.problems)
    for expected in (
        "unknown key 'colour'",
        "dataset: 'Bad Name'",
        ".title: required",
        ".country.column: required",
        "'iso' must be name",
        "'robots' is not a category",
        "present_values: expected a list of texts",
        "unknown placeholder ('country')",
    ):
        assert expected in text


def test_missing_columns_one_error(tmp_path, crosswalk):
    bad = tmp_path / "aigs.csv"
    bad.write_text(
        AIGS.read_text(encoding="utf-8").replace("Key Companies", "Companies", 1), encoding="utf-8"
    )
    with pytest.raises(common.ImportInputError) as info:
        table.import_file(bad, MAPPING, crosswalk=crosswalk)
    assert len(info.value.problems) == 1 and "'Key Companies'" in info.value.problems[0]
    assert "found:" in info.value.problems[0]


# --- XLSX --------------------------------------------------------------------------------------


def _aigs_rows():
    return [
        HEADER,
        ["Kenya", "Sub-Saharan Africa", "yes", "yes", "", "Huawei"],
        ["Ecuador", "Americas", ('=IF(1,"yes","")', "yes"), "", "", "Hikvison"],
        ["Namibia", "Sub-Saharan Africa", ("=B2", None), "", "", ""],
    ]


def test_xlsx_uses_cached_formula_values_and_reports_uncached_ones(tmp_path, crosswalk):
    book = write_xlsx(tmp_path / "aigs.xlsx", _aigs_rows())
    result = table.import_file(book, MAPPING, crosswalk=crosswalk)
    assert sorted(result.tables["deployments"]["country_code"]) == ["EC", "KE", "KE"]
    assert (result.rows_read, result.rows_imported) == (3, 2)
    rejected = result.rejected[0]
    assert rejected.row == 4  # the worksheet's own row number
    assert rejected.reason.startswith("Sheet1!C4: formula '=B2' has no cached value")


def test_formula_in_a_workbook_written_by_openpyxl_is_reported_not_read_as_empty(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Index"
    wb.active.append(["Country", "Total"])
    wb.active.append(["Kenya", "=1+1"])
    wb.save(tmp_path / "book.xlsx")
    sheet = xlsx.read_sheet(tmp_path / "book.xlsx")
    assert sheet.uncached[2][0].startswith("Index!B2: formula '=1+1' has no cached value")


def test_xlsx_ids_stay_strings(tmp_path):
    book = write_xlsx(
        tmp_path / "ids.xlsx", [["id", "n", "code"], ["007", 7, "NA"], ["0123", 2.5, "NO"]]
    )
    sheet = xlsx.read_sheet(book)
    assert sheet.rows == [(2, ["007", "7", "NA"]), (3, ["0123", "2.5", "NO"])]


def test_defusedxml_is_installed_and_active():
    import openpyxl.xml
    import openpyxl.xml.functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")
    xlsx.require_defusedxml()  # does not raise


@pytest.mark.security
def test_entity_expansion_is_refused(tmp_path):
    doctype = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    book = write_xlsx(tmp_path / "lol.xlsx", [["Country"], ["Kenya"]], doctype=doctype)
    with pytest.raises(common.ImportInputError) as info:
        xlsx.read_sheet(book)
    assert "EntitiesForbidden" in info.value.problems[0]


@pytest.mark.security
def test_zip_precheck_rejects_bombs_names_and_counts(tmp_path):
    book = write_xlsx(
        tmp_path / "bomb.xlsx", _aigs_rows(), extra_entries={"xl/media/pad.bin": b"\0" * (3 << 20)}
    )
    with pytest.raises(common.ImportInputError) as info:
        xlsx.precheck_zip(book)
    assert any("expands" in p and "pad.bin" in p for p in info.value.problems)
    evil = write_xlsx(
        tmp_path / "evil.xlsx", _aigs_rows(), extra_entries={"../../etc/x": b"x", "/abs": b"x"}
    )
    with pytest.raises(common.ImportInputError) as info:
        xlsx.precheck_zip(evil)
    assert sum("unsafe entry name" in p for p in info.value.problems) == 2
    with pytest.raises(common.ImportInputError, match="entries in the ZIP container"):
        xlsx.precheck_zip(write_xlsx(tmp_path / "ok.xlsx", _aigs_rows()), max_entries=3)
    with pytest.raises(common.ImportInputError, match="unpacks to"):
        xlsx.precheck_zip(write_xlsx(tmp_path / "ok2.xlsx", _aigs_rows()), max_total=100)
    not_zip = tmp_path / "fake.xlsx"
    not_zip.write_text("Country\nKenya\n", encoding="utf-8")
    with pytest.raises(common.ImportInputError, match="not an XLSX"):
        xlsx.precheck_zip(not_zip)


@pytest.mark.security
def test_zip_entry_lying_about_its_size_is_refused(tmp_path):
    book = write_xlsx(
        tmp_path / "liar.xlsx", _aigs_rows(), extra_entries={"xl/pad.txt": b"a" * 5000}
    )
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as z:
        info = z.getinfo("xl/pad.txt")
    # Shrink the declared size in the central directory: the pre-check must notice the lie.
    pos = data.index(info.filename.encode(), data.index(b"PK\x01\x02"))
    header = pos - 46
    data[header + 24 : header + 28] = (100).to_bytes(4, "little")
    book.write_bytes(bytes(data))
    with pytest.raises(common.ImportInputError, match="does not match its declared size"):
        xlsx.precheck_zip(book)
