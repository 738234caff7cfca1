"""Importer test helpers: fixture paths; XLSX built from raw XML so tests control every byte."""
# ruff: noqa: E501  (the OOXML boilerplate below is kept verbatim, one element per line)

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

IMPORT_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers"
# A small curated folder whose organisations are the vendor crosswalk of the importer tests.
CURATED_CROSSWALK = IMPORT_FIXTURES / "curated"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""
SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"""


def _col(index: int) -> str:
    name = ""
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def cell_xml(ref: str, value) -> str:
    """One cell: text (inline string), number, or ('=FORMULA', cached or None)."""
    if isinstance(value, tuple):
        formula, cached = value
        cached_xml = "" if cached is None else f"<v>{escape(str(cached))}</v>"
        kind = ' t="str"' if isinstance(cached, str) else ""
        return f'<c r="{ref}"{kind}><f>{escape(formula.lstrip("="))}</f>{cached_xml}</c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return (
        f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'
    )


def write_xlsx(
    path: Path,
    rows: list[list],
    sheet: str = "Sheet1",
    doctype: str = "",
    extra_entries: dict[str, bytes] | None = None,
) -> Path:
    """Write ``rows`` (lists of cell values) as a one-sheet workbook at ``path``."""
    row_xml = []
    for r, values in enumerate(rows, start=1):
        cells = "".join(
            cell_xml(f"{_col(c)}{r}", v) for c, v in enumerate(values, start=1) if v != ""
        )
        row_xml.append(f'<row r="{r}">{cells}</row>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK.format(name=sheet))
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", SHEET.format(doctype=doctype, rows="".join(row_xml)))
        for name, data in (extra_entries or {}).items():
            z.writestr(name, data)
    return path
