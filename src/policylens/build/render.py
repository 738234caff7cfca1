"""Executed notebook -> policylens blocks -> HTML (nbconvert + nh3) and PDF (Typst).

Both formats are rendered from the same blocks (``policylens.report``), so the PDF carries the
same narrative, figures, tables, captions and sources as the HTML. Figures are published as SVG
files and embedded in the HTML as ``<img>`` data URIs (an SVG loaded as an image cannot run
scripts); tables are also published as CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from policylens import report

TEMPLATES = Path(__file__).parent / "templates"
FONTS_DIR = Path(__file__).parent / "fonts"
LANG_NAMES = {"en": {"en": "English", "fr": "French"}, "fr": {"en": "anglais", "fr": "français"}}
LABELS = {
    "en": {"brief": "Brief", "parameters": "Parameters", "language": "Language",
           "data_version": "Data version", "built": "Built", "all_briefs": "All briefs",
           "pdf": "PDF", "html": "HTML", "none": "the notebook's defaults",
           "index_title": "policylens briefs",
           "title": "Title", "files": "Files", "table": "Table",
           "index_intro": "Every brief built from the curated data, in each language."},
    "fr": {"brief": "Note", "parameters": "Paramètres", "language": "Langue",
           "data_version": "Version des données", "built": "Générée le",
           "all_briefs": "Toutes les notes", "pdf": "PDF", "html": "HTML",
           "none": "valeurs par défaut du carnet",
           "index_title": "Notes policylens", "title": "Titre", "files": "Fichiers",
           "table": "Tableau",
           "index_intro": "Toutes les notes produites à partir des données vérifiées."},
}
# Tags and attributes the brief body may contain after sanitising; everything else is dropped.
HTML_TAGS = {"a", "aside", "br", "caption", "dd", "div", "dl", "dt", "em", "figcaption", "figure",
             "footer", "h1", "h2", "h3", "h4", "header", "img", "li", "main", "nav", "ol", "p",
             "section", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
             "code", "small"}
HTML_ATTRS = {"*": {"class", "lang"}, "a": {"href"}, "img": {"src", "alt"}, "th": {"scope"}}
_IMG_PREFIX = "data:image/svg+xml;base64,"
TEXT_WIDTH_PT = 595.28 - 2 * 56.69  # A4 minus the 20 mm side margins of brief.typ
_BODY = re.compile(r"<!--pl-body-->(.*)<!--/pl-body-->", re.S)


class OutputInvalid(Exception):
    """The notebook ran but did not produce a brief (e.g. no title block)."""


@dataclass(frozen=True)
class BriefContext:
    """What the renderers know about a brief besides its blocks."""

    id: str
    notebook: str
    lang: str
    parameters: dict
    data_version: str
    build_date: str


def labels(lang: str) -> dict[str, str]:
    """Interface words in ``lang`` (English for anything unknown)."""
    return LABELS.get(lang, LABELS["en"])


def blocks_of(nb: Any) -> list[dict]:
    """The policylens blocks of an executed notebook, in order."""
    out = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            data = output.get("data") or {}
            if output.get("output_type") in ("display_data", "execute_result") and (
                    report.MIME in data):
                block = data[report.MIME]
                out.append(json.loads(block) if isinstance(block, str) else dict(block))
    if not out or out[0].get("kind") != "title":
        raise OutputInvalid("the notebook did not start its output with R.title(...)")
    return out


def params_text(parameters: dict, lang: str) -> str:
    """``name=value`` pairs (lang left out), or the word for none."""
    pairs = [f"{k}={', '.join(map(str, v)) if isinstance(v, list) else v}"
             for k, v in sorted(parameters.items()) if k != "lang"]
    return "; ".join(pairs) or labels(lang)["none"]


def meta_rows(ctx: BriefContext) -> list[tuple[str, str]]:
    """The title-block rows shared by the HTML and the PDF."""
    lab = labels(ctx.lang)
    return [(lab["brief"], ctx.id), (lab["parameters"], params_text(ctx.parameters, ctx.lang)),
            (lab["language"], LANG_NAMES.get(ctx.lang, {}).get(ctx.lang, ctx.lang)),
            (lab["data_version"], ctx.data_version), (lab["built"], ctx.build_date)]


# --- HTML -----------------------------------------------------------------------------------


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    # Data URIs only as the figure images this module writes; never as a link.
    if element == "img" and attribute == "src":
        return value if value.startswith(_IMG_PREFIX) else None
    if attribute == "href" and not (value.startswith(("https://", "http://", "#"))
                                    or re.fullmatch(r"[\w.-]+(/[\w.-]+)*(#[\w-]*)?", value)):
        return None
    return value


def sanitize(fragment: str) -> str:
    """``fragment`` with only the brief's tags and attributes, and safe URLs."""
    import nh3

    return nh3.clean(fragment, tags=HTML_TAGS, attributes=HTML_ATTRS,
                     attribute_filter=_keep_attribute, url_schemes={"http", "https", "data"},
                     link_rel="noopener noreferrer nofollow", strip_comments=True)


def sanitize_document(document: str) -> str:
    """The page with its body (everything data can reach) passed through :func:`sanitize`."""
    match = _BODY.search(document)
    if not match:
        raise OutputInvalid("the HTML template lost its body markers")
    return document[:match.start()] + sanitize(match.group(1)) + document[match.end():]


def _meta_html(ctx: BriefContext) -> str:
    import html

    rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in meta_rows(ctx))
    return f'<dl class="pl-meta">{rows}</dl>'


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert.exporters import TemplateExporter

    exporter = TemplateExporter(template_file=str(TEMPLATES / "brief.html.j2"),
                                exclude_input=True)
    exporter.file_extension = ".html"
    exporter.register_filter("pl_block_html", lambda block: _BLOCK_FILTER[0](block))
    return exporter


# The filter of the brief being rendered (one brief at a time per process).
_BLOCK_FILTER: list = [report.block_html]


def warm_html() -> None:
    """Build the exporter and compile its template once, before forking workers."""
    _exporter().environment.get_template("brief.html.j2")


def render_html(nb: Any, ctx: BriefContext) -> str:
    """The brief page: nbconvert renders the blocks, nh3 sanitises the body."""
    exporter = _exporter()
    title_block = blocks_of(nb)[0]

    def block_filter(block):
        block = json.loads(block) if isinstance(block, str) else block
        out = report.block_html(block)
        return out + _meta_html(ctx) if block.get("kind") == "title" else out

    _BLOCK_FILTER[0] = block_filter
    lab = labels(ctx.lang)
    resources = {"pl": {"lang": ctx.lang, "title": title_block["text"], "mime": report.MIME,
                        "css": css(), "labels": lab, "pdf_name": f"{ctx.id}.pdf",
                        "footer": f"policylens · {ctx.id} · {lab['data_version']} "
                                  f"{ctx.data_version} · {ctx.build_date}"}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return sanitize_document(body)


@lru_cache(maxsize=1)
def css() -> str:
    """The brief stylesheet (screen and print)."""
    return (TEMPLATES / "brief.css").read_text(encoding="utf-8")


# --- Typst ----------------------------------------------------------------------------------


def typst_str(text: Any) -> str:
    """``text`` as a Typst string literal: shown verbatim, never interpreted as markup."""
    s = str(text)
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    s = s.replace("\n", "\\n").replace("\t", " ")
    return f'"{s}"'


def svg_width_pt(svg: str) -> float | None:
    """The width an SVG declares, in points (matplotlib writes ``width="504pt"``)."""
    match = re.search(r'<svg[^>]*\swidth="([\d.]+)(pt|px)?"', svg)
    if not match:
        return None
    return float(match[1]) * (0.75 if match[2] == "px" else 1.0)


def _typ_figure(block: dict, name: str) -> str:
    alt = block.get("alt") or block.get("caption") or ""
    # Natural size, shrunk to the text width when wider: fonts keep the size the figure chose.
    natural = svg_width_pt(block["svg"])
    width = f"{min(natural, TEXT_WIDTH_PT):.1f}pt" if natural else "100%"
    return (f'#figure(image({typst_str(name)}, width: {width}, alt: {typst_str(alt)}), '
            f'caption: {typst_str(block["caption"])})\n'
            + (f'#source-line({typst_str(block["source_line"])})\n' if block.get("source_line")
               else ""))


def _typ_table(block: dict, number: int, lang: str) -> str:
    n = max(len(block["columns"]), 1)
    head = ", ".join(typst_str(c) for c in block["columns"])
    cells = ",\n  ".join(", ".join(typst_str(v) for v in row) for row in block["rows"])
    source = (f'#source-line({typst_str(block["source_line"])})' if block.get("source_line")
              else "")
    caption = f"{labels(lang)['table']} {number} – {block['caption']}"
    # The caption sticks to the table's first rows; a long table breaks across pages and
    # repeats its header row (a figure caption could be left alone at the foot of a page).
    return (f"#table-caption({typst_str(caption)})\n"
            f"#table(columns: {n}, table.header({head}),\n  {cells})\n{source}\n")


def _typ_sources(block: dict) -> str:
    items = []
    for item in block["items"]:
        parts = []
        if item.get("source_id"):
            sid = typst_str("[" + item["source_id"] + "]")
            parts.append(f"text(size: 8pt, fill: muted, {sid})")
        parts.append(typst_str(item.get("text", "")))
        url = report.safe_url(item.get("url"))
        if url:
            parts.append(f"link({typst_str(url)})")
        items.append("[#" + " #".join(parts) + "]")
    head = f"#heading(level: 1, {typst_str(block['heading'])})\n" if block.get("heading") else ""
    return (head + "#set text(size: 9pt)\n#enum(" + ",\n  ".join(items)
            + ")\n#set text(size: 10.5pt)\n")


def typst_document(blocks: list[dict], ctx: BriefContext) -> tuple[str, dict[str, str]]:
    """The Typst source of the brief and the figure files it includes (name -> SVG text)."""
    title = blocks[0]
    figures: dict[str, str] = {}
    body: list[str] = []
    tables = 0
    for block in blocks[1:]:
        kind = block["kind"]
        if kind == "heading":
            body.append(f"#heading(level: {int(block['level']) - 1}, {typst_str(block['text'])})")
        elif kind == "paragraph":
            body.append(f"#par({typst_str(block['text'])})")
        elif kind == "bullets":
            body.append("#list(" + ", ".join(typst_str(i) for i in block["items"]) + ")")
        elif kind == "note":
            body.append(f"#note({typst_str(block['text'])})")
        elif kind == "figure":
            name = f"{ctx.id}.fig-{len(figures) + 1}.svg"
            figures[name] = block["svg"]
            body.append(_typ_figure(block, name))
        elif kind == "table":
            tables += 1
            body.append(_typ_table(block, tables, ctx.lang))
        elif kind == "sources":
            body.append(_typ_sources(block))
        elif kind == "title":
            raise OutputInvalid("a brief has one R.title(...), at the start")
    meta = ", ".join(f"({typst_str(k)}, {typst_str(v)})" for k, v in meta_rows(ctx))
    footer = f"{ctx.id} · {labels(ctx.lang)['data_version']} {ctx.data_version}"
    doc = (f'#import "brief.typ": *\n'
           f"#show: brief.with(title: {typst_str(title['text'])}, "
           f"subtitle: {typst_str(title.get('subtitle') or '')}, lang: {typst_str(ctx.lang)}, "
           f"meta: ({meta},), footer: {typst_str(footer)})\n\n" + "\n\n".join(body) + "\n")
    return doc, figures


def render_pdf(blocks: list[dict], ctx: BriefContext, workdir: Path) -> tuple[bytes, dict]:
    """Compile the brief with Typst in ``workdir``; returns the PDF and the figure files."""
    import typst

    doc, figures = typst_document(blocks, ctx)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "brief.typ").write_bytes((TEMPLATES / "brief.typ").read_bytes())
    for name, svg in figures.items():
        (workdir / name).write_text(svg, encoding="utf-8")
    main = workdir / "main.typ"
    main.write_text(doc, encoding="utf-8")
    # Typst's embedded fonts plus the project's CJK subset, never system fonts, so the PDF does
    # not depend on what the machine has installed.
    pdf = typst.compile(str(main), root=str(workdir), font_paths=[str(FONTS_DIR)],
                        ignore_system_fonts=True, timestamp=0)
    return pdf, figures


def table_csv(block: dict) -> bytes:
    """A table block as RFC 4180 CSV (UTF-8)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(block["columns"])
    writer.writerows(block["rows"])
    return buf.getvalue().encode("utf-8")


def render_outputs(nb: Any, ctx: BriefContext, workdir: Path) -> tuple[dict[str, bytes], dict]:
    """Every published file of one brief (name -> bytes) and its title block.

    Names are relative to the ``briefs/`` folder: ``<id>.html``, ``<id>.pdf``,
    ``<id>.fig-<n>.svg``, ``<id>.table-<n>.csv``.
    """
    blocks = blocks_of(nb)
    files: dict[str, bytes] = {f"{ctx.id}.html": render_html(nb, ctx).encode("utf-8")}
    pdf, figures = render_pdf(blocks, ctx, workdir)
    files[f"{ctx.id}.pdf"] = pdf
    files.update({name: svg.encode("utf-8") for name, svg in figures.items()})
    tables = [b for b in blocks if b["kind"] == "table"]
    for i, block in enumerate(tables, 1):
        files[f"{ctx.id}.table-{i}.csv"] = table_csv(block)
    return files, blocks[0]
