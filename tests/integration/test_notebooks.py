"""Every brief notebook executes under papermill, opens through jupytext, and is in the matrix.

The evidence briefs (French facial recognition, security exports, source audit) run here on the
small fixture dataset with their defaults, with a non-default parameter set and with an empty
selection; the other three run in ``test_notebooks_a.py``. A coverage test makes sure that no
notebook under ``notebooks/`` escapes both lists, and that each is in the brief matrix in English
and French.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

from policylens import report
from policylens.build.matrix import read_matrix

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "curated_small"
NOTEBOOKS = sorted(p.stem for p in (REPO / "notebooks").glob("*.py"))

CASES = [
    ("facial_recognition_france", {}),
    ("facial_recognition_france", {"lang": "fr", "categories": ["facial_recognition"], "since": 2019}),
    ("facial_recognition_france", {"categories": ["social_credit"]}),
    ("security_exports", {}),
    ("security_exports", {"lang": "fr", "vendor": "hikvision"}),
    ("security_exports", {"vendor": "cnil"}),
    ("source_audit", {}),
    ("source_audit", {"lang": "fr", "country": "FR"}),
    ("source_audit", {"country": "XX"}),
]
# Parameter sets that select nothing, and a word the sentence saying so must contain.
EMPTY = {("facial_recognition_france", "social_credit"): "No deployment in France",
         ("security_exports", "hikvision"): "Aucune organisation",
         ("security_exports", "cnil"): "No deployment supplied by",
         ("source_audit", "XX"): "nothing to audit"}
FRENCH_TITLES = {"facial_recognition_france": "La reconnaissance faciale",
                 "security_exports": "exportations de sécurité", "source_audit": "Audit des preuves"}


def _case_id(name: str, parameters: dict) -> str:
    return f"{name}-{'-'.join(f'{k}={v}' for k, v in parameters.items()) or 'defaults'}"


def _blocks(nb) -> list[dict]:
    return [out["data"][report.MIME] for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if report.MIME in out.get("data", {})]


def _execute(name: str, parameters: dict, tmp_path: Path, monkeypatch) -> list[dict]:
    monkeypatch.setenv("POLICYLENS_CURATED_DIR", str(FIXTURE))
    source = tmp_path / f"{name}.ipynb"
    nbformat.write(jupytext.read(REPO / "notebooks" / f"{name}.py"), source)
    out = tmp_path / f"{name}.out.ipynb"
    papermill.execute_notebook(str(source), str(out), parameters=parameters, kernel_name="python3",
                               cwd=str(REPO), progress_bar=False, log_output=False, execution_timeout=120)
    return _blocks(nbformat.read(out, as_version=4))


def _empty_sentence(name: str, parameters: dict) -> str | None:
    for (nb, value), sentence in EMPTY.items():
        if nb == name and value in map(str, [v for vs in parameters.values()
                                            for v in (vs if isinstance(vs, list) else [vs])]):
            return sentence
    return None


@pytest.mark.slow
@pytest.mark.parametrize(("name", "parameters"), CASES, ids=[_case_id(n, p) for n, p in CASES])
def test_evidence_brief_executes_and_is_complete(name, parameters, tmp_path, monkeypatch):
    blocks = _execute(name, parameters, tmp_path, monkeypatch)
    kinds = [b["kind"] for b in blocks]
    lang = parameters.get("lang", "en")
    assert kinds[0] == "title"
    assert blocks[0]["meta"]["brief"] == name and blocks[0]["meta"]["lang"] == lang
    if lang == "fr":
        assert FRENCH_TITLES[name] in blocks[0]["text"], blocks[0]["text"]
    sentence = _empty_sentence(name, parameters)
    if sentence:  # an empty selection is a clear sentence, not a crash or an empty chart
        assert kinds == ["title", "note"], kinds
        assert sentence in blocks[1]["text"]
        return
    assert "bullets" in kinds  # the summary, computed from the tables
    assert "figure" in kinds
    assert kinds[-1] == "sources" and blocks[-1]["items"]
    for block in blocks:
        if block["kind"] in ("figure", "table"):
            assert block["caption"], block
            assert block["source_line"].startswith(("Sources: ", "Sources : ")), block["caption"]
        if block["kind"] == "figure":
            assert block["svg"].lstrip().startswith("<?xml")


@pytest.mark.slow
def test_summary_numbers_come_from_the_data(tmp_path, monkeypatch):
    blocks = _execute("security_exports", {}, tmp_path, monkeypatch)
    summary = next(b for b in blocks if b["kind"] == "bullets")["items"]
    exports = next(b for b in blocks if b["kind"] == "table")
    assert summary[0].startswith(f"{len(exports['rows'])} deployments supplied by Huawei outside China")
    countries = {row[0] for row in exports["rows"]}
    assert f"in {len(countries)} countries" in summary[0]


def _load_other_cases() -> list[tuple[str, dict]]:
    path = Path(__file__).with_name("test_notebooks_a.py")
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location("_notebooks_a_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.CASES)


def test_every_notebook_runs_with_defaults_and_with_other_parameters():
    cases = CASES + _load_other_cases()
    for name in NOTEBOOKS:
        sets = [p for n, p in cases if n == name]
        assert {} in sets, f"{name}: no papermill run with the defaults"
        assert any(p and p.get("lang") == "fr" for p in sets), f"{name}: no run in French"
        assert any(p for p in sets), f"{name}: no run with non-default parameters"


def test_every_notebook_is_in_the_matrix_in_both_languages():
    matrix = read_matrix(REPO / "reports" / "briefs.yaml", REPO, REPO / "reports" / "_build")
    built = {(b.notebook.name, b.lang) for b in matrix.briefs}
    assert {(n, lang) for n in NOTEBOOKS for lang in ("en", "fr")} <= built
    profiles = {b.parameters["country"] for b in matrix.briefs if b.notebook.name == "country_profile"}
    assert {"CN", "FR"} <= profiles and len(profiles) >= 5
    assert any(b.parameters.get("vendor") == "huawei" for b in matrix.briefs
               if b.notebook.name == "security_exports")


def test_repository_jupytext_configuration_keeps_cell_tags():
    config_file = find_jupytext_configuration_file(str(REPO / "notebooks"))
    assert Path(config_file).resolve() == (REPO / "pyproject.toml").resolve()
    config = load_jupytext_configuration_file(config_file)
    assert "py:percent" in str(config.formats)
    # A cell metadata filter of "-all" would strip the papermill "parameters" tag.
    assert config.cell_metadata_filter != "-all"


def _parameters_cells(nb) -> list:
    return [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_jupytext_round_trip_keeps_the_parameters_cell(name, tmp_path):
    source = REPO / "notebooks" / f"{name}.py"
    ipynb = tmp_path / f"{name}.ipynb"
    back = tmp_path / f"{name}.py"
    run = [sys.executable, "-m", "jupytext", "--quiet"]
    subprocess.run([*run, "--to", "ipynb", "--output", str(ipynb), str(source)], check=True, cwd=REPO)
    notebook = nbformat.read(ipynb, as_version=4)
    cells = _parameters_cells(notebook)
    assert len(cells) == 1 and 'lang = "en"' in cells[0].source
    subprocess.run([*run, "--to", "py:percent", "--output", str(back), str(ipynb)], check=True, cwd=REPO)
    again = jupytext.read(back)
    original = jupytext.read(source)
    assert [c.source for c in again.cells] == [c.source for c in original.cells]
    assert [c.cell_type for c in again.cells] == [c.cell_type for c in original.cells]
    assert len(_parameters_cells(again)) == 1
