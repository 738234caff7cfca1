"""The comparative-timeline, country-profile and health-code briefs execute under papermill.

Each notebook runs on the small fixture dataset with its defaults (English) and with a
non-default parameter set (French, and for the country profile a country with no records), and
the brief blocks it emits are checked: a title, a summary or a clear note, captions and sources.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest

from policylens import report

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "curated_small"

# How each brief's title starts in French: the narrative comes from the catalogue.
FRENCH_TITLES = {
    "comparative_timeline": "Chronologie comparée",
    "country_profile": "Profil pays",
    "health_codes": "Les codes sanitaires chinois",
}
CASES = [
    ("comparative_timeline", {}),
    (
        "comparative_timeline",
        {"lang": "fr", "countries": ["FR", "SG"], "start": "2019", "end": "2021"},
    ),
    ("country_profile", {}),
    ("country_profile", {"lang": "fr", "country": "XX"}),
    ("health_codes", {}),
    ("health_codes", {"lang": "fr", "countries": ["SG", "IN"]}),
    ("comparative_timeline", {"countries": ["XX"]}),
]
# Sentences that say a selection is empty, by brief (and language).
EMPTY = {
    "comparative_timeline": "No deployment in the dataset matches this selection",
    "country_profile": "Les données ne documentent aucun dispositif",
}


def _blocks(nb) -> list[dict]:
    return [
        out["data"][report.MIME]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if report.MIME in out.get("data", {})
    ]


def _execute(name: str, parameters: dict, tmp_path: Path, monkeypatch) -> list[dict]:
    monkeypatch.setenv("POLICYLENS_CURATED_DIR", str(FIXTURE))
    source = tmp_path / f"{name}.ipynb"
    nbformat.write(jupytext.read(REPO / "notebooks" / f"{name}.py"), source)
    out = tmp_path / f"{name}.out.ipynb"
    papermill.execute_notebook(
        str(source),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(REPO),
        progress_bar=False,
        log_output=False,
        execution_timeout=120,
    )
    return _blocks(nbformat.read(out, as_version=4))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "parameters"),
    CASES,
    ids=[f"{n}-{'-'.join(f'{k}={v}' for k, v in p.items()) or 'defaults'}" for n, p in CASES],
)
def test_notebook_executes_and_emits_a_complete_brief(name, parameters, tmp_path, monkeypatch):
    blocks = _execute(name, parameters, tmp_path, monkeypatch)
    kinds = [b["kind"] for b in blocks]
    assert kinds[0] == "title"
    assert blocks[0]["meta"]["lang"] == parameters.get("lang", "en")
    assert blocks[0]["meta"]["brief"] == name
    if parameters.get("lang") == "fr":
        assert blocks[0]["text"].startswith(FRENCH_TITLES[name])
    if "XX" in (parameters.get("country"), *parameters.get("countries", [])):
        # An empty selection says so in a sentence: no empty axis, no empty sources list.
        assert kinds == ["title", "note"]
        assert blocks[1]["text"].startswith(EMPTY[name])
        return
    assert "bullets" in kinds  # the computed summary
    assert kinds[-1] == "sources" and blocks[-1]["items"]
    for block in blocks:
        if block["kind"] in ("figure", "table"):
            assert block["caption"], block["kind"]
            assert block["source_line"].startswith(("Sources: ", "Sources : ")), block["caption"]
        if block["kind"] == "figure":
            assert block["svg"].lstrip().startswith("<?xml")
    if parameters.get("lang") == "fr":
        cells = [c for b in blocks if b["kind"] == "table" for row in b["rows"] for c in row]
        assert any(m in c for c in cells for m in ("janvier", "février", "mars", "avril", "mai"))


@pytest.mark.slow
def test_health_codes_shows_imported_oxcgrt_h3_as_labelled_context(tmp_path, monkeypatch):
    from policylens.cli import main

    imported = tmp_path / "oxcgrt"
    fixture = REPO / "tests" / "fixtures" / "importers" / "oxcgrt_v1_withnotes.csv"
    assert main(["import", "oxcgrt", str(fixture), "--out", str(imported)]) in (0, 3)  # 3: rows rejected
    blocks = _execute("health_codes", {"lang": "fr", "countries": ["SG", "GB"], "imported": [str(imported)]},
                      tmp_path, monkeypatch)
    heading = next(i for i, b in enumerate(blocks) if b["kind"] == "heading" and "OxCGRT" in b["text"])
    note, table = blocks[heading + 1], blocks[heading + 2]
    assert "pas les applications" in blocks[heading]["text"]
    assert note["kind"] == "note" and "ne mesure que le traçage manuel" in note["text"]
    assert table["kind"] == "table" and table["source_line"].startswith("Source : Oxford COVID-19")
    assert {row[0] for row in table["rows"]} == {"Royaume-Uni"}  # GB only: no H3 row for Singapore
    assert any("Traçage des contacts complet" in cell for row in table["rows"] for cell in row)
    # Without imports the brief has no such section.
    (tmp_path / "plain").mkdir()
    plain = _execute("health_codes", {"countries": ["SG"]}, tmp_path / "plain", monkeypatch)
    assert not any("OxCGRT" in b.get("text", "") for b in plain)
