"""The only way a brief notebook puts content into a brief.

Each function emits one *block*: an IPython display whose MIME bundle holds

* ``application/vnd.policylens.block+json``: the structured block, ``{"kind": ..., **fields}``;
* ``text/html``: the block rendered by :func:`block_html` (every string escaped);
* ``text/plain``: a readable text version (what a console or a log shows).

The HTML and the PDF of a brief are both rendered from the structured blocks of the executed
notebook (``policylens.build``), so they carry the same narrative, figures, tables, captions and
sources. Anything else a notebook prints or displays stays in the executed notebook only.

Text is plain text everywhere: titles, paragraphs, quotes, captions and table cells are escaped,
never interpreted as Markdown or HTML. A URL is kept only if it is an absolute ``http``/``https``
URL without credentials, spaces or control characters, and is rendered as
``<a href="..." rel="noopener noreferrer nofollow">``.

Block kinds and their fields (``BLOCK_VERSION`` 1)::

    title      text, subtitle, meta {brief, parameters, lang, data_version}
    heading    text, level (2..4)
    paragraph  text
    bullets    items [str]
    figure     svg (SVG text), caption, source_line, alt
    table      columns [str], rows [[str]], caption, source_line
    note       text
    sources    heading, items [{source_id, text, url}]

Example::

    from policylens import report as R
    R.title("Facial recognition in France", subtitle="2019-2024", meta={"lang": "en"})
    R.paragraph(summary_text)
    R.figure(fig, caption="Deployments per year", source_line="Sources: francebleu-2019-02-18")
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

MIME = "application/vnd.policylens.block+json"
BLOCK_VERSION = 1
KINDS = ("title", "heading", "paragraph", "bullets", "figure", "table", "note", "sources")
# A fixed salt makes matplotlib's SVG element ids the same from run to run.
SVG_HASHSALT = "policylens"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\s]")

__all__ = [
    "MIME", "KINDS", "title", "heading", "paragraph", "bullets", "figure", "table", "note",
    "sources", "safe_url", "figure_svg", "block_html", "block_text", "emit",
]


# --- text and URL hygiene -------------------------------------------------------------------


def _text(value: Any, field: str) -> str:
    """``value`` as a plain string; ``None`` becomes ``""``."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        raise TypeError(f"{field}: expected text, got bytes")
    return str(value)


def safe_url(url: Any) -> str | None:
    """``url`` if it is an absolute http(s) URL without credentials or control chars, else None.

    Args:
        url: Anything; only strings can pass.

    Returns:
        The URL unchanged, or ``None`` when it must not become a link.
    """
    if not isinstance(url, str) or not url or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    return url


def _cell_text(value: Any) -> str:
    """One table cell as text: missing values are empty, integral floats lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
    try:  # pandas NA / NaT and numpy NaN without importing either here
        if value != value:  # noqa: PLR0124 - NaN-like values are not equal to themselves
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


# --- figures --------------------------------------------------------------------------------


def figure_svg(fig: Any) -> str:
    """The SVG text of a matplotlib figure, identical from run to run.

    The date is left out, element ids are salted with a fixed string, and text is drawn as
    paths so the figure looks the same wherever it is opened.

    Args:
        fig: A ``matplotlib.figure.Figure``.

    Returns:
        The SVG document as a string.
    """
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


# --- rendering ------------------------------------------------------------------------------


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _svg_data_uri(svg: str) -> str:
    # An SVG loaded through <img> cannot run scripts, unlike inline <svg>.
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _source_line_html(source_line: str) -> str:
    return f'<p class="pl-source-line">{_esc(source_line)}</p>' if source_line else ""


def _title_html(b: Mapping[str, Any]) -> str:
    sub = f'<p class="pl-subtitle">{_esc(b["subtitle"])}</p>' if b.get("subtitle") else ""
    return f'<header class="pl-title"><h1>{_esc(b["text"])}</h1>{sub}</header>'


def _figure_html(b: Mapping[str, Any]) -> str:
    alt = b.get("alt") or b.get("caption") or ""
    return (f'<figure class="pl-figure"><img src="{_svg_data_uri(b["svg"])}" alt="{_esc(alt)}">'
            f'<figcaption>{_esc(b["caption"])}</figcaption>'
            f'{_source_line_html(b.get("source_line", ""))}</figure>')


def _table_html(b: Mapping[str, Any]) -> str:
    head = "".join(f'<th scope="col">{_esc(c)}</th>' for c in b["columns"])
    body = "".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>"
                   for row in b["rows"])
    return (f'<figure class="pl-table"><figcaption>{_esc(b["caption"])}</figcaption>'
            f'<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
            f'{_source_line_html(b.get("source_line", ""))}</figure>')


def _source_item_html(item: Mapping[str, Any]) -> str:
    sid = f'<span class="pl-source-id">[{_esc(item["source_id"])}]</span> ' if item.get(
        "source_id") else ""
    url = safe_url(item.get("url"))
    link = (f' <a href="{_esc(url)}" rel="noopener noreferrer nofollow">{_esc(url)}</a>'
            if url else "")
    return f"<li>{sid}{_esc(item.get('text', ''))}{link}</li>"


def _sources_html(b: Mapping[str, Any]) -> str:
    items = "".join(_source_item_html(i) for i in b["items"])
    head = f"<h2>{_esc(b['heading'])}</h2>" if b.get("heading") else ""
    return f'<section class="pl-sources">{head}<ol>{items}</ol></section>'


def block_html(block: Mapping[str, Any]) -> str:
    """The HTML of one block; every string from the block is escaped.

    Args:
        block: A block as emitted under :data:`MIME`.

    Returns:
        An HTML fragment.
    """
    kind = block.get("kind")
    if kind == "title":
        return _title_html(block)
    if kind == "heading":
        level = min(max(int(block.get("level", 2)), 2), 4)
        return f"<h{level}>{_esc(block['text'])}</h{level}>"
    if kind == "paragraph":
        return f"<p>{_esc(block['text'])}</p>"
    if kind == "bullets":
        return "<ul>" + "".join(f"<li>{_esc(i)}</li>" for i in block["items"]) + "</ul>"
    if kind == "figure":
        return _figure_html(block)
    if kind == "table":
        return _table_html(block)
    if kind == "note":
        return f'<aside class="pl-note"><p>{_esc(block["text"])}</p></aside>'
    if kind == "sources":
        return _sources_html(block)
    raise ValueError(f"unknown block kind {kind!r}; expected one of {', '.join(KINDS)}")


def block_text(block: Mapping[str, Any]) -> str:
    """A plain-text rendering of one block, for consoles and logs."""
    kind = block.get("kind")
    if kind == "title":
        return block["text"] + (f"\n{block['subtitle']}" if block.get("subtitle") else "")
    if kind in ("heading", "paragraph"):
        return block["text"]
    if kind == "note":
        return f"Note: {block['text']}"
    if kind == "bullets":
        return "\n".join(f"- {i}" for i in block["items"])
    if kind == "figure":
        return f"[Figure] {block['caption']}\n{block.get('source_line', '')}".rstrip()
    if kind == "table":
        lines = [f"[Table] {block['caption']}", " | ".join(block["columns"])]
        lines += [" | ".join(r) for r in block["rows"]]
        if block.get("source_line"):
            lines.append(block["source_line"])
        return "\n".join(lines)
    if kind == "sources":
        items = [f"[{i.get('source_id', '')}] {i.get('text', '')} {i.get('url') or ''}".rstrip()
                 for i in block["items"]]
        return "\n".join([block.get("heading", "")] + items).strip()
    raise ValueError(f"unknown block kind {kind!r}")


def emit(block: dict[str, Any]) -> dict[str, Any]:
    """Display ``block`` as a MIME bundle and return it.

    Outside IPython (a plain ``python`` run) the text rendering is printed instead.
    """
    block = {"kind": block["kind"], "v": BLOCK_VERSION,
             **{k: v for k, v in block.items() if k != "kind"}}
    bundle = {MIME: block, "text/html": block_html(block), "text/plain": block_text(block)}
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(bundle, raw=True)
    else:
        print(bundle["text/plain"])
    return block


# --- the public API -------------------------------------------------------------------------


def _meta(meta: Mapping[str, Any] | None) -> dict[str, Any]:
    if meta is None:
        return {}
    if not isinstance(meta, Mapping):
        raise TypeError("meta: expected a mapping like "
                        "{'brief':..., 'parameters':{...}, 'lang':...}")
    out: dict[str, Any] = {}
    for key in ("brief", "lang", "data_version"):
        if meta.get(key) is not None:
            out[key] = _text(meta[key], f"meta.{key}")
    params = meta.get("parameters") or {}
    out["parameters"] = {str(k): _text(v, f"meta.parameters.{k}") for k, v in params.items()}
    return out


def title(text: str, subtitle: str | None = None, meta: Mapping[str, Any] | None = None) -> dict:
    """The brief's title block (one per brief, first).

    Args:
        text: The title.
        subtitle: An optional line under the title.
        meta: ``{"brief", "parameters", "lang", "data_version"}``; the build fills in whatever
            is missing for the PDF title block and the index.
    """
    return emit({"kind": "title", "text": _text(text, "title"),
                 "subtitle": _text(subtitle, "subtitle"), "meta": _meta(meta)})


def heading(text: str, level: int = 2) -> dict:
    """A section heading; ``level`` 2 (section) to 4."""
    if level not in (2, 3, 4):
        raise ValueError(f"heading level: expected 2, 3 or 4, got {level!r}")
    return emit({"kind": "heading", "text": _text(text, "heading"), "level": level})


def paragraph(text: str) -> dict:
    """A paragraph of plain text (escaped, never interpreted as Markdown or HTML)."""
    return emit({"kind": "paragraph", "text": _text(text, "paragraph")})


def bullets(items: Iterable[str]) -> dict:
    """A bulleted list of plain-text items."""
    if isinstance(items, str):
        raise TypeError("bullets: expected a list of strings, got one string")
    return emit({"kind": "bullets", "items": [_text(i, "bullets[]") for i in items]})


def figure(fig: Any, caption: str, source_line: str, alt: str | None = None) -> dict:
    """A matplotlib figure with its caption and source line, as deterministic SVG.

    The figure is closed afterwards so that it is not displayed a second time.

    Args:
        fig: A ``matplotlib.figure.Figure``.
        caption: What the figure shows.
        source_line: Where the data comes from, e.g. ``"Sources: francebleu-2019-02-18"``.
        alt: Text alternative for screen readers; defaults to the caption.
    """
    svg = figure_svg(fig)
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # noqa: BLE001 - a figure made without pyplot has nothing to close
        pass
    return emit({"kind": "figure", "svg": svg, "caption": _text(caption, "caption"),
                 "source_line": _text(source_line, "source_line"), "alt": _text(alt, "alt")})


def table(df: Any, caption: str, source_line: str | None = None) -> dict:
    """A pandas DataFrame as a real table; every cell is rendered as escaped text.

    The index is dropped: put what a reader needs into columns first.
    """
    columns = [_text(c, "column") for c in df.columns]
    rows = [[_cell_text(v) for v in row] for row in df.itertuples(index=False, name=None)]
    return emit({"kind": "table", "columns": columns, "rows": rows,
                 "caption": _text(caption, "caption"),
                 "source_line": _text(source_line, "source_line")})


def note(text: str) -> dict:
    """A highlighted note, e.g. ``"No deployments match this selection."``."""
    return emit({"kind": "note", "text": _text(text, "note")})


def sources(items: Sequence[Mapping[str, Any]], heading: str) -> dict:
    """The list of sources cited by the brief.

    Args:
        items: ``{"source_id", "text", "url"}`` mappings; a URL that is not absolute http(s)
            is dropped (the text stays).
        heading: The section heading, e.g. ``"Sources"``.
    """
    clean = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise TypeError(f"sources[{i}]: expected a mapping with source_id, text, url")
        clean.append({"source_id": _text(item.get("source_id"), "source_id"),
                      "text": _text(item.get("text"), "text"),
                      "url": safe_url(item.get("url"))})
    return emit({"kind": "sources", "heading": _text(heading, "heading"), "items": clean})
