"""Partial dates: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, with a trailing ``~`` when approximate.

The notation is the level-0 subset of the Library of Congress Extended Date/Time Format (EDTF)
plus its level-1 ``~`` qualifier, so the values are readable by EDTF tools. The parser is small and
strict on purpose: a curator's ``2020-02-30`` must be reported with its location, not turned into
March. ``interval`` is the one place a partial date becomes a span for charts: a month-precision
date covers the whole month rather than pretending to be its first day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PARTIAL = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?P<approx>~)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, month or day."""

    year: int
    month: int | None = None
    day: int | None = None
    is_approximate: bool = False

    @property
    def precision(self) -> str:
        """``year``, ``month`` or ``day``."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def earliest(self) -> date:
        """First day the partial date can mean."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> date:
        """Last day the partial date can mean."""
        if self.day is not None:
            return date(self.year, self.month, self.day)
        if self.month is not None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, 12, 31)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text + ("~" if self.is_approximate else "")


def parse_partial_date(text: str) -> PartialDate:
    """Parse ``text`` into a PartialDate.

    Raises:
        ValueError: with a message saying what is wrong and what is expected.
    """
    match = _PARTIAL.match(text.strip()) if isinstance(text, str) else None
    if not match or text != text.strip():
        raise ValueError("expected YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by '~'")
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    if year < 1:
        raise ValueError("year 0000 does not exist")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month:02d} does not exist")
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"{year:04d}-{month:02d} has no day {day:02d}")
    return PartialDate(year, month, day, bool(match["approx"]))


def interval(text: str) -> tuple[date, date]:
    """The first and last day a partial date can mean, e.g. ``2019-02`` -> (2019-02-01, 2019-02-28)."""
    parsed = parse_partial_date(text)
    return parsed.earliest, parsed.latest
