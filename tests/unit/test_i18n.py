"""The en/fr catalogues, vocabulary labels, and locale formatting of dates and numbers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages import pofile

from policylens import i18n, vocab

REPO = Path(__file__).resolve().parents[2]
# Files whose narrative goes through the policylens catalogue.
USERS = [
    "notebooks/comparative_timeline.py",
    "notebooks/country_profile.py",
    "notebooks/health_codes.py",
    "src/policylens/plots.py",
    "src/policylens/compare.py",
    "src/policylens/i18n.py",
]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _read(lang):
    with i18n.catalogue_path(lang).open("rb") as fh:
        return pofile.read_po(fh)


def _ids(catalogue):
    return {(m.context, m.id) for m in catalogue if m.id}


def _literal_messages(path: Path):
    """First literal argument of t("...") and the two of t.n("...", "...") calls."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        lits = [
            a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        f = node.func
        if isinstance(f, ast.Name) and f.id == "t" and lits:
            yield lits[0]
        elif (
            isinstance(f, ast.Attribute)
            and f.attr == "n"
            and isinstance(f.value, ast.Name)
            and f.value.id == "t"
            and len(lits) >= 2
        ):
            yield (lits[0], lits[1])


def test_english_and_french_catalogues_list_the_same_messages():
    assert _ids(_read("en")) == _ids(_read("fr"))


def test_every_french_message_is_translated_with_the_same_placeholders():
    problems = []
    for m in _read("fr"):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        for source, target in zip(ids, strings, strict=False):
            if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(target)):
                problems.append(f"placeholders differ: {source!r} -> {target!r}")
    assert problems == []


@pytest.mark.parametrize("name", sorted(vocab.VOCABULARIES))
def test_every_vocabulary_label_has_a_french_translation(name):
    missing = [
        code
        for code, c in vocab.VOCABULARIES[name].codes.items()
        if i18n._lookup(c.label, "fr", context=name) is None
    ]
    assert missing == [], f"add French labels for {name}: {missing}"


@pytest.mark.parametrize("path", USERS)
def test_every_message_the_briefs_use_is_in_the_french_catalogue(path):
    missing = [m for m in _literal_messages(REPO / path) if i18n._lookup(m, "fr") is None]
    assert missing == [], f"add to locale/*/policylens.po: {missing}"


def test_unsupported_language_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="expected one of en, fr, got 'de'"):
        i18n.translator("de")


def test_translator_translates_then_fills_fields():
    assert i18n.translator("fr")("Sources: {list}", list="X") == "Sources : X"
    assert i18n.translator("en")("Sources: {list}", list="X") == "Sources: X"


def test_plural_rules_follow_the_language():
    en, fr = i18n.translator("en"), i18n.translator("fr")
    assert en.n("{n} health code", "{n} health codes", 0) == "0 health codes"
    assert fr.n("{n} health code", "{n} health codes", 0) == "0 code sanitaire"
    assert fr.n("{n} health code", "{n} health codes", 2) == "2 codes sanitaires"


def _spaces(text):
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_numbers_use_the_locale_grouping():
    assert i18n.format_number(2350, "en") == "2,350"
    assert _spaces(i18n.format_number(2350, "fr")) == "2 350"
    assert _spaces(i18n.format_number(1234.5, "fr")) == "1 234,5"
    assert i18n.format_number(float("nan"), "en") == ""


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("2019", "en", "2019"),
        ("2019-02", "en", "February 2019"),
        ("2019-02", "fr", "février 2019"),
        ("2019-02-19", "en", "February 19, 2019"),
        ("2019-02-19", "fr", "19 février 2019"),
        ("2019-02~", "en", "about February 2019"),
        ("2019-02-19~", "fr", "vers 19 février 2019"),
        ("", "en", ""),
    ],
)
def test_partial_dates_keep_their_precision(text, lang, expected):
    assert i18n.format_partial_date(text, lang) == expected


def test_labels_and_countries_are_translated():
    assert i18n.label("event_type", "court_ruling", "fr") == "Décision de justice"
    assert i18n.label("category", "health_code", "fr", inline=True) == "code sanitaire"
    assert i18n.label("organisation_kind", "ngo", "en", inline=True) == "NGO"
    assert i18n.label("category", "no_such_code", "fr") == "no_such_code"
    assert i18n.country("CN", "fr") == "Chine"
    assert i18n.country(None, "fr") == "International"
