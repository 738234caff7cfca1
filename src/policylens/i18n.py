"""Briefs in English and French: the message catalogue, vocabulary labels, dates and numbers.

Narrative text, captions and chart labels are written in English in the code and looked up in
``locale/<lang>/LC_MESSAGES/policylens.po`` (read at run time with Babel's ``pofile`` reader, so
there is no compile step to forget). The English catalogue lists the same message ids with empty
translations: English text is the message id itself.

Controlled-vocabulary labels (``vocab.py``) are translated through the same catalogue with the
vocabulary name as the message context, so "Test" the event type and "Test" in another vocabulary
can differ in French.

Dates and numbers go through Babel for the locale. A partial date is written with the precision
it has: ``2019-02`` is "February 2019" / "février 2019", never a made-up day.

Typical use in a notebook::

    from policylens import i18n
    t = i18n.translator(lang)
    t("{n} deployments", n=t.number(3))        # narrative
    t.n("{n} event", "{n} events", 4)            # plural, n formatted for the locale
    t.label("event_type", "court_ruling")       # "Décision de justice"
    t.partial_date("2019-02")                   # "février 2019"
    t.country("CN")                             # "Chine"
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

LANGS = ("en", "fr")
DOMAIN = "policylens"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

__all__ = [
    "LANGS",
    "Translator",
    "translator",
    "check_lang",
    "gettext",
    "ngettext",
    "label",
    "country",
    "format_number",
    "format_compact",
    "format_date",
    "format_partial_date",
    "format_list",
    "catalogue_path",
]


def check_lang(lang: str) -> str:
    """``lang`` if it is a supported brief language.

    Raises:
        ValueError: naming the value and the languages supported.
    """
    if lang not in LANGS:
        raise ValueError(f"lang: expected one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def catalogue_path(lang: str) -> Path:
    """The ``.po`` file of ``lang``."""
    return LOCALE_DIR / check_lang(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def _catalogue(lang: str):
    from babel.messages import pofile

    with catalogue_path(lang).open("rb") as fh:
        return pofile.read_po(fh, locale=lang, domain=DOMAIN)


def _lookup(msgid: str | tuple[str, str], lang: str, context: str | None = None):
    """The translation of ``msgid`` in ``lang``; None when missing, empty or fuzzy."""
    message = _catalogue(check_lang(lang)).get(msgid, context=context)
    if message is None or message.fuzzy:
        return None
    if isinstance(message.string, tuple):
        return message.string if all(message.string) else None
    return message.string or None


def gettext(message: str, lang: str, context: str | None = None) -> str:
    """``message`` translated into ``lang``; the English text when there is no translation."""
    return _lookup(message, lang, context) or message


def _plural_index(n: float, lang: str) -> int:
    from babel import Locale

    return 0 if Locale.parse(lang).plural_form(abs(n)) == "one" else 1


def ngettext(singular: str, plural: str, n: float, lang: str) -> str:
    """The singular or plural form of a message for count ``n``, with the language's plural rule.

    French treats 0 and 1 as singular ("0 déploiement"), English only 1.
    """
    forms = _lookup((singular, plural), lang) or (singular, plural)
    return forms[_plural_index(n, lang)]


def _inline(text: str) -> str:
    """Label for the middle of a sentence: "Health code" -> "health code"; "NGO" stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def label(vocabulary: str, code: Any, lang: str, inline: bool = False) -> str:
    """The human label of a controlled-vocabulary ``code`` in ``lang``.

    Unknown codes come back unchanged (as text), so a new code shows up in a brief rather than
    crashing it; the catalogue test lists codes whose French label is missing.

    Args:
        vocabulary: Vocabulary name, e.g. ``"event_type"``.
        code: The code.
        lang: ``en`` or ``fr``.
        inline: Lower-case the first letter, for use inside a sentence.
    """
    from policylens import vocab

    if code is None or (isinstance(code, float) and math.isnan(code)):
        return ""
    try:
        english = vocab.VOCABULARIES[vocabulary].label(str(code))
    except KeyError:
        return str(code)
    text = gettext(english, lang, context=vocabulary)
    return _inline(text) if inline else text


def country(code: Any, lang: str) -> str:
    """The name of ISO 3166-1 alpha-2 ``code`` in ``lang`` (Babel/CLDR), else the code itself."""
    from babel import Locale

    if not isinstance(code, str) or not code:
        return gettext("International", lang)
    return Locale.parse(lang).territories.get(code.upper(), code)


def format_number(value: Any, lang: str, decimals: int | None = None) -> str:
    """``value`` with the locale's grouping and decimal signs ("2 350" in French, "2,350").

    Whole numbers lose their decimals; other values keep at most ``decimals`` (default 2).
    """
    from babel.numbers import format_decimal

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer() and decimals is None:
        return format_decimal(int(number), locale=lang)
    places = 2 if decimals is None else decimals
    pattern = "#,##0." + "#" * places if places else "#,##0"
    return format_decimal(round(number, places), format=pattern, locale=lang)


def format_compact(value: Any, lang: str) -> str:
    """A short number for chart axes: "160M" / "160 M", "2.5K" / "2,5 k"; small numbers as is."""
    from babel.numbers import format_compact_decimal

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    if abs(number) < 10_000:
        return format_number(number, lang)
    return format_compact_decimal(number, format_type="short", locale=lang, fraction_digits=1)


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None


# Skeletons, not fixed patterns, so each locale orders day, month and year its own way.
_SKELETON = {"day": "yMMMMd", "month": "yMMMM", "year": "y"}
_SHORT = {"yMMMMd": "yMMMd", "yMMMM": "yMMM"}


def format_date(value: Any, lang: str, precision: str = "day", short: bool = False) -> str:
    """``value`` (date, datetime or Timestamp) written to ``precision`` for the locale.

    Args:
        value: The date; missing values give "".
        lang: ``en`` or ``fr``.
        precision: ``day``, ``month`` or ``year``: how much of the date is known.
        short: abbreviated month names (chart ticks and tables).
    """
    from babel.dates import format_date as babel_format_date
    from babel.dates import format_skeleton

    day = _as_date(value)
    if day is None:
        return ""
    if precision == "day" and not short:
        return babel_format_date(day, format="long", locale=check_lang(lang))
    skeleton = _SKELETON.get(str(precision), "yMMMMd")
    if short:
        skeleton = _SHORT.get(skeleton, skeleton)
    return format_skeleton(skeleton, day, locale=check_lang(lang))


def format_partial_date(text: Any, lang: str, short: bool = False) -> str:
    """A curated partial date (``2019``, ``2019-02``, ``2019-02-19``, optional ``~``) for readers.

    An approximate date is prefixed with "about" / "vers"; the precision is kept.
    """
    from policylens.dates import parse_partial_date

    if not isinstance(text, str) or not text:
        return ""
    try:
        parsed = parse_partial_date(text)
    except ValueError:
        return text
    shown = format_date(parsed.earliest, lang, parsed.precision, short=short)
    return gettext("about {date}", lang).format(date=shown) if parsed.is_approximate else shown


def format_list(items: Iterable[str], lang: str) -> str:
    """Conjunction list for the locale: "A, B and C" / "A, B et C"."""
    from babel.lists import format_list as babel_format_list

    items = [str(i) for i in items]
    return babel_format_list(items, locale=lang) if items else ""


@dataclass(frozen=True)
class Translator:
    """Everything a brief needs to speak one language; call it like ``gettext``.

    ``t("Sources: {list}", list=...)`` translates, then fills the named fields. Numbers passed as
    fields are not formatted automatically: pass ``t.number(x)``.
    """

    lang: str

    def __call__(self, message: str, /, **fields: Any) -> str:
        """``message`` translated, then its ``{fields}`` filled."""
        text = gettext(message, self.lang)
        return text.format(**fields) if fields else text

    def n(self, singular: str, plural: str, count: float, /, **fields: Any) -> str:
        """Plural-aware message; ``{n}`` is filled with ``count`` formatted for the locale."""
        text = ngettext(singular, plural, count, self.lang)
        return text.format(n=self.number(count), **fields)

    def label(self, vocabulary: str, code: Any, inline: bool = False) -> str:
        """Translated vocabulary label; ``inline`` lower-cases it for the middle of a sentence."""
        return label(vocabulary, code, self.lang, inline)

    def country(self, code: Any) -> str:
        """Country name for the locale."""
        return country(code, self.lang)

    def number(self, value: Any, decimals: int | None = None) -> str:
        """Number for the locale."""
        return format_number(value, self.lang, decimals)

    def compact(self, value: Any) -> str:
        """Short number for chart axes."""
        return format_compact(value, self.lang)

    def date(self, value: Any, precision: str = "day", short: bool = False) -> str:
        """Date for the locale, to ``precision``."""
        return format_date(value, self.lang, precision, short)

    def partial_date(self, text: Any, short: bool = False) -> str:
        """Curated partial date for the locale."""
        return format_partial_date(text, self.lang, short)

    def list(self, items: Iterable[str]) -> str:
        """Conjunction list for the locale."""
        return format_list(items, self.lang)


def translator(lang: str) -> Translator:
    """The :class:`Translator` for ``lang`` (``en`` or ``fr``).

    Raises:
        ValueError: when ``lang`` is not supported (a brief must not silently fall back).
    """
    return Translator(check_lang(lang))
