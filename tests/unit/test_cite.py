"""``policylens cite``: which sources, and output that reference parsers load with titles intact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import policylens
from policylens import citations, cli

PUB = Path(__file__).parents[1] / "fixtures" / "publishing"
FIXTURE = PUB / "curated"
MATRIX = PUB / "briefs.yaml"
CHINESE = "最近都在用'健康码'到底是啥?一文看懂"
FRENCH = "La CNIL est très réservée sur l'usage de la reconnaissance faciale à Nice"
NICE = "FR-NICE-CARNIVAL-2019"
CN = "CN-HEALTHCODE-ALIPAY-2020"


@pytest.fixture(scope="module")
def data():
    return policylens.load(FIXTURE)


def _cite(capsys, *args: str) -> str:
    assert cli.main(["cite", "--data", str(FIXTURE), *args]) == 0
    return capsys.readouterr().out


def _titles(data, ids):
    return {s["source_id"]: s["source_title"] for s in citations.source_records(ids, data)}


def test_deployment_sources_include_events_figures_and_roles(data):
    ids = set(citations.sources_for_deployment(NICE, data))
    cit = data.citations
    for table in ("deployments", "events", "figures", "deployment_organisations"):
        of_table = cit[
            (cit["target_table"] == table) & cit["target_id"].astype(str).str.startswith(NICE)
        ]
        assert not of_table.empty, table
        assert set(of_table["source_id"].astype(str)) <= ids, table
    assert "51cto-2020-02-jiankangma" not in ids
    assert citations.sources_for_deployment(CN, data) == ["51cto-2020-02-jiankangma"]


def test_brief_selection_follows_its_parameters(data):
    assert citations.deployments_for_brief(
        "country_profile", {"country": "FR", "lang": "fr"}, data
    ) == [NICE]
    assert citations.deployments_for_brief(
        "comparative_timeline", {"countries": ["FR", "CN"], "start": "2020"}, data
    ) == [CN]  # Nice ended in 2019
    assert citations.deployments_for_brief("comparative_timeline", {"end": "2019"}, data) == [NICE]
    assert citations.deployments_for_brief("security_exports", {"vendor": "confidentia"}, data) == [
        NICE
    ]
    assert citations.deployments_for_brief("facial_recognition_france", {}, data) == [NICE]
    assert citations.deployments_for_brief("health_codes", {}, data) == [CN]
    # source_audit cites the figures (and claims) it audits, nothing else.
    cit = data.citations
    of_figures = set(cit.loc[cit["target_table"] == "figures", "source_id"].astype(str))
    assert set(citations.sources_for_brief("source_audit", {}, data)) == of_figures
    assert citations.sources_for_brief("source_audit", {"country": "CN"}, data) == []
    # comparative_timeline cites its lanes and their events, not figures or roles.
    timeline = set(citations.sources_for_brief("comparative_timeline", {"countries": ["FR"]}, data))
    lanes_events = cit[
        cit["target_table"].isin(["deployments", "events"])
        & cit["target_id"].astype(str).str.startswith(NICE)
    ]
    assert timeline == set(lanes_events["source_id"].astype(str))


def test_notebook_defaults_are_read_from_the_parameters_cell():
    source = (
        '# %% [markdown]\n# x = 1\n\n# %% tags=["parameters"]\nlang = "en"\n'
        'countries = []  # comment\nsince = 2010\nlabel = "NO"\nderived = len("x")\n\n'
        "# %%\nafter = 3\n"
    )
    defaults = citations.notebook_defaults(source)
    assert defaults == {"lang": "en", "countries": [], "since": 2010, "label": "NO"}
    assert citations.notebook_defaults("# %%\nx = 1\n") == {}


def test_registered_scope_decides_a_briefs_records(data, monkeypatch):
    monkeypatch.setitem(
        citations.BRIEF_SCOPES, "only_one_event", "tests.unit.test_cite:_one_event_scope"
    )
    monkeypatch.syspath_prepend(str(Path(__file__).parents[2]))
    event = data.events.loc[data.events["deployment_id"] == NICE, "event_id"].iloc[0]
    expected = sorted(
        set(data.citations.loc[data.citations["target_id"] == event, "source_id"].astype(str))
    )
    assert citations.sources_for_brief("only_one_event", {"event": event}, data) == expected


def _one_event_scope(params, data):
    return [params["event"]]


def test_cli_brief_matches_the_function_the_notebook_calls(data, capsys):
    out = _cite(
        capsys, "--matrix", str(MATRIX), "--brief", "country_profile-FR.fr", "--format", "csl-json"
    )
    cli_ids = [item["id"] for item in json.loads(out)]
    notebook_items = citations.source_items(
        citations.sources_for_brief("country_profile", {"country": "FR"}, data), data
    )
    assert cli_ids == [i["source_id"] for i in notebook_items]
    # The language suffix may be left out: every language of a brief cites the same sources.
    assert (
        _cite(
            capsys, "--matrix", str(MATRIX), "--brief", "country_profile-FR", "--format", "csl-json"
        )
        == out
    )


def test_cli_usage_errors(capsys):
    assert cli.main(["cite", "--data", str(FIXTURE), "--deployment", "FR-NICE"]) == 2
    assert "unknown deployment id 'FR-NICE'" in capsys.readouterr().err
    assert (
        cli.main(
            [
                "cite",
                "--data",
                str(FIXTURE),
                "--matrix",
                str(MATRIX),
                "--brief",
                "country_profile-GB",
            ]
        )
        == 2
    )
    assert "no brief 'country_profile-GB'" in capsys.readouterr().err


def test_bibtex_loads_in_bibtexparser_with_titles_intact(data, capsys):
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    out = _cite(capsys, "--deployment", NICE, "--deployment", CN, "--format", "bibtex")
    library = bibtexparser.parse_string(out, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    parsed = {e.key: e["title"] for e in library.entries}
    expected = _titles(
        data,
        sorted(set(citations.sources_for_deployment(NICE, data)) | {"51cto-2020-02-jiankangma"}),
    )
    assert parsed == expected
    assert parsed["51cto-2020-02-jiankangma"] == CHINESE
    assert parsed["01net-2019-02-nice-cnil-reservee"] == FRENCH


def test_bibtex_escapes_latex_specials():
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    title = "Vidéo & caméras: 100% {sûr}? #1 $x_y$"
    text = citations.to_bibtex(
        [
            {
                "source_id": "x-1",
                "source_title": title,
                "publisher_name": "Édition_Test",
                "published_date": "2019-02~",
                "author_name": "Luo Ya",
            }
        ]
    )
    (entry,) = bibtexparser.parse_string(
        text, append_middleware=[LatexDecodingMiddleware()]
    ).entries
    assert entry["title"] == title
    assert entry["howpublished"] == "Édition_Test"
    assert entry["year"] == "2019"
    # biblatex reads `date` as EDTF, so the "~" (circa) is written raw, not as LaTeX.
    (raw,) = bibtexparser.parse_string(text).entries
    assert raw["date"] == "2019-02~"


def test_ris_loads_in_rispy_with_titles_intact(data, capsys):
    import rispy

    out = _cite(capsys, "--deployment", NICE, "--deployment", CN, "--format", "ris")
    records = rispy.loads(out)
    assert {r["id"]: r["title"] for r in records} == _titles(data, [r["id"] for r in records])
    cn = next(r for r in records if r["id"] == "51cto-2020-02-jiankangma")
    assert cn["title"] == CHINESE and cn["urls"] == ["https://51cto.com/article/610758.html"]
    assert cn["language"] == "zh" and cn["year"] == "2020"


def test_csl_json_renders_in_citeproc_with_titles_intact(data, capsys):
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    out = _cite(capsys, "--deployment", NICE, "--deployment", CN, "--format", "csl-json")
    items = json.loads(out)
    assert {i["id"]: i["title"] for i in items}["51cto-2020-02-jiankangma"] == CHINESE
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = "\n".join(str(entry) for entry in bibliography.bibliography())
    assert CHINESE in rendered
    assert FRENCH in rendered


def test_source_items_for_the_report_sources_block(data):
    (item,) = citations.source_items(["51cto-2020-02-jiankangma"], data)
    assert item == {
        "source_id": "51cto-2020-02-jiankangma",
        "text": f"51CTO (c. 2020-02). {CHINESE}.",
        "url": "https://51cto.com/article/610758.html",
    }
    with pytest.raises(KeyError, match="unknown source id"):
        citations.source_records(["nope"], data)
