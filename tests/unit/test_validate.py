"""Validation: a valid fixture, and copies of it that break exactly one rule each (Frictionless style)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policylens.cli import main
from policylens.curated import read_curated
from policylens.validate import find_issues, url_problem

DEPLOYMENT = "deployments/FR-NICE-CARNIVAL-2019.yaml"
SOURCES = "sources/fixture.yaml"
CLAIMS = "claims/fixture.yaml"
ORGS = "organisations/fixture.yaml"


def _broken_copy(tmp_path: Path, valid_dir: Path, file: str, old: str, new: str) -> Path:
    root = tmp_path / "curated"
    shutil.copytree(valid_dir, root)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"mutation target {old!r} must occur exactly once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def _line_of(valid_dir: Path, file: str, needle: str) -> int:
    for number, line in enumerate((valid_dir / file).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_valid_fixture_has_no_issues(valid_dir):
    assert find_issues(read_curated(valid_dir)) == []


# (id, file, old text, new text, expected code, field, line anchor text in the valid file)
CASES = [
    ("unknown-field", DEPLOYMENT, "place_name: Nice", "plaec_name: Nice", "unknown-field", "plaec_name", "place_name: Nice"),
    ("missing-title", DEPLOYMENT, "title: Live facial-recognition test at the Nice Carnival\n", "", "missing-field", "title", None),
    ("blank-required", SOURCES, "publisher_name: 20 Minutes", "publisher_name: ''", "missing-field", "publisher_name", "publisher_name: 20 Minutes"),
    ("invalid-code", DEPLOYMENT, "status: pilot", "status: piolt", "invalid-code", "status", "status: pilot"),
    ("unknown-country", DEPLOYMENT, "country_code: FR", "country_code: XZ", "unknown-country", "country_code", "country_code: FR"),
    ("lowercase-country", ORGS, "country_code: MC", "country_code: mc", "unknown-country", "country_code", "country_code: MC"),
    ("unknown-language", SOURCES, "language_code: fr\n  source_kind: specialist", "language_code: xx\n  source_kind: specialist", "unknown-language", "language_code", "language_code: fr"),
    ("impossible-date", DEPLOYMENT, "start_date: 2019-02-16", "start_date: 2019-02-30", "invalid-date", "start_date", "start_date: 2019-02-16"),
    ("end-before-start", DEPLOYMENT, "end_date: 2019-02-20", "end_date: 2018-12", "date-order", "end_date", "end_date: 2019-02-20"),
    ("future-date", DEPLOYMENT, "event_date: 2019-02-15", "event_date: 2099-01-01", "future-date", "event_date", "event_date: 2019-02-15"),
    ("javascript-url", SOURCES, "url: https://www.20minutes.fr", "url: javascript://www.20minutes.fr", "bad-url", "url", "url: https://www.20minutes.fr"),
    ("credentials-in-url", SOURCES, "url: https://www.20minutes.fr", "url: https://user:pw@www.20minutes.fr", "bad-url", "url", "url: https://www.20minutes.fr"),
    ("number-with-separator", DEPLOYMENT, "value: 2350", "value: 2,350", "type-error", "value", "value: 2350"),
    ("boolean", SOURCES, "title_status: as_published\n  publisher_name: Le Quotidien", "title_status: as_published\n  is_mirror: maybe\n  publisher_name: Le Quotidien", "type-error", "is_mirror", None),
    ("duplicate-event-id", DEPLOYMENT, "figure_id: FR-NICE-CARNIVAL-2019-F02", "figure_id: FR-NICE-CARNIVAL-2019-F01", "duplicate-id", "figure_id", "figure_id: FR-NICE-CARNIVAL-2019-F02"),
    ("dangling-organisation", DEPLOYMENT, "actor_organisation_id: cnil", "actor_organisation_id: cnli", "dangling-reference", "actor_organisation_id", "actor_organisation_id: cnil"),
    ("dangling-source", DEPLOYMENT, "sources:\n  - quotidiendutourisme-2019-02-19-carnaval-nice\norganisations", "sources:\n  - quotidiendutourisme-2019-02-19-carnaval-nic\norganisations", "dangling-reference", "source_id", None),
    ("figure-without-quote", DEPLOYMENT, '        quote: "Nice dispose déjà de 2350 caméras"\n', "", "missing-quote", "quote", None),
    ("quote-without-translation", DEPLOYMENT, '        quote_translation_en: "Nice already has 2,350 cameras"\n', "", "missing-translation", "quote_translation_en", None),
    ("opinion-as-evidence", CLAIMS, "citation_role: makes_claim", "citation_role: supports", "claim-only-source", "citation_role", "citation_role: makes_claim"),
    ("uncited-record", DEPLOYMENT, "    description: The CNIL writes to the city setting the conditions of the test.\n    sources:", "    description: The CNIL writes to the city setting the conditions of the test.\n    notes_sources:", "unknown-field", "notes_sources", None),
    ("retracted-without-reason", DEPLOYMENT, "status: pilot", "status: pilot\nrecord_status: retracted", "missing-retraction-reason", "retraction_reason", None),
    ("range-without-upper", DEPLOYMENT, "qualifier: about", "qualifier: range", "bad-range", "value_upper", None),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_each_broken_copy_reports_its_one_problem(tmp_path, valid_dir, case):
    _, file, old, new, code, field, anchor = case
    root = _broken_copy(tmp_path, valid_dir, file, old, new)
    issues = find_issues(read_curated(root))
    ours = [i for i in issues if i.code == code]
    assert ours, f"expected {code}, got {[i.render() for i in issues]}"
    assert ours[0].field == field
    assert ours[0].file.endswith(file)
    if anchor:
        assert ours[0].line == _line_of(valid_dir, file, anchor)
    assert ours[0].expected, "every issue says what was expected"


def test_missing_source_on_an_uncited_event(tmp_path, valid_dir):
    old = ("    sources:\n      - source_id: 20minutes-2019-02-18-nice-reconnaissance-faciale\n"
           "        quote: \"Dans un courrier daté du 15 février et que 20 Minutes a pu consulter, le gendarme de la "
           "protection des données donne son feu vert\"\n        quote_translation_en: \"In a letter dated 15 February "
           "that 20 Minutes has seen, the data-protection watchdog gives its go-ahead\"\n")
    root = _broken_copy(tmp_path, valid_dir, DEPLOYMENT, old, "")
    codes = {(i.code, i.record_id) for i in find_issues(read_curated(root))}
    assert ("missing-source", "FR-NICE-CARNIVAL-2019-E01") in codes
    assert ("unused-source", "20minutes-2019-02-18-nice-reconnaissance-faciale") in codes


def test_confirmed_figure_resting_on_an_opinion_source_is_overstated(tmp_path, valid_dir):
    root = _broken_copy(tmp_path, valid_dir, DEPLOYMENT, "figure_basis: reported\n    support_status: single_source",
                        "figure_basis: seed_claim\n    support_status: confirmed")
    assert "support-overstated" in {i.code for i in find_issues(read_curated(root))}


def test_disagreeing_figures_must_all_be_disputed(tmp_path, valid_dir):
    root = _broken_copy(tmp_path, valid_dir, DEPLOYMENT, "scope: Cameras in the whole city network, not the test",
                        "scope: Cameras in the whole city network, not the test\n    dispute_group: g")
    text = (root / DEPLOYMENT).read_text(encoding="utf-8").replace(
        "scope: Volunteers the test was to be offered to, as announced",
        "scope: Volunteers the test was to be offered to, as announced\n    dispute_group: g")
    (root / DEPLOYMENT).write_text(text.replace("metric: volunteers", "metric: cameras"), encoding="utf-8")
    issues = [i for i in find_issues(read_curated(root)) if i.code == "dispute-not-marked"]
    assert {i.record_id for i in issues} == {"FR-NICE-CARNIVAL-2019-F01", "FR-NICE-CARNIVAL-2019-F02"}


def test_did_you_mean_for_near_misses(tmp_path, valid_dir):
    root = _broken_copy(tmp_path, valid_dir, DEPLOYMENT, "status: pilot", "status: Pilot")
    (issue,) = [i for i in find_issues(read_curated(root)) if i.code == "invalid-code"]
    assert "did you mean 'pilot'" in issue.expected


def test_all_problems_are_reported_at_once_sorted_by_file_and_line(tmp_path, valid_dir):
    root = _broken_copy(tmp_path, valid_dir, DEPLOYMENT, "status: pilot", "status: nope")
    for file, old, new in [(DEPLOYMENT, "country_code: FR", "country_code: ZZ"),
                           (SOURCES, "source_kind: major_media", "source_kind: tabloid")]:
        path = root / file
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    issues = find_issues(read_curated(root))
    assert {i.code for i in issues} >= {"invalid-code", "unknown-country"}
    assert len(issues) >= 3
    assert issues == sorted(issues)


def test_cli_exit_codes_and_summary(tmp_path, valid_dir, capsys):
    assert main(["validate", "--data", str(valid_dir)]) == 0
    root = _broken_copy(tmp_path, valid_dir, DEPLOYMENT, "status: pilot", "status: nope")
    assert main(["validate", "--data", str(root)]) == 1
    out = capsys.readouterr()
    assert "FR-NICE-CARNIVAL-2019.yaml:" in out.out and "invalid-code" in out.out
    assert "1 problem(s)" in out.err
    assert main(["validate", "--data", str(tmp_path / "missing")]) == 2


def test_text_fields_accept_any_characters(tmp_path, valid_dir):
    hostile = '"<script>alert(1)</script> \u202e مرحبا 华为 \\u0000 javascript:alert(1)"'
    root = _broken_copy(tmp_path, valid_dir, DEPLOYMENT, "title: Live facial-recognition test at the Nice Carnival",
                        f"title: {hostile}")
    assert find_issues(read_curated(root)) == []


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/a?b=c", True), ("http://example.org", True), ("javascript:alert(1)", False),
    ("data:text/html,x", False), ("file:///etc/passwd", False), ("https://a b.org", False),
    ("https://u:p@example.org", False), ("//example.org", False), ("https://example.org/\n", False),
])
def test_url_rules(url, ok):
    assert (url_problem(url) == "") is ok


def test_an_empty_folder_is_not_valid(tmp_path, capsys):
    (tmp_path / "deployments").mkdir()
    issues = find_issues(read_curated(tmp_path))
    assert [i.code for i in issues] == ["no-data"]
    assert main(["validate", "--data", str(tmp_path)]) == 1
    assert "no-data" in capsys.readouterr().out
