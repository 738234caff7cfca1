"""Country x technology x vendor tables (CSV or XLSX) read through a declarative mapping file.

A mapping (YAML, read as strictly as the curated files) says which column holds the country, which
columns are technologies (with the cell values meaning "present" and "absent") and which column
lists vendors as free text. Each row becomes one deployment per technology marked present, with the
vendors the crosswalk recognises as ``vendor`` roles. ``docs/importing.md`` documents every key,
with a complete worked example (``importers/mappings/carnegie_aigs.yaml``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from policylens import schema, vocab
from policylens.importers import common

DATASET = "table"
MAPPING_KEYS = {
    "dataset",
    "title",
    "licence",
    "as_of",
    "source",
    "read",
    "country",
    "technologies",
    "present_values",
    "absent_values",
    "vendors",
    "deployment",
}
DEFAULT_PRESENT = ("yes", "Yes", "YES", "y", "Y", "x", "X")
DEFAULT_ABSENT = ("", "no", "No", "NO")
TEMPLATE_FIELDS = ("category_label", "country_name", "country_code", "title", "column", "dataset")
VENDOR_NOTE = (
    "Named in the table's vendor column for the country as a whole; the table does not say "
    "which technology."
)


@dataclass
class Technology:
    """One technology column and the category it stands for."""

    column: str
    category: str


@dataclass
class Mapping:
    """A validated mapping file."""

    dataset: str
    title: str
    licence: str
    as_of: str
    country_column: str
    country_match: str
    country_aliases: dict[str, str]
    technologies: list[Technology]
    present: frozenset[str]
    absent: frozenset[str]
    missing: frozenset[str]
    sheet: str | None = None
    header_row: int = 1
    encoding: str = "utf-8"
    vendor_column: str = ""
    vendor_separators: str = r"[,;\n]"
    vendor_ignore: frozenset[str] = frozenset()
    vendor_aliases: dict[str, str] = field(default_factory=dict)
    vendor_role: str = "vendor"
    source: dict[str, str] = field(default_factory=dict)
    status: str = ""
    title_template: str = "{category_label}, {country_name} ({title})"
    summary_template: str = "{title} marks {category_label} as present in {country_name}."


def _strings(value, where: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        out = [v for v in value if isinstance(v, str)]
        if len(out) != len(value):
            problems.append(f"{where}: every item must be plain text")
        return out
    problems.append(f"{where}: expected a list of texts")
    return []


def _mapping_dict(value, where: str, problems: list[str]) -> dict:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    problems.append(f"{where}: expected a mapping of keys to values")
    return {}


def _required(section: dict, key: str, where: str, problems: list[str]) -> str:
    value = section.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}.{key}: required (non-blank text)")
        return ""
    return value


def _load(path: Path):
    from policylens.curated import read_yaml

    if not path.is_file():
        raise common.MappingError([f"{path}: no such mapping file"])
    issues: list = []
    raw = read_yaml(path, path.name, issues)
    if issues:
        raise common.MappingError([i.render() for i in issues])
    if not isinstance(raw, dict):
        raise common.MappingError(
            [f"{path.name}: a mapping file is a YAML mapping (key: value lines)"]
        )
    return raw


def _partial_date(value: str, where: str, problems: list[str]) -> str:
    if value and not re.fullmatch(schema.PARTIAL_DATE_PATTERN, value):
        problems.append(f"{where}: {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def _top(raw: dict, where: str, problems: list[str]) -> dict:
    for key in sorted(set(raw) - MAPPING_KEYS):
        problems.append(
            f"{where}:{raw.lines[key]}: unknown key {key!r}; known: "
            + ", ".join(sorted(MAPPING_KEYS))
        )
    dataset = _required(raw, "dataset", where, problems)
    if dataset and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", dataset):
        problems.append(f"{where}.dataset: {dataset!r} must be lower-case letters, digits and '-'")
    return {
        "dataset": dataset,
        "title": _required(raw, "title", where, problems),
        "licence": _required(raw, "licence", where, problems),
        "as_of": _partial_date(raw.get("as_of") or "", f"{where}.as_of", problems),
    }


def _country(raw: dict, where: str, problems: list[str]) -> dict:
    country = _mapping_dict(raw.get("country"), f"{where}.country", problems)
    match = country.get("match", "name")
    if match not in ("name", "alpha2", "alpha3"):
        problems.append(f"{where}.country.match: {match!r} must be name, alpha2 or alpha3")
    aliases = _mapping_dict(country.get("aliases"), f"{where}.country.aliases", problems)
    for k, v in aliases.items():
        if not (isinstance(v, str) and re.fullmatch(r"[A-Z]{2}", v)):
            problems.append(
                f"{where}.country.aliases: {k!r} -> {v!r}: the value must be an ISO alpha-2 code"
            )
    return {
        "country_column": _required(country, "column", f"{where}.country", problems),
        "country_match": match,
        "country_aliases": dict(aliases),
    }


def _technologies(raw: dict, where: str, problems: list[str]) -> list[Technology]:
    items = raw.get("technologies")
    if not isinstance(items, list) or not items:
        problems.append(f"{where}.technologies: required, a list of {{column, category}}")
        return []
    out = []
    for index, item in enumerate(items, start=1):
        here = f"{where}.technologies[{index}]"
        item = _mapping_dict(item, here, problems)
        column, category = (
            _required(item, "column", here, problems),
            _required(item, "category", here, problems),
        )
        if category and category not in vocab.CATEGORY:
            problems.append(
                f"{here}.category: {category!r} is not a category; known: "
                + ", ".join(vocab.CATEGORY.codes)
            )
        out.append(Technology(column, category))
    return out


def _reading(raw: dict, where: str, problems: list[str]) -> dict:
    read = _mapping_dict(raw.get("read"), f"{where}.read", problems)
    header_row = read.get("header_row", "1")
    if not str(header_row).isdigit() or int(header_row) < 1:
        problems.append(
            f"{where}.read.header_row: {header_row!r} must be a row number (1 = first row)"
        )
        header_row = "1"
    present = _strings(raw.get("present_values"), f"{where}.present_values", problems)
    absent = _strings(raw.get("absent_values"), f"{where}.absent_values", problems)
    return {
        "present": frozenset(present or DEFAULT_PRESENT),
        "absent": frozenset(absent or DEFAULT_ABSENT),
        "missing": frozenset(
            _strings(read.get("missing_values"), f"{where}.read.missing_values", problems)
        ),
        "sheet": read.get("sheet") or None,
        "header_row": int(header_row),
        "encoding": read.get("encoding") or "utf-8",
    }


def _vendors(raw: dict, where: str, problems: list[str]) -> dict:
    vendors = _mapping_dict(raw.get("vendors"), f"{where}.vendors", problems)
    role = vendors.get("role", "vendor")
    if role not in vocab.ROLE:
        problems.append(
            f"{where}.vendors.role: {role!r} is not a role; known: " + ", ".join(vocab.ROLE.codes)
        )
    separators = vendors.get("separators", r"[,;\n]")
    try:
        re.compile(separators)
    except re.error as exc:
        problems.append(f"{where}.vendors.separators: not a regular expression ({exc})")
    aliases = _mapping_dict(vendors.get("aliases"), f"{where}.vendors.aliases", problems)
    for k, v in aliases.items():
        if not isinstance(v, str) or not v:
            problems.append(
                f"{where}.vendors.aliases: {k!r} -> {v!r}: the value must be an organisation_id"
            )
    ignore = _strings(vendors.get("ignore"), f"{where}.vendors.ignore", problems)
    return {
        "vendor_column": vendors.get("column") or "",
        "vendor_separators": separators,
        "vendor_ignore": frozenset(s.casefold() for s in ignore),
        "vendor_aliases": dict(aliases),
        "vendor_role": role,
    }


def _deployment(raw: dict, where: str, problems: list[str]) -> dict:
    deployment = _mapping_dict(raw.get("deployment"), f"{where}.deployment", problems)
    status = deployment.get("status") or ""
    if status and status not in vocab.STATUS:
        problems.append(
            f"{where}.deployment.status: {status!r} is not a status; known: "
            + ", ".join(vocab.STATUS.codes)
        )
    templates = {
        "title_template": deployment.get("title") or Mapping.title_template,
        "summary_template": deployment.get("summary") or Mapping.summary_template,
    }
    sample = dict.fromkeys(TEMPLATE_FIELDS, "x")
    for key, template in templates.items():
        try:
            template.format(**sample)
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(
                f"{where}.deployment.{key.removesuffix('_template')}: {template!r} uses an unknown "
                f"placeholder ({exc}); known: {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)}"
            )
    return {"status": status, **templates}


def _source(raw: dict, where: str, problems: list[str]) -> dict:
    source = _mapping_dict(raw.get("source"), f"{where}.source", problems)
    if source.get("url") and not common.is_http_url(source["url"]):
        problems.append(f"{where}.source.url: {source['url']!r} is not an absolute http(s) URL")
    _partial_date(source.get("published") or "", f"{where}.source.published", problems)
    return {"source": dict(source)}


def read_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every problem is reported at once.

    Raises:
        common.MappingError: the file is not valid YAML or not a valid mapping.
    """
    path = Path(path)
    raw = _load(path)
    where = path.name
    problems: list[str] = []
    parts = {
        **_top(raw, where, problems),
        **_country(raw, where, problems),
        "technologies": _technologies(raw, where, problems),
        **_reading(raw, where, problems),
        **_vendors(raw, where, problems),
        **_deployment(raw, where, problems),
        **_source(raw, where, problems),
    }
    if problems:
        raise common.MappingError(problems)
    return Mapping(**parts)


def country_code(text: str, mapping: Mapping) -> str:
    """ISO alpha-2 code of a country cell, or '' when it cannot be recognised."""
    import pycountry

    text = text.strip()
    if text in mapping.country_aliases:
        return mapping.country_aliases[text]
    if not text:
        return ""
    if mapping.country_match == "alpha2":
        found = pycountry.countries.get(alpha_2=text.upper())
    elif mapping.country_match == "alpha3":
        found = pycountry.countries.get(alpha_3=text.upper())
    else:
        try:
            found = pycountry.countries.lookup(text)
        except LookupError:
            found = None
    return found.alpha_2 if found else ""


def _read_rows(
    facts: common.FileFacts, mapping: Mapping
) -> tuple[list[str], list[tuple[int, list[str]]], dict]:
    if facts.path.suffix.lower() in (".xlsx", ".xlsm"):
        from policylens.importers import xlsx

        sheet = xlsx.read_sheet(facts.path, mapping.sheet, mapping.header_row)
        return sheet.header, sheet.rows, sheet.uncached
    reader = csv.reader(io.StringIO(common.read_text(facts), newline=""))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    for number, values in enumerate(reader, start=1):
        if number < mapping.header_row:
            continue
        if number == mapping.header_row:
            header = values
            continue
        if values:
            rows.append((number - mapping.header_row, values))
    return header, rows, {}


def _cell(rec: dict, column: str, mapping: Mapping) -> str:
    value = rec.get(column, "")
    return "" if value in mapping.missing else value


def import_file(
    path: Path,
    mapping_path: Path,
    encoding: str | None = None,
    crosswalk: common.Crosswalk | None = None,
) -> common.ImportResult:
    """Import a country x technology x vendor table through a mapping file.

    Raises:
        common.MappingError: the mapping is invalid.
        common.ImportInputError: unreadable file, wrong encoding, unsafe XLSX or missing columns.
    """
    mapping = read_mapping(mapping_path)
    path = Path(path)
    is_xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    facts = common.check_file(path, encoding or mapping.encoding, text=not is_xlsx)
    header, data_rows, uncached = _read_rows(facts, mapping)
    required = [mapping.country_column, *(t.column for t in mapping.technologies)]
    if mapping.vendor_column:
        required.append(mapping.vendor_column)
    common.check_header(header, required, facts.name)
    base = crosswalk or common.curated_crosswalk()
    crosswalk = common.Crosswalk(
        {**base.ids, **{common.normalise_name(k): v for k, v in mapping.vendor_aliases.items()}},
        base.names,
    )
    unknown_alias_targets = sorted(
        {v for v in mapping.vendor_aliases.values() if v not in base.names}
    )
    if unknown_alias_targets:
        raise common.MappingError(
            [
                f"{Path(mapping_path).name}.vendors.aliases: organisation id(s) not in the curated "
                f"organisations: {', '.join(unknown_alias_targets)}"
            ]
        )
    result = common.ImportResult(
        DATASET, facts, mapping.licence, f"table:{mapping.dataset}", {}, 0, 0
    )
    rows = _TableRows(facts, mapping)
    seen: dict[str, int] = {}
    for number, values in data_rows:
        result.rows_read += 1
        rec = dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))
        reason = _rejection(rec, number, mapping, seen, uncached)
        if reason:
            result.rejected.append(
                common.Rejected(number, reason, rec.get(mapping.country_column, ""))
            )
            continue
        rows.add(
            rec,
            number,
            country_code(_cell(rec, mapping.country_column, mapping), mapping),
            crosswalk,
            result,
        )
        result.rows_imported += 1
    result.tables = common.build_tables(
        rows.all(), common.file_constants(DATASET, facts, mapping.licence)
    )
    result.check_reconciled()
    return result


def _rejection(
    rec: dict, number: int, mapping: Mapping, seen: dict[str, int], uncached: dict
) -> str:
    if number in uncached:
        return "; ".join(uncached[number])
    name = _cell(rec, mapping.country_column, mapping)
    code = country_code(name, mapping)
    if not code:
        return (
            f"{mapping.country_column} {name!r} is not a country pycountry recognises "
            f"(match: {mapping.country_match}); add it under country.aliases in the mapping"
        )
    if code in seen:
        return f"country {code} already given on row {seen[code]}"
    odd = [
        f"{t.column}={rec.get(t.column, '')!r}"
        for t in mapping.technologies
        if _cell(rec, t.column, mapping).strip() not in mapping.present | mapping.absent
        and _cell(rec, t.column, mapping) not in mapping.present | mapping.absent
    ]
    if odd:
        return "value neither in present_values nor absent_values: " + ", ".join(odd)
    seen[code] = number
    return ""


class _TableRows:
    def __init__(self, facts: common.FileFacts, mapping: Mapping):
        self.facts, self.mapping = facts, mapping
        self.tables: dict[str, list[dict]] = {
            "deployments": [],
            "deployment_organisations": [],
            "citations": [],
        }
        self.source_id = common.safe_id(mapping.dataset, "table")

    def prov(self, row: int) -> dict:
        return {"origin_row": row}

    def add(
        self,
        rec: dict,
        number: int,
        code: str,
        crosswalk: common.Crosswalk,
        result: common.ImportResult,
    ) -> None:
        m = self.mapping
        country_name = _cell(rec, m.country_column, m).strip()
        vendor_ids: list[str] = []
        if m.vendor_column:
            for name in common.split_vendor_text(
                _cell(rec, m.vendor_column, m), m.vendor_separators
            ):
                if name.casefold() in m.vendor_ignore:
                    continue
                org_id = crosswalk.match(name)
                if org_id and org_id not in vendor_ids:
                    vendor_ids.append(org_id)
                elif not org_id:
                    result.note_unknown_vendor(name, number, crosswalk)
        for tech in m.technologies:
            value = _cell(rec, tech.column, m)
            if value not in m.present and value.strip() not in m.present:
                continue
            deployment_id = common.safe_id(m.dataset.upper(), code, tech.category.replace("_", "-"))
            fill = {
                "category_label": vocab.CATEGORY.label(tech.category),
                "country_name": country_name,
                "country_code": code,
                "title": m.title,
                "column": tech.column,
                "dataset": m.dataset,
            }
            self.tables["deployments"].append(
                {
                    "deployment_id": deployment_id,
                    "title": m.title_template.format(**fill),
                    "country_code": code,
                    "place_name": country_name,
                    "geographic_level": "country",
                    "category": tech.category,
                    "status": m.status or None,
                    "start_date": m.as_of or None,
                    "summary": m.summary_template.format(**fill),
                    **self.prov(number),
                }
            )
            for org_id in vendor_ids:
                self.tables["deployment_organisations"].append(
                    {
                        "role_id": f"{deployment_id}/{org_id}/{m.vendor_role}",
                        "deployment_id": deployment_id,
                        "organisation_id": org_id,
                        "role": m.vendor_role,
                        "note": VENDOR_NOTE,
                        **self.prov(number),
                    }
                )
            self.tables["citations"].append(
                {
                    "citation_id": f"{deployment_id}@{self.source_id}",
                    "target_table": "deployments",
                    "target_id": deployment_id,
                    "source_id": self.source_id,
                    "citation_role": "supports",
                    "locator": f"{self.facts.name}, row {number}, column {tech.column!r}",
                    **self.prov(number),
                }
            )

    def all(self) -> dict[str, list[dict]]:
        m = self.mapping
        source = {
            "source_id": self.source_id,
            "url": m.source.get("url") or None,
            "source_title": m.source.get("title") or m.title,
            "title_status": "descriptive",
            "publisher_name": m.source.get("publisher") or None,
            "licence": m.licence,
            "published_date": m.source.get("published") or None,
            **self.prov(0),
        }
        return {**self.tables, "sources": [source] if self.tables["deployments"] else []}
