"""Dated data releases: one zip holding the data package, its changelog excerpt and checksums.

A release is a pure function of the repository's files and SOURCE_DATE_EPOCH, so rebuilding it
from the same commit gives the same bytes: entries are sorted, every entry gets the same fixed
timestamp and permissions (0644), the compression level is fixed, and nothing reads the clock.

Versions are calendar versions, ``YYYY.MM.DD`` (the day the release is cut), with ``.N``
appended for a further release on the same day (``2026.11.26.1``). ``YYYY.MM.N`` was rejected
because ``2026.11.12`` would then be ambiguous. See docs/releasing.md.

"Data as of" is the latest date the data itself contains: the latest ``accessed_date`` of a
source or earliest day of any partial date (publication, event, figure, start and end dates).
The earliest day is used so that a year-precision date (``2024``) does not claim 31 December.
SOURCE_DATE_EPOCH is the build time (zip entry timestamps, ``created``), not the data's date.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from policylens import schema
from policylens.package import package_files

VERSION_RE = re.compile(
    r"^(?P<year>\d{4})\.(?P<month>\d{2})\.(?P<day>\d{2})(?:\.(?P<n>[1-9]\d{0,2}))?$"
)
# ZIP stores local times from 1980 on; earlier SOURCE_DATE_EPOCH values are clamped to it.
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
FILE_MODE = 0o100644  # regular file, rw-r--r--


class ReleaseError(Exception):
    """A release cannot be made; the message says why and what is expected."""


def parse_version(version: str) -> tuple[int, ...]:
    """``(year, month, day, n)`` of a calendar version, ``n`` 0 for the day's first release.

    Raises:
        ReleaseError: not ``YYYY.MM.DD`` or ``YYYY.MM.DD.N``, or not a real calendar day.
    """
    match = VERSION_RE.match(version or "")
    if not match:
        raise ReleaseError(
            f"version {version!r}: expected YYYY.MM.DD or YYYY.MM.DD.N "
            "(e.g. 2026.11.26, or 2026.11.26.1 for a second release that day)"
        )
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    try:
        date(year, month, day)
    except ValueError as exc:
        raise ReleaseError(
            f"version {version!r}: {year:04d}-{month:02d}-{day:02d} is not a date ({exc})"
        ) from None
    return year, month, day, int(match["n"] or 0)


# --- changelog ----------------------------------------------------------------------------------

_SECTION = re.compile(r"^## +(?P<title>.+?)\s*$", re.M)


@dataclass(frozen=True)
class Section:
    """A level-2 section of the changelog: ``Unreleased`` or a release version."""

    title: str
    text: str  # the heading line and everything up to the next level-2 heading

    @property
    def version(self) -> tuple[int, ...] | None:
        """The parsed version, or None for ``Unreleased`` and any other heading."""
        try:
            return parse_version(self.title)
        except ReleaseError:
            return None


def changelog_sections(text: str) -> list[Section]:
    """The level-2 sections of a changelog, in file order."""
    starts = [m.start() for m in _SECTION.finditer(text)] + [len(text)]
    return [
        Section(_SECTION.match(text, a)["title"], text[a:b].rstrip() + "\n")
        for a, b in zip(starts, starts[1:], strict=False)
    ]


def previous_release(text: str, version: str) -> str | None:
    """The latest release in the changelog older than ``version``, if any."""
    current = parse_version(version)
    older = [s for s in changelog_sections(text) if s.version and s.version < current]
    return max(older, key=lambda s: s.version).title if older else None


def changelog_excerpt(text: str, version: str) -> str:
    """The changelog entries since the previous release: ``Unreleased`` and ``version`` sections.

    Sections of releases older than ``version`` are left out; so are newer ones, which a release
    made from an older commit cannot contain anyway.
    """
    current = parse_version(version)
    previous = previous_release(text, version)
    kept = [
        s.text
        for s in changelog_sections(text)
        if (s.version is None and s.title.lower() == "unreleased") or s.version == current
    ]
    head = f"# Changes in policylens data {version}\n\n"
    head += (
        f"Since release {previous}.\n\n"
        if previous
        else "First release: everything recorded so far.\n\n"
    )
    body = "\n".join(kept) if kept else "No change was recorded in data/CHANGELOG.md since then.\n"
    return head + body


# --- dates --------------------------------------------------------------------------------------


def data_as_of(tables: dict[str, pd.DataFrame]) -> str | None:
    """Latest date in the data (see module docstring) as ``YYYY-MM-DD``, or None."""
    found: list[str] = []
    for name, df in tables.items():
        for column in schema.TABLES[name].fields:
            f = schema.FIELDS[column]
            is_earliest = f.derived and column.endswith("_earliest")
            if (f.type == "date" and not f.derived) or is_earliest:
                values = df[column].dropna() if column in df.columns else []
                found += [str(v)[:10] for v in values if str(v)[:10]]
    return max(found) if found else None


def build_time(as_of: str | None) -> datetime:
    """SOURCE_DATE_EPOCH as UTC, else midnight of the data-as-of date, else the ZIP epoch.

    Raises:
        ReleaseError: SOURCE_DATE_EPOCH is set but not a whole number of seconds.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        if not raw.isdigit():
            raise ReleaseError(f"SOURCE_DATE_EPOCH={raw!r}: expected seconds since 1970-01-01 UTC")
        return max(datetime.fromtimestamp(int(raw), tz=UTC), ZIP_EPOCH)
    if as_of:
        return max(datetime.fromisoformat(as_of).replace(tzinfo=UTC), ZIP_EPOCH)
    return ZIP_EPOCH


# --- the package ---------------------------------------------------------------------------------


def sha256sums(files: dict[str, bytes]) -> bytes:
    """``sha256sum``-compatible checksum lines for ``files``, sorted by name."""
    return "".join(f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in sorted(files)).encode()


def readme(version: str, as_of: str | None, data_version: str) -> str:
    """The README at the top of a release."""
    return "\n".join(
        [
            f"# policylens data {version}",
            "",
            f"Data as of {as_of or 'unknown'} (latest date in the data); "
            f"content hash {data_version}.",
            "",
            "* `*.csv` / `*.parquet`: the tidy tables;",
            "* `datapackage.json`: their Frictionless descriptor;",
            "* `codebook.md`: every table, column and code;",
            "* `CHANGELOG.md`: what changed since the previous release;",
            "* `CITATION.cff`: how to cite the data;",
            "* `SHA256SUMS`: checksums; check with `sha256sum -c SHA256SUMS`.",
            "",
            "Curated data licence: CC BY 4.0.",
            "",
        ]
    )


def release_files(
    tables: dict[str, pd.DataFrame],
    version: str,
    data_version: str,
    changelog: str,
    citation: bytes | None,
) -> tuple[dict[str, bytes], datetime, str | None]:
    """Every file of the release (without its folder prefix), the build time and data-as-of date."""
    parse_version(version)
    as_of = data_as_of(tables)
    built = build_time(as_of)
    extra = {
        "data_as_of": as_of,
        "data_version": data_version,
        "created": built.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    files = package_files(tables, version, extra)
    files["CHANGELOG.md"] = changelog_excerpt(changelog, version).encode("utf-8")
    files["README.md"] = readme(version, as_of, data_version).encode("utf-8")
    if citation is not None:
        files["CITATION.cff"] = citation
    files["SHA256SUMS"] = sha256sums(files)
    return files, built, as_of


def zip_bytes(files: dict[str, bytes], prefix: str, when: datetime) -> bytes:
    """A ZIP of ``files`` under ``prefix/``: sorted, fixed timestamps and modes, deflate level 9."""
    buffer = io.BytesIO()
    stamp = when.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so external_attr is read as a mode
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def release_name(version: str) -> str:
    """Folder name inside the zip and zip stem: ``policylens-data-VERSION``."""
    return f"policylens-data-{version}"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Release:
    """What ``make_release`` wrote."""

    path: Path
    sha256: str
    data_as_of: str | None
    files: tuple[str, ...]


def make_release(
    tables: dict[str, pd.DataFrame],
    version: str,
    data_version: str,
    out_dir: Path,
    changelog: str,
    citation: bytes | None = None,
) -> Release:
    """Write ``out_dir/policylens-data-VERSION.zip`` and return where and what.

    Raises:
        ReleaseError: bad version or SOURCE_DATE_EPOCH.
    """
    files, built, as_of = release_files(tables, version, data_version, changelog, citation)
    data = zip_bytes(files, release_name(version), built)
    path = Path(out_dir) / f"{release_name(version)}.zip"
    write_atomically(path, data)
    return Release(path, hashlib.sha256(data).hexdigest(), as_of, tuple(sorted(files)))


def descriptor(zip_path: Path) -> dict:
    """The ``datapackage.json`` inside a release zip (for checks and tests)."""
    with zipfile.ZipFile(zip_path) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/datapackage.json"))
        return json.loads(archive.read(name))
