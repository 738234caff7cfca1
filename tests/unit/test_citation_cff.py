"""CITATION.cff is valid Citation File Format 1.2.0 and names both the software and the dataset."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

REPO = Path(__file__).parents[2]
SCHEMA = REPO / "tests" / "fixtures" / "publishing" / "cff-1.2.0.schema.json"


def _citation() -> dict:
    # CFF is YAML 1.2, where dates and versions stay what they look like; the safe loader would make
    # an unquoted date a datetime.date, which the schema rejects, exactly as other CFF tools would.
    return yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_cff_is_valid_against_the_cff_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    jsonschema.validate(_citation(), schema, cls=jsonschema.Draft7Validator)


def test_schema_rejects_a_broken_citation():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = {k: v for k, v in _citation().items() if k != "authors"}
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))


def test_names_the_software_and_the_dataset():
    cff = _citation()
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "software" and cff["title"] == "policylens"
    assert cff["authors"] == [{"name": "policylens contributors"}]
    (dataset,) = [r for r in cff["references"] if r["type"] == "data"]
    assert dataset["license"] == "CC-BY-4.0"
    # The software version matches the package it describes.
    import policylens

    assert cff["version"] == policylens.__version__
