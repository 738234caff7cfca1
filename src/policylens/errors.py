"""Problems found in input data, reported all at once.

An ``Issue`` names where (file and line), what (record id and field), the offending value, what was
expected and a stable code, so that a curator can fix it without reading code and a machine can
count or filter. ``CurationError`` carries every issue of a run; nothing stops at the first one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass

# Stable codes; tests and downstream tools match on these.
CODES = {
    "no-data": "the folder holds no curated records",
    "yaml-syntax": "the file is not valid YAML",
    "encoding-error": "the file is not UTF-8",
    "size-limit": "the file is larger than the loader accepts",
    "duplicate-key": "a key appears twice in one mapping",
    "yaml-tag": "explicit YAML tags are not accepted",
    "yaml-alias": "YAML anchors and aliases are not accepted",
    "bad-shape": "the file or value does not have the expected structure",
    "unknown-field": "a field the schema does not define",
    "missing-field": "a required field is missing or blank",
    "type-error": "the value does not have the field's type",
    "invalid-code": "the value is not in the field's vocabulary",
    "invalid-date": "not a valid partial date",
    "future-date": "a date after the build date",
    "date-order": "an end date before its start date",
    "unknown-country": "not an ISO 3166-1 alpha-2 country code",
    "unknown-language": "not an ISO 639-1 language code",
    "bad-url": "not an absolute http(s) URL without credentials or whitespace",
    "bad-id": "an identifier with characters ids may not contain",
    "duplicate-id": "an id used by two records",
    "dangling-reference": "an id that no record has",
    "missing-source": "a record that cites no source",
    "missing-quote": "a citation of a figure without a verbatim quote",
    "missing-translation": "a non-English quote without an English translation",
    "unused-source": "a source that no record cites",
    "claim-only-source": "a partisan or opinion source used as evidence rather than as where a claim is made",
    "support-overstated": "a figure marked confirmed that rests only on claim-only sources",
    "dispute-not-marked": "figures that disagree about one quantity but are not all marked disputed",
    "bad-range": "an inconsistent value range",
    "missing-retraction-reason": "a retracted record without a reason",
}


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in one place."""

    file: str
    line: int
    code: str
    record_id: str = ""
    field: str = ""
    value: str = ""
    expected: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered issue code {self.code!r}")

    def render(self) -> str:
        """One line for humans: ``file:line [record].field code: value — expected``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = f" [{self.record_id}]" if self.record_id else ""
        what += f".{self.field}" if self.field else ""
        value = f" {shorten(self.value)}" if self.value != "" else ""
        expected = f" — expected {self.expected}" if self.expected else ""
        return f"{where}{what} {self.code}:{value}{expected}"

    def as_dict(self) -> dict:
        """Plain dict, for JSON reports."""
        return asdict(self)


def shorten(value: object, limit: int = 80) -> str:
    """``repr`` of a value, cut to ``limit`` characters so one bad cell cannot flood a report."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Fuzzy matching costs O(choices) per issue; past this many choices a report of thousands of
# dangling ids would turn quadratic, so only the exact case-insensitive hint is offered.
MAX_FUZZY_CHOICES = 2000


def did_you_mean(value: str, choices: Iterable[str], aliases: dict[str, str] | None = None) -> str:
    """A ``did you mean`` hint for a near miss, or an empty string."""
    if aliases and value in aliases:
        return f" (did you mean {aliases[value]!r}?)"
    lowered = {c.lower(): c for c in choices}
    if isinstance(value, str) and value.lower() in lowered:
        return f" (did you mean {lowered[value.lower()]!r}?)"
    if len(lowered) > MAX_FUZZY_CHOICES:
        return ""
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


class CurationError(Exception):
    """Raised with every issue found, when data cannot be used."""

    def __init__(self, issues: list[Issue]):
        self.issues = sorted(issues)
        super().__init__(self.render())

    def render(self) -> str:
        """All issues, one per line, then a count."""
        lines = [i.render() for i in self.issues]
        lines.append(f"{len(self.issues)} problem(s) found.")
        return "\n".join(lines)
