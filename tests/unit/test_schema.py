"""The schema as code: every field described and used, every code labelled, generated views current."""

from __future__ import annotations

import json

import pytest

from policylens import package, paths, schema, tables, vocab


@pytest.mark.parametrize("name", sorted(schema.FIELDS))
def test_every_field_is_described_and_typed(name):
    field = schema.FIELDS[name]
    assert field.description.strip() and len(field.description) > 15, name
    assert field.type in schema.TYPES, name
    if field.type == "code" and not field.vocabulary:
        assert name in ("country_code",) or name.endswith("language_code"), f"{name}: code without vocabulary"
    if field.vocabulary:
        assert field.vocabulary in vocab.VOCABULARIES, name
    if field.references:
        assert field.references in schema.TABLES, name


def test_every_declared_field_is_used_by_a_table():
    used = {name for table in schema.TABLES.values() for name in table.fields}
    assert set(schema.FIELDS) - used == set()


@pytest.mark.parametrize("table", sorted(schema.TABLES))
def test_tables_refer_only_to_declared_fields(table):
    spec = schema.TABLES[table]
    assert set(spec.fields) <= set(schema.FIELDS)
    assert len(spec.fields) == len(set(spec.fields)), "a column listed twice"
    assert set(spec.required) <= set(spec.fields)
    assert spec.primary_key in spec.fields
    assert set(spec.sort_by) <= set(spec.fields)


@pytest.mark.parametrize("name", sorted(vocab.VOCABULARIES))
def test_every_code_is_labelled_and_aliases_point_at_codes(name):
    v = vocab.VOCABULARIES[name]
    assert v.description
    for code, c in v.codes.items():
        assert c.label.strip() and c.description.strip(), f"{name}.{code}"
    for alias, target in v.aliases.items():
        assert target in v.codes, f"{name}: alias {alias} -> unknown {target}"
        assert alias not in v.codes


def test_every_vocabulary_is_used_by_a_field():
    used = {f.vocabulary for f in schema.FIELDS.values() if f.vocabulary}
    assert set(vocab.VOCABULARIES) - used == set()


def test_codebook_is_current():
    assert paths.CODEBOOK.read_text(encoding="utf-8") == package.codebook_markdown(), (
        "docs/codebook.md is stale: run `policylens codebook`")


def test_datapackage_lists_exactly_the_schema_fields():
    empty = {name: tables.finalise(__import__("pandas").DataFrame(columns=list(t.fields)), name)
             for name, t in schema.TABLES.items()}
    files = package.package_files(empty, "test")
    descriptor = json.loads(files["datapackage.json"])
    assert [r["name"] for r in descriptor["resources"]] == list(schema.TABLES)
    for resource in descriptor["resources"]:
        assert [f["name"] for f in resource["schema"]["fields"]] == list(schema.TABLES[resource["name"]].fields)


@pytest.mark.parametrize("table", sorted(schema.TABLES))
def test_foreign_keys_point_at_primary_keys(table):
    for fk in schema.foreign_keys(table):
        assert fk.references in schema.TABLES
        assert schema.TABLES[fk.references].primary_key in schema.FIELDS
