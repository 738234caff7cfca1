"""The brief matrix: strict YAML, declared parameter types, ids in file names, path escapes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from policylens.build.matrix import MatrixError, parameters_cell_names, parse_matrix

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "reports"
HEAD = """\
format: 1
warm: []
notebooks:
  profile:
    path: tests/fixtures/build/profile.py
    parameters:
      country: {type: id, choices: [FR, "NO", GB]}
      year_from: {type: int}
      label: {type: str}
"""


def parse(briefs: str, head: str = HEAD):
    return parse_matrix(head + textwrap.dedent(briefs), "briefs.yaml", REPO, OUT)


def problems(briefs: str, head: str = HEAD) -> str:
    with pytest.raises(MatrixError) as info:
        parse(briefs, head)
    return "\n".join(info.value.problems)


def test_values_are_typed_by_the_declaration_not_guessed():
    m = parse("""\
    briefs:
      - notebook: profile
        parameters: {country: NO, label: None, year_from: "007"}
        langs: [en]
      - notebook: profile
        parameters: {country: FR, label: "007"}
    """)
    assert [b.id for b in m.briefs] == ["profile-NO.en", "profile-FR.en", "profile-FR.fr"]
    assert m.briefs[0].parameters == {"country": "NO", "label": "None", "year_from": 7}
    assert m.briefs[1].parameters["label"] == "007"
    assert m.briefs[0].all_parameters["lang"] == "en"


def test_unknown_parameter_names_are_errors_with_file_and_line():
    text = problems("""\
    briefs:
      - notebook: profile
        parameters: {country: FR, colour: red}
    """)
    assert "briefs.yaml:12: briefs[0].parameters.colour: unknown parameter 'colour'" in text


def test_declared_parameters_must_exist_in_the_notebook_cell():
    head = HEAD.replace("label: {type: str}", "label: {type: str}\n      region: {type: str}")
    text = problems("briefs: []\n", head)
    assert ("unknown parameter 'region': the parameters cell of "
            "tests/fixtures/build/profile.py") in text


def test_all_problems_are_reported_at_once():
    text = problems("""\
    briefs:
      - notebook: profile
        parameters: {country: XX, year_from: soon}
      - notebook: missing
    """)
    assert "'XX': expected one of FR, NO, GB" in text
    assert "'soon': expected an integer" in text
    assert "unknown notebook 'missing'" in text


@pytest.mark.security
def test_ids_that_would_escape_the_output_folder_are_refused():
    head = HEAD.replace('choices: [FR, "NO", GB]', 'choices: ["../../etc", FR]')
    assert "an id parameter needs a list of allowed ids" in problems("briefs: []\n", head)
    text = problems("""\
    briefs:
      - {notebook: profile, parameters: {country: ../../etc}}
    """)
    assert "expected an id" in text


@pytest.mark.security
def test_a_notebook_path_outside_the_repository_is_refused():
    head = HEAD.replace("tests/fixtures/build/profile.py", "../../etc/passwd")
    assert "must stay inside the repository" in problems("briefs: []\n", head)


@pytest.mark.security
@pytest.mark.parametrize("bad, message", [
    ("format: 1\nformat: 1\n", "duplicate key 'format'"),
    ("x: !!python/object:os.system ls\n", "YAML tag"),
    ("a: &x [1]\nb: *x\n", "aliases are not accepted"),
])
def test_yaml_is_read_strictly(bad, message):
    with pytest.raises(MatrixError) as info:
        parse_matrix(bad, "briefs.yaml", REPO, OUT)
    assert message in "\n".join(info.value.problems)


def test_parameters_cell_is_found_without_jupytext():
    source = (REPO / "tests/fixtures/build/profile.py").read_text()
    assert parameters_cell_names(source) == {"country", "lang", "year_from", "label"}
    assert parameters_cell_names("# %%\nx = 1\n") is None
