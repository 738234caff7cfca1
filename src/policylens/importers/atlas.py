"""EFF Atlas of Surveillance CSV export -> deployments with their agency, vendor and sources.

One row of the export is one law-enforcement agency x one technology; it becomes one deployment
(``AOS-<AOSNUMBER>``) with:

* the agency as ``operator`` (an organisation ``aos-agency-...`` unless the crosswalk knows it);
* each vendor named in ``Vendor`` as ``vendor``, when the crosswalk knows it; other vendor strings
  are reported in ``unknown_vendors.csv`` and not invented as organisations;
* ``Link 1..3`` (with their snapshot, source, type and date) and ``Other Links`` as sources cited
  by the deployment; a ``Link n Snapshot`` becomes the source's ``archive_url``.

Rows are rejected (with their row number and reason) when ``AOSNUMBER`` or ``Agency`` is blank,
``AOSNUMBER`` repeats, the technology is not one this module maps, or the row has the wrong number
of fields. The export is read whole: it is tens of MB at most.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from policylens.importers import common

DATASET = "atlas"
LICENCE = "CC-BY-4.0"
COLUMNS = (
    "AOSNUMBER",
    "NEWAOSNUMBER (ORI9)",
    "City",
    "County",
    "State",
    "Agency",
    "Type of LEA",
    "Summary",
    "Type of Juris",
    "Technology",
    "TECH ABV",
    "Vendor",
    "Link 1",
    "Link 1 Snapshot",
    "Link 1 Source",
    "Link 1 Type",
    "Link 1 Date",
    "Link 2",
    "Link 2 Snapshot",
    "Link 2 Source",
    "Link 2 Type",
    "Link 2 Date",
    "Link 3",
    "Link 3 Snapshot",
    "Link 3 Source",
    "Link 3 Type",
    "Link 3 Date",
    "Other Links",
)
# Atlas technology names (case-insensitive) and their TECH ABV -> policylens category.
TECHNOLOGIES = {
    "automated license plate readers": "licence_plate_recognition",
    "alpr": "licence_plate_recognition",
    "body-worn cameras": "body_worn_camera",
    "bwc": "body_worn_camera",
    "camera registry": "video_surveillance",
    "cr": "video_surveillance",
    "cell-site simulator": "cell_site_simulator",
    "css": "cell_site_simulator",
    "drones": "drone",
    "drone": "drone",
    "face recognition": "facial_recognition",
    "fr": "facial_recognition",
    "gunshot detection": "sound_surveillance",
    "gsd": "sound_surveillance",
    "predictive policing": "data_platform",
    "pp": "data_platform",
    "real-time crime center": "video_surveillance",
    "rtcc": "video_surveillance",
    "video analytics": "video_surveillance",
    "va": "video_surveillance",
    "fusion center": "data_platform",
    "fc": "data_platform",
    "social media monitoring": "social_media_monitoring",
    "smm": "social_media_monitoring",
    "third-party investigative platforms": "data_platform",
}
JURISDICTION_LEVEL = {
    "municipal": "city",
    "city": "city",
    "town": "city",
    "village": "city",
    "state": "region",
    "federal": "country",
    "national": "country",
}
NOT_A_VENDOR = frozenset({"", "unknown"})
_URLS = re.compile(r"https?://\S+", re.IGNORECASE)


def category_of(technology: str, abbreviation: str) -> str:
    """The category for an Atlas technology (by name, else by its TECH ABV), or ''."""
    return TECHNOLOGIES.get(technology.strip().lower()) or TECHNOLOGIES.get(
        abbreviation.strip().lower(), ""
    )


class _Rows:
    """Rows of the tidy tables; records shared between input rows are kept once."""

    def __init__(self, facts: common.FileFacts):
        self.facts = facts
        self.tables: dict[str, list[dict]] = {"deployments": [], "deployment_organisations": []}
        self.organisations: dict[str, dict] = {}
        self.sources: dict[str, dict] = {}
        self.citations: dict[str, dict] = {}

    def prov(self, row: int) -> dict:
        return {"origin_row": row}

    def source(
        self,
        url: str,
        archive: str,
        publisher: str,
        link_type: str,
        date: str,
        row: int,
        warnings: list[str],
        where: str,
    ) -> str:
        original, wayback = common.split_archive(common.clean_url(url))
        archive = common.clean_url(archive) if common.is_http_url(archive) else wayback
        source_id = common.source_id_for("aos", original)
        if source_id not in self.sources:
            published = common.parse_loose_date(date)
            if date.strip() and not published:
                warnings.append(
                    f"row {row}: {where} Date {date!r} is not a date this importer reads; "
                    "left blank"
                )
            host = common.host_of(original)
            self.sources[source_id] = {
                "source_id": source_id,
                "url": original,
                "archive_url": archive or None,
                "source_title": (
                    f"{link_type.strip() or 'Page'} cited by the Atlas of Surveillance ({host})"
                ),
                "title_status": "descriptive",
                "publisher_name": publisher.strip() or host,
                "published_date": published or None,
                **self.prov(row),
            }
        elif archive and not self.sources[source_id].get("archive_url"):
            self.sources[source_id]["archive_url"] = archive
        return source_id

    def cite(self, deployment_id: str, source_id: str, row: int, locator: str) -> None:
        citation_id = f"{deployment_id}@{source_id}"
        self.citations.setdefault(
            citation_id,
            {
                "citation_id": citation_id,
                "target_table": "deployments",
                "target_id": deployment_id,
                "source_id": source_id,
                "citation_role": "supports",
                "locator": locator,
                **self.prov(row),
            },
        )

    def all(self) -> dict[str, list[dict]]:
        return {
            **self.tables,
            "organisations": list(self.organisations.values()),
            "sources": list(self.sources.values()),
            "citations": list(self.citations.values()),
        }


def _agency_description(rec: dict) -> str:
    kind = rec["Type of LEA"].strip() or "Law-enforcement agency"
    ori = rec["NEWAOSNUMBER (ORI9)"].strip()
    return f"{kind} listed by the Atlas of Surveillance" + (f" (ORI {ori})." if ori else ".")


def _agency(rec: dict, row: int, rows: _Rows, crosswalk: common.Crosswalk) -> str:
    known = crosswalk.match(rec["Agency"])
    if known:
        return known
    org_id = common.safe_id("aos-agency", common.slug(f"{rec['Agency']} {rec['State']}"))
    rows.organisations.setdefault(
        org_id,
        {
            "organisation_id": org_id,
            "organisation_name": rec["Agency"].strip(),
            "organisation_kind": "police",
            "country_code": "US",
            "description": _agency_description(rec),
            **rows.prov(row),
        },
    )
    return org_id


def _vendor_roles(
    rec: dict, row: int, crosswalk: common.Crosswalk, result: common.ImportResult
) -> set[tuple[str, str]]:
    """(organisation id, "vendor") for each vendor the crosswalk knows; the others are reported."""
    roles = set()
    for vendor in common.split_vendor_text(rec["Vendor"]):
        if vendor.strip().lower() in NOT_A_VENDOR:
            continue
        org_id = crosswalk.match(vendor)
        if org_id:
            roles.add((org_id, "vendor"))
        else:
            result.note_unknown_vendor(vendor, row, crosswalk)
    return roles


def _row(
    rec: dict, row: int, rows: _Rows, crosswalk: common.Crosswalk, result: common.ImportResult
) -> None:
    deployment_id = common.safe_id("AOS", rec["AOSNUMBER"])
    category = category_of(rec["Technology"], rec["TECH ABV"])
    place = rec["City"].strip() or rec["County"].strip()
    juris = rec["Type of Juris"].strip()
    level = JURISDICTION_LEVEL.get(juris.lower())
    if juris and level is None and juris.lower() != "county":
        result.warnings.append(
            f"row {row}: Type of Juris {juris!r} has no geographic level; left blank"
        )
    rows.tables["deployments"].append(
        {
            "deployment_id": deployment_id,
            "title": f"{rec['Technology'].strip()}, {rec['Agency'].strip()}"
            + (f" ({rec['State'].strip()})" if rec["State"].strip() else ""),
            "country_code": "US",
            "place_name": ", ".join(p for p in (place, rec["State"].strip()) if p) or None,
            "geographic_level": level,
            "category": category,
            "summary": rec["Summary"].strip() or None,
            **rows.prov(row),
        }
    )
    roles = {(_agency(rec, row, rows, crosswalk), "operator")} | _vendor_roles(
        rec, row, crosswalk, result
    )
    for org_id, role in sorted(roles):
        rows.tables["deployment_organisations"].append(
            {
                "role_id": f"{deployment_id}/{org_id}/{role}",
                "deployment_id": deployment_id,
                "organisation_id": org_id,
                "role": role,
                **rows.prov(row),
            }
        )
    for n in (1, 2, 3):
        url = rec[f"Link {n}"].strip()
        if not url:
            continue
        if not common.is_http_url(url):
            result.warnings.append(
                f"row {row}: Link {n} {url[:80]!r} is not an http(s) URL; skipped"
            )
            continue
        sid = rows.source(
            url,
            rec[f"Link {n} Snapshot"].strip(),
            rec[f"Link {n} Source"],
            rec[f"Link {n} Type"],
            rec[f"Link {n} Date"],
            row,
            result.warnings,
            f"Link {n}",
        )
        rows.cite(
            deployment_id, sid, row, f"Atlas of Surveillance {rec['AOSNUMBER'].strip()}, Link {n}"
        )
    for url in _URLS.findall(rec["Other Links"]):
        url = common.clean_url(url)
        if common.is_http_url(url):
            sid = rows.source(url, "", "", "", "", row, result.warnings, "Other Links")
            rows.cite(
                deployment_id,
                sid,
                row,
                f"Atlas of Surveillance {rec['AOSNUMBER'].strip()}, Other Links",
            )


def _rejection(rec: dict, seen: dict[str, int]) -> str:
    if not rec["AOSNUMBER"].strip():
        return "blank AOSNUMBER"
    if rec["AOSNUMBER"].strip() in seen:
        return f"AOSNUMBER repeats row {seen[rec['AOSNUMBER'].strip()]}"
    if not rec["Agency"].strip():
        return "blank Agency"
    if not category_of(rec["Technology"], rec["TECH ABV"]):
        return (
            f"Technology {rec['Technology']!r} (TECH ABV {rec['TECH ABV']!r}) is not one the "
            "importer maps; "
            "known: " + ", ".join(sorted(k for k in TECHNOLOGIES if len(k) > 4))
        )
    return ""


def import_file(
    path: Path, encoding: str = "utf-8", crosswalk: common.Crosswalk | None = None
) -> common.ImportResult:
    """Import an Atlas of Surveillance CSV export.

    Args:
        path: the CSV file.
        encoding: its text encoding.
        crosswalk: vendor crosswalk; defaults to the curated organisations and aliases.

    Raises:
        common.ImportInputError: unreadable file, wrong encoding, or not the 28 columns.
    """
    facts = common.check_file(Path(path), encoding)
    reader = csv.reader(io.StringIO(common.read_text(facts), newline=""))
    header = next(reader, [])
    common.check_header(header, COLUMNS, facts.name, exact=True)
    crosswalk = crosswalk or common.curated_crosswalk()
    rows = _Rows(facts)
    result = common.ImportResult(DATASET, facts, LICENCE, "atlas-csv", {}, 0, 0)
    seen: dict[str, int] = {}
    blank_lines = 0
    for values in reader:
        if not values:
            blank_lines += 1  # an empty line holds no record; counted in the warnings, not as a row
            continue
        result.rows_read += 1
        row = result.rows_read
        if len(values) != len(COLUMNS):
            result.rejected.append(
                common.Rejected(
                    row,
                    f"row has {len(values)} fields; the header has {len(COLUMNS)}",
                    "|".join(values)[:200],
                )
            )
            continue
        rec = dict(zip(COLUMNS, values, strict=True))
        reason = _rejection(rec, seen)
        if reason:
            result.rejected.append(common.Rejected(row, reason, rec["AOSNUMBER"] or rec["Agency"]))
            continue
        seen[rec["AOSNUMBER"].strip()] = row
        _row(rec, row, rows, crosswalk, result)
        result.rows_imported += 1
    if blank_lines:
        result.warnings.append(f"{blank_lines} empty line(s) skipped")
    result.tables = common.build_tables(rows.all(), common.file_constants(DATASET, facts, LICENCE))
    result.check_reconciled()
    return result
