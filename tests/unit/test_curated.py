"""The strict YAML loader: strings stay strings, and what PyYAML would silently accept is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from policylens.curated import MAX_FILE_BYTES, read_curated, read_yaml


def _read(tmp_path: Path, text: str | bytes):
    path = tmp_path / "x.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    issues = []
    return read_yaml(path, "x.yaml", issues), issues


def test_scalars_stay_strings_norway_and_leading_zeros(tmp_path):
    value, issues = _read(tmp_path, "country_code: NO\nid: 007\nflag: yes\nwhen: 2020-02-30\nn: 1_000\nnull: ~\n")
    assert issues == []
    assert value == {"country_code": "NO", "id": "007", "flag": "yes", "when": "2020-02-30", "n": "1_000", "null": "~"}
    assert value.lines == {"country_code": 1, "id": 2, "flag": 3, "when": 4, "n": 5, "null": 6}


def test_duplicate_key_is_an_error_with_both_lines(tmp_path):
    value, issues = _read(tmp_path, "a: 1\nb: 2\na: 3\n")
    assert [(i.code, i.line, i.field) for i in issues] == [("duplicate-key", 3, "a")]
    assert "first at line 1" in issues[0].expected
    assert value["a"] == "1"


def test_tags_are_refused(tmp_path):
    _, issues = _read(tmp_path, "a: !!python/object/apply:os.system ['id']\nb: !!int 5\n")
    assert [i.code for i in issues] == ["yaml-tag", "yaml-tag"]


def test_anchors_and_aliases_are_refused(tmp_path):
    _, issues = _read(tmp_path, "a: &x [1, 2]\nb: *x\n")
    assert [i.code for i in issues] == ["yaml-alias"]


def test_files_over_the_cap_are_refused_before_parsing(tmp_path):
    _, issues = _read(tmp_path, "a: [" + "1," * (MAX_FILE_BYTES // 2) + "1]\n")
    assert [i.code for i in issues] == ["size-limit"]


def test_non_utf8_names_the_byte_offset_and_line(tmp_path):
    _, issues = _read(tmp_path, b"a: ok\nb: caf\xe9\n")
    assert [(i.code, i.line) for i in issues] == [("encoding-error", 2)]
    assert "offset 12" in issues[0].value  # len("a: ok\nb: caf")


def test_syntax_error_has_a_line(tmp_path):
    _, issues = _read(tmp_path, "a: [1, 2\nb: 3\n")
    assert issues[0].code == "yaml-syntax" and issues[0].line >= 2


def test_every_file_is_read_even_when_some_are_broken(tmp_path, valid_dir):
    import shutil

    root = tmp_path / "curated"
    shutil.copytree(valid_dir, root)
    (root / "sources" / "broken.yaml").write_text("- source_id: x\n  url: [\n")
    (root / "organisations" / "dup.yaml").write_text("- organisation_id: a\n  organisation_id: b\n")
    data = read_curated(root)
    assert {i.code for i in data.issues} == {"yaml-syntax", "duplicate-key"}
    assert len(data.of("deployments")) == 1 and len(data.of("sources")) == 3
