"""Read one worksheet of an untrusted XLSX file as strings, safely.

Three defences, in order:

1. **Zip pre-check** before any XML is parsed (``precheck_zip``): entry count, entry names (no
   ``..``, no absolute paths), total uncompressed size, compression ratio, and the real
   decompressed size of each entry against its declared size (CPython's ``zipfile`` trusts the
   declared sizes, bpo-39341).
2. **defusedxml**: openpyxl parses XML through defusedxml only when it is importable; the reader
   refuses to run otherwise (``require_defusedxml``), so entity-expansion ("billion laughs") files
   fail instead of exhausting memory.
3. **No evaluation**: formula cells are never computed. Their cached value (what the spreadsheet
   program last displayed) is used; a formula without one is reported as ``Sheet!A1``, never read
   as an empty cell.

Cells come back as strings: numbers without a spurious ``.0``, dates in ISO form, text as written
(so ``007`` and ``NA`` stay what they are).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from policylens.importers.common import ImportInputError

MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 10_000
# Tiny XML parts compress very well; the ratio limit applies to entries above this size.
RATIO_MIN_BYTES = 1024 * 1024


def _why(exc: BaseException) -> str:
    # openpyxl wraps the parser's error (e.g. defusedxml's EntitiesForbidden) in a generic one.
    root = exc
    while root.__cause__ is not None or root.__context__ is not None:
        root = root.__cause__ or root.__context__
    text = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return text if root is exc else f"{text} (cause: {type(root).__name__}: {root})"


def require_defusedxml() -> None:
    """Raise unless openpyxl will parse XML through defusedxml."""
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise ImportInputError(
            [
                "XLSX import needs defusedxml (openpyxl does not guard against XML entity "
                "expansion without it); install the locked requirements"
            ]
        )


def _bad_name(name: str) -> bool:
    posix = PurePosixPath(name.replace("\\", "/"))
    return name.startswith(("/", "\\")) or ".." in posix.parts or (len(name) > 1 and name[1] == ":")


def _container_problems(
    name: str, infos: list[zipfile.ZipInfo], max_total: int, max_ratio: float, max_entries: int
) -> list[str]:
    """Problems visible in the ZIP directory: entry count, names, declared sizes and ratios."""
    problems: list[str] = []
    if len(infos) > max_entries:
        problems.append(f"{name}: {len(infos)} entries in the ZIP container (limit {max_entries})")
    total = sum(i.file_size for i in infos)
    if total > max_total:
        problems.append(f"{name}: unpacks to {total} bytes (limit {max_total})")
    for info in infos:
        if _bad_name(info.filename):
            problems.append(
                f"{name}: unsafe entry name {info.filename!r} ('..' or an absolute path)"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > max_ratio:
            problems.append(
                f"{name}: entry {info.filename!r} expands {ratio:.0f}:1 (limit {max_ratio}:1)"
            )
    overall = total / max(sum(i.compress_size for i in infos), 1)
    if total > RATIO_MIN_BYTES and overall > max_ratio:
        problems.append(
            f"{name}: the container expands {overall:.0f}:1 overall (limit {max_ratio}:1)"
        )
    return problems


def _check_real_sizes(archive: zipfile.ZipFile, name: str, max_total: int) -> None:
    """Decompress each entry with a bound: declared sizes can lie (bpo-39341); checks CRCs."""
    for info in archive.infolist():
        read = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(1024 * 1024):
                    read += len(chunk)
                    if read > info.file_size or read > max_total:
                        raise ImportInputError(
                            [
                                f"{name}: entry {info.filename!r} unpacks to more "
                                f"than the {info.file_size} bytes it declares"
                            ]
                        )
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise ImportInputError(
                [
                    f"{name}: entry {info.filename!r} is corrupt or does not match its "
                    f"declared size ({info.file_size} bytes): {exc}"
                ]
            ) from exc


def precheck_zip(
    path: Path,
    *,
    max_total: int = MAX_TOTAL_BYTES,
    max_ratio: float = MAX_RATIO,
    max_entries: int = MAX_ENTRIES,
) -> None:
    """Reject a ZIP that is malformed, too big unpacked, too compressed or has unsafe names.

    Raises:
        ImportInputError: listing every problem found.
    """
    name = Path(path).name
    if not zipfile.is_zipfile(path):
        raise ImportInputError([f"{name}: not an XLSX file (not a ZIP container)"])
    with zipfile.ZipFile(path) as archive:
        problems = _container_problems(name, archive.infolist(), max_total, max_ratio, max_entries)
        if problems:
            raise ImportInputError(problems)
        _check_real_sizes(archive, name, max_total)


def cell_text(value) -> str:
    """A cell value as the string the importer works with."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


@dataclass
class Sheet:
    """One worksheet as text: header, data rows with their row numbers, formula problems."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    # worksheet row number -> "Sheet!A1: formula ... has no cached value" messages
    uncached: dict[int, list[str]] = field(default_factory=dict)


def _uncached(sheet: str, number: int, cached: tuple, formulas: tuple) -> list[str]:
    """``Sheet!A1`` messages for the formula cells of one row that have no cached value."""
    from openpyxl.utils import get_column_letter

    out = []
    for col, formula in enumerate(formulas or (), start=1):
        is_formula = isinstance(formula, str) and formula.startswith("=")
        if is_formula and (col > len(cached) or cached[col - 1] is None):
            out.append(
                f"{sheet}!{get_column_letter(col)}{number}: formula {formula[:60]!r} has no cached "
                "value (the file was saved without computed values; recalculate and save it in a "
                "spreadsheet program, or replace the formula by its value)"
            )
    return out


def _scan(values_ws, formula_ws, sheet: str, header_row: int) -> Sheet:
    """Walk the cached-value and formula views of one worksheet side by side."""
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    uncached: dict[int, list[str]] = {}
    pairs = zip(
        values_ws.iter_rows(values_only=True), formula_ws.iter_rows(values_only=True), strict=False
    )
    for number, (cached, formulas) in enumerate(pairs, start=1):
        if number < header_row:
            continue
        texts = [cell_text(v) for v in cached]
        problems = _uncached(sheet, number, cached, formulas)
        if number == header_row:
            if problems:
                raise ImportInputError(problems)
            header = texts
        elif problems:
            uncached[number] = problems
            rows.append((number, texts))
        elif any(t.strip() for t in texts):
            rows.append((number, texts))
    if header is None:
        raise ImportInputError([f"sheet {sheet!r} has no row {header_row} (the header row)"])
    while header and header[-1] == "":
        header.pop()
    return Sheet(sheet, header, rows, uncached)


def read_sheet(path: Path, sheet: str | None = None, header_row: int = 1) -> Sheet:
    """Read one worksheet after the zip pre-check, through defusedxml, without evaluating formulas.

    Raises:
        ImportInputError: unsafe container, unreadable workbook, unknown sheet, or a formula
            without a cached value in the header row.
    """
    from openpyxl import load_workbook

    path = Path(path)
    require_defusedxml()
    precheck_zip(path)
    try:
        values_book = load_workbook(path, read_only=True, data_only=True)
        formula_book = load_workbook(path, read_only=True, data_only=False)
    except (
        Exception
    ) as exc:  # openpyxl, zipfile and defusedxml raise many types: all mean "cannot read"
        raise ImportInputError(
            [f"{path.name}: the workbook could not be read safely: {_why(exc)}"]
        ) from exc
    try:
        names = values_book.sheetnames
        chosen = sheet or names[0]
        if chosen not in names:
            raise ImportInputError(
                [f"{path.name}: no sheet {chosen!r}; sheets: {', '.join(map(repr, names))}"]
            )
        return _scan(values_book[chosen], formula_book[chosen], chosen, header_row)
    except ImportInputError as exc:
        raise ImportInputError(
            [f"{path.name}: {p}" if not p.startswith(path.name) else p for p in exc.problems]
        ) from exc
    except Exception as exc:
        raise ImportInputError(
            [f"{path.name}: the worksheet could not be read safely: {_why(exc)}"]
        ) from exc
    finally:
        values_book.close()
        formula_book.close()
