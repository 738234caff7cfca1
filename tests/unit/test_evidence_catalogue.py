"""The evidence briefs speak French: every message they use has a translation."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages import pofile

from policylens import i18n, i18n_evidence

REPO = Path(__file__).resolve().parents[2]
USERS = [REPO / "notebooks" / f"{n}.py" for n in ("facial_recognition_france", "security_exports", "source_audit")]
USERS.append(REPO / "src" / "policylens" / "brief_sources.py")


def used_messages(path: Path) -> list:
    """Message ids passed as literals to ``t(...)`` and ``t.n(...)`` in ``path``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func, args = node.func, node.args
        if isinstance(func, ast.Name) and func.id in ("t", "self") and args and isinstance(args[0], ast.Constant):
            out.append(args[0].value)
        elif (isinstance(func, ast.Attribute) and func.attr == "n" and isinstance(func.value, ast.Name)
              and func.value.id == "t" and len(args) >= 2 and all(isinstance(a, ast.Constant) for a in args[:2])):
            out.append((args[0].value, args[1].value))
    return out


@pytest.mark.parametrize("path", USERS, ids=lambda p: p.stem)
def test_every_message_has_a_french_translation(path):
    messages = used_messages(path)
    assert messages, "no t(...) call found: the extractor no longer matches the code"
    missing = [m for m in messages if i18n_evidence._lookup(m, "fr") is None and i18n._lookup(m, "fr") is None]
    assert missing == []


def test_every_catalogued_message_is_still_used():
    used = {m for path in USERS + [REPO / "src" / "policylens" / "i18n_evidence.py"] for m in used_messages(path)}
    stale = [m for m in _ids("fr") if m not in used]
    assert stale == []


def _ids(lang: str) -> list:
    with i18n_evidence.catalogue_path(lang).open("rb") as fh:
        return [m.id for m in pofile.read_po(fh) if m.id]


def test_english_and_french_catalogues_list_the_same_messages():
    assert _ids("en") == _ids("fr")


def test_translator_prefers_this_catalogue_and_falls_back_to_the_shared_one():
    t = i18n_evidence.translator("fr")
    assert t("Legal timeline") == "Chronologie juridique"
    assert t.label("event_type", "court_ruling") == i18n.label("event_type", "court_ruling", "fr")
    assert t.n("{n} court ruling.", "{n} court rulings.", 1) == "1 décision de justice."
    assert t.n("{n} court ruling.", "{n} court rulings.", 2) == "2 décisions de justice."
    assert i18n_evidence.translator("en").n("{n} court ruling.", "{n} court rulings.", 0) == "0 court rulings."


@pytest.mark.parametrize(("lang", "args", "expected"), [
    ("en", (1000, None, "about", "count"), "about 1,000"),
    ("fr", (1000, None, "about", "count"), "environ 1\u202f000"),
    ("en", (50, 100, "range", "count"), "50\u2013100"),
    ("en", (200000000, None, "at_least", "USD"), "at least 200,000,000\u00a0USD"),
    ("fr", (70, None, None, "percent"), "70\u00a0%"),
    ("en", (3, None, None, None), "3"),
])
def test_figure_values_are_written_as_their_sources_state_them(lang, args, expected):
    assert i18n_evidence.translator(lang).figure_value(*args) == expected


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang"):
        i18n_evidence.translator("de")
