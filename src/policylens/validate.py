"""Find every problem in the curated records, driven by the schema and the vocabularies.

``find_issues`` never stops at the first problem and never raises on bad data: it returns a list
of ``Issue`` sorted by file and line. Checks, in the order a curator meets them:

1. Shape: known fields only, required fields present, scalars where scalars belong.
2. Values: types, vocabulary codes, country and language codes, partial dates, URLs, id syntax.
3. Record rules: end after start, no date after the build date, ranges, retraction reasons.
4. Across records: unique ids, references that resolve, every record cited, every source used.
5. Evidence rules: quotes on figure citations, translations of non-English quotes, partisan and
   opinion sources only as "makes_claim", no "confirmed" figure resting on claim-only sources,
   disagreeing figures marked disputed.

Every check is linear in the number of records.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache
from urllib.parse import urlsplit

import pycountry

from policylens import schema, vocab
from policylens.dates import parse_partial_date
from policylens.errors import Issue, did_you_mean
from policylens.curated import CuratedData, Row, flatten, row_id

_TRUE, _FALSE = {"true", "yes"}, {"false", "no"}
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def build_date() -> date:
    """The date data may not be later than: SOURCE_DATE_EPOCH when set (reproducible), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit() and int(epoch) > 0:
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return datetime.now(tz=UTC).date()


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def _language_codes() -> frozenset[str]:
    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def url_problem(value: str) -> str:
    """Why ``value`` is not an acceptable URL, or an empty string when it is."""
    if _CONTROL.search(value):
        return "no whitespace or control characters"
    try:
        parts = urlsplit(value)
    except ValueError:
        return "a well-formed URL"
    if parts.scheme not in ("http", "https"):
        return "an absolute http:// or https:// URL"
    if not parts.hostname:
        return "a URL with a host name"
    if parts.username or parts.password:
        return "a URL without user name or password"
    return ""


class _Checker:
    def __init__(self, today: date):
        self.today = today
        self.issues: list[Issue] = []

    def add(self, row: Row, key: str, code: str, value: object = "", expected: str = "") -> None:
        self.issues.append(Issue(row.file, row.line_of(key), code, row_id(row), key,
                                 value if isinstance(value, str) else str(value), expected))

    # -- values ----------------------------------------------------------------------------
    def check_value(self, row: Row, key: str, value: str) -> None:
        f = schema.FIELDS[key]
        if f.type == "partial_date":
            self.check_partial_date(row, key, value)
        elif f.type == "date":
            self.check_full_date(row, key, value)
        elif f.type in ("integer", "number"):
            self.check_number(row, key, value, f.type)
        elif f.type == "boolean" and value.lower() not in _TRUE | _FALSE:
            self.add(row, key, "type-error", value, "true or false")
        elif f.type == "url" and (why := url_problem(value)):
            self.add(row, key, "bad-url", value, why)
        if f.vocabulary:
            codes = vocab.VOCABULARIES[f.vocabulary]
            if value not in codes:
                hint = did_you_mean(value, codes.codes, codes.aliases)
                self.add(row, key, "invalid-code", value, f"one of {', '.join(codes.codes)}{hint}")
        elif key == "country_code" and value not in _country_codes():
            hint = did_you_mean(value.upper(), _country_codes())
            self.add(row, key, "unknown-country", value, f"an ISO 3166-1 alpha-2 code such as FR{hint}")
        elif key.endswith("language_code") and value not in _language_codes():
            hint = did_you_mean(value.lower(), _language_codes())
            self.add(row, key, "unknown-language", value, f"an ISO 639-1 code such as fr{hint}")
        elif f.pattern and f.type not in ("partial_date",) and not re.fullmatch(f.pattern, value):
            code = "bad-id" if f.type == "id" else "type-error"
            self.add(row, key, code, value, f"a value matching {f.pattern}")

    def check_partial_date(self, row: Row, key: str, value: str) -> None:
        try:
            parsed = parse_partial_date(value)
        except ValueError as exc:
            self.add(row, key, "invalid-date", value, str(exc))
            return
        if parsed.earliest > self.today:
            self.add(row, key, "future-date", value, f"a date on or before the build date {self.today.isoformat()}")

    def check_full_date(self, row: Row, key: str, value: str) -> None:
        try:
            parsed = date.fromisoformat(value)
            if len(value) != 10:
                raise ValueError
        except ValueError:
            self.add(row, key, "invalid-date", value, "a full date YYYY-MM-DD")
            return
        if parsed > self.today:
            self.add(row, key, "future-date", value, f"a date on or before the build date {self.today.isoformat()}")

    def check_number(self, row: Row, key: str, value: str, kind: str) -> None:
        text = value.replace("_", "x")  # Python accepts 1_000; a curator's CSV reader would not.
        try:
            number = int(text) if kind == "integer" else float(text)
        except ValueError:
            self.add(row, key, "type-error", value, "a plain number such as 1200 or 3.5 (no separators)")
            return
        if number != number or number in (float("inf"), float("-inf")):
            self.add(row, key, "type-error", value, "a finite number")

    # -- one row -------------------------------------------------------------------------------
    def check_row(self, row: Row) -> None:
        table = schema.TABLES[row.table]
        allowed = set(schema.curated_keys(row.table)) | set(schema.nested_tables(row.table))
        if row.table in schema.CITABLE_TABLES:
            allowed.add(schema.CITATIONS_KEY)
        if row.table == "citations":
            allowed -= {"citation_id", "target_table", "target_id"}
        for key, value in row.data.items():
            if key not in allowed:
                self.add(row, key, "unknown-field", key, f"one of {', '.join(sorted(allowed))}"
                         + did_you_mean(key, allowed))
                continue
            if key in schema.nested_tables(row.table) or key == schema.CITATIONS_KEY:
                continue
            if not isinstance(value, str):
                self.add(row, key, "type-error", type(value).__name__, "a single value, not a list or mapping")
                continue
            if value.strip() == "":
                continue
            self.check_value(row, key, value)
        for key in table.required:
            value = row.data.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.add(row, key, "missing-field", "", f"a value for required field {key}")
        self.check_record_rules(row)

    def check_record_rules(self, row: Row) -> None:
        d = row.data
        if d.get("record_status") == "retracted" and not str(d.get("retraction_reason", "")).strip():
            self.add(row, "retraction_reason", "missing-retraction-reason", "", "why the record was retracted")
        if row.table == "deployments":
            if d.get("geographic_level") != "international" and not str(d.get("country_code", "")).strip():
                self.add(row, "country_code", "missing-field", "", "a country code (blank only when international)")
            self.check_order(row, "start_date", "end_date")
        if row.table == "figures":
            self.check_range(row)

    def check_order(self, row: Row, start_key: str, end_key: str) -> None:
        try:
            start = parse_partial_date(row.data.get(start_key, ""))
            end = parse_partial_date(row.data.get(end_key, ""))
        except ValueError:
            return
        if end.latest < start.earliest:
            self.add(row, end_key, "date-order", row.data[end_key], f"a date on or after {start_key} {start}")

    def check_range(self, row: Row) -> None:
        d = row.data
        upper, qualifier = d.get("value_upper"), d.get("qualifier")
        if qualifier == "range" and not upper:
            self.add(row, "value_upper", "bad-range", "", "value_upper when qualifier is range")
        elif upper and qualifier != "range":
            self.add(row, "qualifier", "bad-range", qualifier or "", "qualifier: range when value_upper is given")
        elif upper:
            try:
                if float(upper) < float(d.get("value", "nan")):
                    self.add(row, "value_upper", "bad-range", upper, f"a high end >= value {d.get('value')}")
            except ValueError:
                pass


def _check_unique(rows: Iterable[Row], checker: _Checker, key: str) -> dict[str, Row]:
    first: dict[str, Row] = {}
    for row in rows:
        rid = row_id(row)
        if not rid:
            continue
        if rid in first:
            other = first[rid]
            checker.add(row, key, "duplicate-id", rid, f"a unique id (also used at {other.file}:{other.line})")
        else:
            first[rid] = row
    return first


def _check_references(tables: dict[str, list[Row]], index: dict[str, dict[str, Row]], checker: _Checker) -> None:
    for name, rows in tables.items():
        fks = schema.foreign_keys(name)
        for row in rows:
            for fk in fks:
                value = row.data.get(fk.field)
                if isinstance(value, str) and value.strip() and value not in index[fk.references]:
                    hint = did_you_mean(value, index[fk.references])
                    checker.add(row, fk.field, "dangling-reference", value,
                                f"the id of an existing {fk.references[:-1]} record{hint}")


def _check_cited(tables: dict[str, list[Row]], checker: _Checker) -> None:
    cited = {(c.target_table, c.target_id) for c in tables["citations"]}
    for name in schema.CITABLE_TABLES:
        for row in tables[name]:
            if (name, row_id(row)) not in cited:
                checker.add(row, schema.CITATIONS_KEY, "missing-source", "", "at least one source under 'sources:'")


def _check_citations(tables: dict[str, list[Row]], sources: dict[str, Row], checker: _Checker) -> None:
    used: set[str] = set()
    for cit in tables["citations"]:
        sid = cit.data.get("source_id", "")
        used.add(sid)
        source = sources.get(sid)
        quote = str(cit.data.get("quote", "")).strip()
        role = cit.data.get("citation_role", "supports")
        if cit.target_table == "figures" and not quote and role != "context":
            checker.add(cit, "quote", "missing-quote", sid, "the source's verbatim words that give the figure")
        if source is None:
            continue
        language = cit.data.get("quote_language_code") or source.data.get("language_code", "")
        if quote and language != "en" and not str(cit.data.get("quote_translation_en", "")).strip():
            checker.add(cit, "quote_translation_en", "missing-translation", quote[:60],
                        f"an English translation of this {language or 'non-English'} quote")
        kind = source.data.get("source_kind")
        if kind in ("partisan", "opinion") and role in ("supports", "contradicts"):
            checker.add(cit, "citation_role", "claim-only-source", role,
                        f"citation_role: makes_claim (or context) for a {kind} source")
    for sid, source in sources.items():
        if sid not in used:
            checker.add(source, "source_id", "unused-source", sid, "a source that some record cites (or remove it)")


def _check_figures(tables: dict[str, list[Row]], sources: dict[str, Row], checker: _Checker) -> None:
    by_figure: dict[str, list[Row]] = defaultdict(list)
    for cit in tables["citations"]:
        if cit.target_table == "figures":
            by_figure[cit.target_id].append(cit)
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for fig in tables["figures"]:
        if fig.data.get("record_status") == "retracted":
            continue
        if fig.data.get("support_status") == "confirmed":
            kinds = {sources[c.data.get("source_id")].data.get("source_kind")
                     for c in by_figure[row_id(fig)]
                     if c.data.get("source_id") in sources and c.data.get("citation_role", "supports") == "supports"}
            if not kinds - vocab.CLAIM_ONLY_SOURCE_KINDS or fig.data.get("figure_basis") in ("vendor_claim", "seed_claim"):
                checker.add(fig, "support_status", "support-overstated", "confirmed",
                            "single_source, unverified or disputed: no independent source of standing supports it")
        if fig.data.get("dispute_group"):
            groups[(fig.parent_id, fig.data["dispute_group"])].append(fig)
    for members in groups.values():
        values = {(m.data.get("value"), m.data.get("value_upper"), m.data.get("unit")) for m in members}
        if len(values) < 2:
            continue
        for m in members:
            if m.data.get("support_status") not in ("disputed", "refuted"):
                checker.add(m, "support_status", "dispute-not-marked", m.data.get("support_status", ""),
                            f"disputed (or refuted): {len(values)} different values share dispute_group "
                            f"{m.data['dispute_group']!r}")


def find_issues(data: CuratedData, today: date | None = None) -> list[Issue]:
    """Every problem in ``data``, sorted by file and line."""
    checker = _Checker(today or build_date())
    checker.issues.extend(data.issues)
    if not data.records and not data.issues:
        # An empty folder would otherwise pass every per-record check vacuously.
        folders = ", ".join(f"{f}/*.yaml" for f in schema.CURATED_FOLDERS.values())
        checker.issues.append(Issue(data.root.as_posix(), 0, "no-data", expected=f"curated records in {folders}"))
    tables = flatten(data, checker.issues)
    for rows in tables.values():
        for row in rows:
            checker.check_row(row)
    index = {name: _check_unique(rows, checker, schema.TABLES[name].primary_key)
             for name, rows in tables.items() if name != "citations"}
    _check_unique(tables["citations"], checker, "source_id")
    _check_references(tables, index, checker)
    _check_cited(tables, checker)
    _check_citations(tables, index["sources"], checker)
    _check_figures(tables, index["sources"], checker)
    return sorted(set(checker.issues))
