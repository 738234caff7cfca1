"""What every importer shares: input checks, vendor crosswalk, provenance, reconciliation, output.

An importer turns one external file into the same tidy tables as the curated data
(``schema.TABLES``), every row stamped with its provenance (``schema.PROVENANCE``): dataset, file
name, file SHA-256, data row number and the dataset's licence. It never drops a row silently: each
row read is either imported or rejected with a reason, and ``ImportResult.check_reconciled``
refuses to write output when ``rows_read != rows_imported + rows_rejected``.

Vendor strings are matched against one crosswalk, the curated organisations and their aliases, so
"Huawei Technologies", "华为" and "Huawei" all become ``huawei``. A string the crosswalk does not
know is reported (``unknown_vendors.csv``), never turned into a new organisation.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from policylens import schema

CC_BY_4 = "CC-BY-4.0"
# Data rows are numbered from 1 (the header is row 0) in CSV files; XLSX files use the worksheet's
# own row numbers. ``origin_row`` and the rejected-rows report use the same numbers.
READ_CHUNK = 8 * 1024 * 1024


class ImportInputError(Exception):
    """The input cannot be imported at all. Carries every problem found, one line each."""

    def __init__(self, problems: list[str]):
        """Keep ``problems`` (one message each) and show them all as the exception text."""
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class MappingError(ImportInputError):
    """The mapping file given to ``policylens import table`` is wrong (a usage error)."""


# --- reading files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FileFacts:
    """What we know about an input file before parsing it."""

    path: Path
    name: str
    sha256: str
    size: int
    encoding: str


def _codec_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError as exc:
        raise ImportInputError(
            [
                f"unknown encoding {encoding!r}: use a Python codec name such as "
                "utf-8, cp1252 or latin-1"
            ]
        ) from exc


def check_file(path: Path, encoding: str = "utf-8", *, text: bool = True) -> FileFacts:
    """Hash ``path`` and, for text, check it decodes in ``encoding``: one bounded-memory pass.

    Raises:
        ImportInputError: the file is missing, or a byte sequence is not valid in ``encoding``
            (the message names the byte offset and line, and suggests ``--encoding``).
    """
    path = Path(path)
    if not path.is_file():
        raise ImportInputError([f"{path}: no such file"])
    codec = _codec_name(encoding)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder(codec)(errors="strict") if text else None
    offset = lines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
            if decoder is not None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    bad = offset + exc.start
                    line = lines + chunk[: exc.start].count(b"\n") + 1
                    raise ImportInputError(
                        [
                            f"{path.name}: not valid {encoding} text: byte "
                            f"0x{chunk[exc.start]:02x} at byte offset {bad} (line {line}). If the "
                            "file uses another encoding, pass it with --encoding (for example "
                            "--encoding cp1252 or --encoding latin-1); nothing was imported."
                        ]
                    ) from exc
                lines += chunk.count(b"\n")
            offset += len(chunk)
        if decoder is not None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                raise ImportInputError(
                    [
                        f"{path.name}: not valid {encoding} text: the file ends inside a "
                        f"multi-byte character at byte offset {offset}. Pass the right encoding "
                        "with --encoding."
                    ]
                ) from exc
    if offset == 0:
        raise ImportInputError([f"{path.name}: the file is empty"])
    return FileFacts(path, path.name, digest.hexdigest(), offset, codec)


def read_text(facts: FileFacts) -> str:
    """The whole file as text (for small formats), without a UTF-8 byte-order mark."""
    text = facts.path.read_bytes().decode(facts.encoding)
    return text.removeprefix("\ufeff")


def first_line_header(facts: FileFacts) -> list[str]:
    """Header names from the first CSV record, read without loading the file."""
    with open(facts.path, encoding=facts.encoding, newline="") as handle:
        row = next(csv.reader(handle), [])
    if row:
        row[0] = row[0].removeprefix("\ufeff")
    return row


def check_header(
    found: list[str],
    required: Iterable[str],
    file_name: str,
    *,
    exact: bool = False,
    optional: Iterable[str] = (),
) -> None:
    """One error listing expected and found headers when a required column is missing or renamed.

    Args:
        found: the header as read.
        required: names that must be present.
        file_name: for the message.
        exact: the header must be exactly ``required``, in that order.
        optional: names that may be present (listed in the message as optional).
    """
    required = list(required)
    missing = [name for name in required if name not in found]
    misordered = exact and not missing and found[: len(required)] != required
    extra = exact and len(found) != len(required)
    duplicated = sorted({n for n in found if n and found.count(n) > 1})
    if not missing and not misordered and not extra and not duplicated:
        return
    lines = [f"{file_name}: the header does not match the expected layout."]
    if missing:
        lines.append("  missing or renamed: " + ", ".join(repr(m) for m in missing))
        near = {m: _near(m, found) for m in missing}
        hints = [f"{m!r} -> found {n!r}?" for m, n in near.items() if n]
        if hints:
            lines.append("  possibly renamed: " + "; ".join(hints))
    if misordered or extra:
        lines.append(f"  expected exactly {len(required)} columns in this order")
    if duplicated:
        lines.append("  duplicated: " + ", ".join(repr(d) for d in duplicated))
    lines.append("  expected: " + ", ".join(repr(r) for r in required))
    if optional:
        lines.append("  optional: " + ", ".join(repr(o) for o in optional))
    lines.append("  found:    " + ", ".join(repr(f) for f in found))
    raise ImportInputError(["\n".join(lines)])


def _near(name: str, found: list[str]) -> str:
    import difflib

    lowered = {f.strip().lower(): f for f in found}
    if name.lower() in lowered:
        return lowered[name.lower()]
    close = difflib.get_close_matches(name, found, n=1, cutoff=0.7)
    return close[0] if close else ""


# --- ids, urls, countries, dates ---------------------------------------------------------------

_ID_BAD = re.compile(r"[^A-Za-z0-9._:/-]+")


def safe_id(*parts: str) -> str:
    """An id matching ``schema.ID_PATTERN`` built from ``parts`` (other characters become '-')."""
    text = "-".join(p for p in (str(x).strip() for x in parts) if p)
    text = _ID_BAD.sub("-", text).strip("-._:/")
    return text or "x"


def slug(text: str, limit: int = 60) -> str:
    """Lower-case ASCII slug of ``text`` (for organisation ids)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out[:limit].strip("-") or hashlib.sha256(text.encode()).hexdigest()[:12]


_URL = re.compile(r"https?://[^\s\[\]<>\"“”]+", re.IGNORECASE)
_TRAILING = ".,;:)('\"’”»"
_WAYBACK = re.compile(r"^https?://web\.archive\.org/web/[0-9]{1,14}[a-z_]*/(.+)$", re.IGNORECASE)


def clean_url(url: str) -> str:
    """A URL as written in free text, without trailing punctuation that belongs to the sentence."""
    url = url.strip()
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def split_archive(url: str) -> tuple[str, str]:
    """``(original_url, archive_url)``: a web.archive.org snapshot gives both; others, itself."""
    m = _WAYBACK.match(url)
    if not m:
        return url, ""
    original = m.group(1)
    if not re.match(r"^https?://", original, re.IGNORECASE):
        original = "http://" + original.lstrip("/")
    return original, url


def is_http_url(text: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return (
        parts.scheme.lower() in ("http", "https")
        and bool(parts.netloc)
        and not re.search(r"\s", text.strip())
    )


def host_of(url: str) -> str:
    """The host of ``url`` without a leading ``www.``."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def source_id_for(prefix: str, url: str) -> str:
    """A stable source id: dataset prefix and a hash of the (original) URL."""
    return f"{prefix}-src-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:16]}"


_COUNTRY_BY_ALPHA3: dict[str, str] = {}


def alpha2_from_alpha3(code: str) -> str:
    """ISO 3166-1 alpha-2 for an alpha-3 code, or '' when pycountry does not know it."""
    if not _COUNTRY_BY_ALPHA3:
        import pycountry

        _COUNTRY_BY_ALPHA3.update({c.alpha_3: c.alpha_2 for c in pycountry.countries})
    return _COUNTRY_BY_ALPHA3.get(code.strip().upper(), "")


_DATE_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "mdy"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "ym"),
    (re.compile(r"^(\d{4})$"), "y"),
)


def parse_loose_date(text: str) -> str:
    """A partial date (YYYY, YYYY-MM, YYYY-MM-DD) from ISO or M/D/YYYY text; '' if unreadable."""
    import datetime as dt

    text = (text or "").strip()
    for pattern, kind in _DATE_FORMATS:
        m = pattern.match(text)
        if not m:
            continue
        try:
            if kind == "ymd":
                return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
            if kind == "mdy":
                return dt.date(int(m[3]), int(m[1]), int(m[2])).isoformat()
            if kind == "ym":
                return dt.date(int(m[1]), int(m[2]), 1).isoformat()[:7]
            return m[1]
        except ValueError:
            return ""
    return ""


# --- vendor crosswalk --------------------------------------------------------------------------

_LEGAL_SUFFIXES = (
    "incorporated",
    "inc",
    "llc",
    "ltd",
    "limited",
    "co",
    "corp",
    "corporation",
    "company",
    "gmbh",
    "sa",
    "sas",
    "plc",
    "ag",
    "bv",
    "nv",
    "pty",
    "srl",
    "spa",
)


def normalise_name(name: str) -> str:
    """Key for matching names: NFKC, case-folded, without punctuation or trailing legal suffixes."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = re.sub(r"[^\w]+", " ", text).strip()
    words = text.split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


@dataclass
class Crosswalk:
    """Organisation names and aliases -> organisation id, from the curated organisations."""

    ids: dict[str, str]
    names: dict[str, str]

    @classmethod
    def from_tables(
        cls, organisations: pd.DataFrame, aliases: pd.DataFrame, extra: dict[str, str] | None = None
    ) -> Crosswalk:
        """Build from the ``organisations`` and ``organisation_aliases`` tables, plus ``extra``."""
        ids: dict[str, str] = {}
        names: dict[str, str] = {}
        for org_id, name in zip(
            organisations["organisation_id"], organisations["organisation_name"], strict=True
        ):
            ids.setdefault(normalise_name(str(name)), str(org_id))
            ids.setdefault(normalise_name(str(org_id)), str(org_id))
            names[str(org_id)] = str(name)
        for org_id, alias in zip(aliases["organisation_id"], aliases["alias_name"], strict=True):
            if isinstance(org_id, str) and isinstance(alias, str):
                ids.setdefault(normalise_name(alias), org_id)
        for alias, org_id in (extra or {}).items():
            ids[normalise_name(alias)] = org_id
        return cls(ids, names)

    def match(self, text: str) -> str:
        """The organisation id for a vendor string, or '' when the crosswalk does not know it."""
        return self.ids.get(normalise_name(text), "")

    def suggest(self, text: str) -> str:
        """The closest known organisation id, as a hint for an unknown string (never applied)."""
        import difflib

        key = normalise_name(text)
        close = difflib.get_close_matches(key, list(self.ids), n=1, cutoff=0.8)
        return self.ids[close[0]] if close else ""


def curated_crosswalk(curated_path=None, extra: dict[str, str] | None = None) -> Crosswalk:
    """The vendor crosswalk of the curated data (``policylens.load()``)."""
    import policylens

    data = policylens.load(curated_path)
    return Crosswalk.from_tables(data.organisations, data.organisation_aliases, extra)


def split_vendor_text(text: str, separators: str = r";|\n|\r") -> list[str]:
    """Vendor names in a free-text cell, split on ``separators`` (a regex), without duplicates."""
    out: list[str] = []
    seen: set[str] = set()
    for part in re.split(separators, text or ""):
        name = part.strip().strip(".,").strip()
        key = normalise_name(name)
        if name and key not in seen:
            seen.add(key)
            out.append(name)
    return out


# --- results, reconciliation and output --------------------------------------------------------


@dataclass(frozen=True)
class Rejected:
    """A row that was read but not imported, and why."""

    row: int
    reason: str
    value: str = ""


@dataclass
class UnknownVendor:
    """A vendor string the crosswalk does not know, where it appeared, and the nearest known id."""

    text: str
    rows: list[int] = field(default_factory=list)
    suggestion: str = ""


@dataclass
class ImportResult:
    """Tables built from one file, with its reconciliation and everything reported along the way."""

    dataset: str
    file: FileFacts
    licence: str
    layout: str
    tables: dict[str, pd.DataFrame]
    rows_read: int
    rows_imported: int
    rejected: list[Rejected] = field(default_factory=list)
    unknown_vendors: dict[str, UnknownVendor] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def check_reconciled(self) -> None:
        """Raise unless every row read was imported or rejected, and something was read."""
        if self.rows_read != self.rows_imported + len(self.rejected):
            raise AssertionError(
                f"{self.file.name}: rows read {self.rows_read} != imported {self.rows_imported} "
                f"+ rejected {len(self.rejected)}"
            )
        if self.rows_read == 0:
            raise ImportInputError([f"{self.file.name}: no data rows (only a header)"])

    def report(self) -> dict:
        """The machine-readable import report (``import_report.json``)."""
        return {
            "dataset": self.dataset,
            "layout": self.layout,
            "file": self.file.name,
            "file_sha256": self.file.sha256,
            "file_bytes": self.file.size,
            "encoding": self.file.encoding,
            "licence": self.licence,
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_rejected": len(self.rejected),
            "unknown_vendor_strings": len(self.unknown_vendors),
            "table_rows": {name: int(len(df)) for name, df in self.tables.items()},
            "warnings": self.warnings,
        }

    def summary(self) -> str:
        """One paragraph for the terminal."""
        lines = [
            f"{self.file.name} ({self.layout}): read {self.rows_read} rows, "
            f"imported {self.rows_imported}, rejected {len(self.rejected)}."
        ]
        counts = ", ".join(f"{n} {name}" for name, n in self.report()["table_rows"].items() if n)
        lines.append(f"  tables: {counts or 'all empty'}")
        if self.unknown_vendors:
            shown = ", ".join(repr(v.text) for v in list(self.unknown_vendors.values())[:8])
            lines.append(
                f"  {len(self.unknown_vendors)} vendor string(s) not in the crosswalk (see "
                f"unknown_vendors.csv): {shown}"
            )
        lines += [f"  warning: {w}" for w in self.warnings[:20]]
        if len(self.warnings) > 20:
            lines.append(f"  ... and {len(self.warnings) - 20} more warnings in import_report.json")
        return "\n".join(lines)

    def note_unknown_vendor(self, text: str, row: int, crosswalk: Crosswalk) -> None:
        """Record a vendor string the crosswalk does not know."""
        entry = self.unknown_vendors.get(text)
        if entry is None:
            entry = self.unknown_vendors[text] = UnknownVendor(
                text, suggestion=crosswalk.suggest(text)
            )
        entry.rows.append(row)


def with_partial_dates(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """``df`` with the derived columns of its partial dates filled (one parse per distinct date)."""
    from policylens.dates import parse_partial_date

    for name in schema.TABLES[table].fields:
        if (
            schema.FIELDS[name].type != "partial_date"
            or name not in df.columns
            or not df[name].notna().any()
        ):
            continue
        parsed = {v: parse_partial_date(v) for v in df[name].dropna().unique() if v}
        precision, approx, earliest, latest = schema.partial_date_columns(name)
        df[precision] = df[name].map({v: d.precision for v, d in parsed.items()})
        df[approx] = df[name].map({v: d.is_approximate for v, d in parsed.items()})
        df[earliest] = df[name].map({v: d.earliest.isoformat() for v, d in parsed.items()})
        df[latest] = df[name].map({v: d.latest.isoformat() for v, d in parsed.items()})
    return df


def build_tables(
    rows: dict[str, list[dict]], constants: dict | None = None
) -> dict[str, pd.DataFrame]:
    """Every table of the schema (empty where no rows), finalised like the curated tables.

    Args:
        rows: table -> row dicts. Partial-date columns need only their text value; the derived
            precision and interval columns are filled here.
        constants: values of columns that are the same on every row (the provenance of one file),
            filled here rather than stored in every row dict, which keeps memory low on large files.
    """
    from policylens.tables import finalise

    out = {}
    for name, spec in schema.TABLES.items():
        df = pd.DataFrame(rows.get(name, []), columns=list(spec.fields))
        if len(df):
            for column, value in (constants or {}).items():
                df[column] = df[column].astype("object").where(df[column].notna(), value)
            for column, value in (("record_status", "current"), ("is_mirror", False)):
                if column in spec.fields:
                    df[column] = df[column].astype("object").where(df[column].notna(), value)
            df = with_partial_dates(df, name)
        out[name] = finalise(df, name)
    return out


def file_constants(dataset: str, facts: FileFacts, licence: str) -> dict:
    """Provenance shared by every row imported from one file (all but ``origin_row``)."""
    return {
        "origin_dataset": dataset,
        "origin_file": facts.name,
        "origin_file_sha256": facts.sha256,
        "origin_licence": licence,
    }


def _csv_bytes(header: list[str], rows: Iterable[list]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def output_files(result: ImportResult) -> dict[str, bytes]:
    """The data package plus the import report, rejected rows and unknown vendor strings."""
    from policylens import package

    result.check_reconciled()
    report = result.report()
    version = f"{result.dataset}-{result.file.sha256[:12]}"
    files = package.package_files(result.tables, version, extra={"policylens_import": report})
    files["import_report.json"] = (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode(
        "utf-8"
    )
    files["rejected_rows.csv"] = _csv_bytes(
        ["row", "reason", "value"], ([r.row, r.reason, r.value] for r in result.rejected)
    )
    files["unknown_vendors.csv"] = _csv_bytes(
        ["vendor_text", "rows", "row_count", "nearest_known_organisation_id"],
        (
            [v.text, " ".join(map(str, v.rows[:50])), len(v.rows), v.suggestion]
            for v in sorted(result.unknown_vendors.values(), key=lambda v: (-len(v.rows), v.text))
        ),
    )
    return files


def write_import(result: ImportResult, out_dir: Path) -> list[str]:
    """Write the import atomically into ``out_dir``; returns the file names written."""
    from policylens.package import write_files_atomically

    files = output_files(result)
    write_files_atomically(Path(out_dir), files)
    return sorted(files)
