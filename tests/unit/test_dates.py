"""Partial dates: parsing, intervals, and agreement with the EDTF reference implementation."""

from __future__ import annotations

import calendar
from datetime import date

import edtf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policylens.dates import interval, parse_partial_date


@st.composite
def partial_dates(draw):
    year = draw(st.integers(1900, 2100))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    text = f"{year:04d}"
    if precision in ("month", "day"):
        month = draw(st.integers(1, 12))
        text += f"-{month:02d}"
        if precision == "day":
            text += f"-{draw(st.integers(1, calendar.monthrange(year, month)[1])):02d}"
    return text + ("~" if draw(st.booleans()) else "")


@given(partial_dates())
def test_round_trip_keeps_text_and_precision(text):
    parsed = parse_partial_date(text)
    assert str(parsed) == text
    assert parsed.precision == ("year", "month", "day")[text.rstrip("~").count("-")]
    assert parsed.is_approximate == text.endswith("~")


@given(partial_dates())
def test_interval_matches_edtf(text):
    earliest, latest = interval(text)
    assert earliest <= latest
    reference = edtf.parse_edtf(text)
    # edtf widens approximate dates by a fuzz margin; compare the unqualified span.
    plain = edtf.parse_edtf(text.rstrip("~"))
    assert date(*plain.lower_strict()[:3]) == earliest
    assert date(*plain.upper_strict()[:3]) == latest
    assert reference is not None


@given(partial_dates(), partial_dates())
def test_ordering_of_intervals_is_consistent(a, b):
    (a0, a1), (b0, b1) = interval(a), interval(b)
    if a1 < b0:
        assert parse_partial_date(a).earliest < parse_partial_date(b).latest


def test_month_precision_is_a_span_not_a_day():
    assert interval("2019-02") == (date(2019, 2, 1), date(2019, 2, 28))
    assert interval("2020-02") == (date(2020, 2, 1), date(2020, 2, 29))
    assert interval("2019") == (date(2019, 1, 1), date(2019, 12, 31))


@pytest.mark.parametrize("bad", ["2020-02-30", "2019-13", "19-02-01", "2019/02/01", " 2019", "2019-2-1",
                                 "2019~~", "~2019", "", "0000", "2019-00", "2019-02-1"])
def test_invalid_dates_raise_with_a_reason(bad):
    with pytest.raises(ValueError, match=r"expected|does not exist|has no day"):
        parse_partial_date(bad)
