"""Messages of the evidence briefs (French facial recognition, security exports, source audit).

These briefs keep their narrative in a catalogue of their own,
``locale/<lang>/LC_MESSAGES/policylens_evidence.po``, so that it can be edited without touching
the shared ``policylens.po``. A message is looked up here first and then in the shared catalogue
(:mod:`policylens.i18n`), so vocabulary labels, dates, numbers and country names behave exactly
as in every other brief.

Example::

    from policylens.i18n_evidence import translator
    t = translator("fr")
    t("{n} exported deployments", n=t.number(3))
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policylens import i18n

DOMAIN = "policylens_evidence"

__all__ = ["DOMAIN", "Translator", "translator", "catalogue_path"]


def catalogue_path(lang: str) -> Path:
    """The ``.po`` file of this domain for ``lang``."""
    return i18n.LOCALE_DIR / i18n.check_lang(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=None)
def _catalogue(lang: str):
    from babel.messages import Catalog, pofile

    path = catalogue_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN)
    with path.open("rb") as fh:
        return pofile.read_po(fh, locale=lang, domain=DOMAIN)


def _lookup(msgid: str | tuple[str, str], lang: str):
    message = _catalogue(i18n.check_lang(lang)).get(msgid)
    if message is None or message.fuzzy:
        return None
    if isinstance(message.string, tuple):
        return message.string if all(message.string) else None
    return message.string or None


@dataclass(frozen=True)
class Translator(i18n.Translator):
    """:class:`policylens.i18n.Translator` that reads this domain's catalogue first."""

    def __call__(self, message: str, /, **fields: Any) -> str:
        text = _lookup(message, self.lang) or i18n.gettext(message, self.lang)
        return text.format(**fields) if fields else text

    def n(self, singular: str, plural: str, count: float, /, **fields: Any) -> str:
        """Plural-aware message; ``{n}`` is filled with ``count`` formatted for the locale."""
        forms = _lookup((singular, plural), self.lang)
        if forms:
            text = forms[i18n._plural_index(count, self.lang)]
        else:
            text = i18n.ngettext(singular, plural, count, self.lang)
        return text.format(n=self.number(count), **fields)

    def figure_value(self, value: Any, upper: Any = None, qualifier: Any = None, unit: Any = None) -> str:
        """A figure's value as its source states it: "about 1,000", "at least 50", "50–100 USD".

        Counts and days carry no unit; a percentage gets "%", a currency its ISO code.
        """
        low = self.number(value)
        if not _missing(upper):
            text = self("{low}\u2013{high}", low=low, high=self.number(upper))
        elif qualifier == "about":
            text = self("about {value}", value=low)
        elif qualifier == "at_least":
            text = self("at least {value}", value=low)
        elif qualifier == "at_most":
            text = self("at most {value}", value=low)
        else:
            text = low
        unit = None if _missing(unit) else str(unit)
        if unit == "percent":
            return f"{text}\u00a0%" if self.lang == "fr" else f"{text}%"
        if unit and unit.isupper():
            return f"{text}\u00a0{unit}"
        if unit in ("points", "level"):
            return f"{text} ({self.label('unit', unit).lower()})"
        return text


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def translator(lang: str) -> Translator:
    """The translator for ``lang`` (``en`` or ``fr``).

    Raises:
        ValueError: when ``lang`` is not supported.
    """
    return Translator(i18n.check_lang(lang))
