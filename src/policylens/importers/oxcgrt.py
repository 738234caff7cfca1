"""OxCGRT indicator H3 (manual contact tracing) -> dated events per jurisdiction.

Two published layouts are read:

* **v1 release CSV** (one row per jurisdiction and day): ``CountryName, CountryCode, RegionName,
  RegionCode, Jurisdiction, Date`` (``YYYYMMDD``), then indicator columns such as
  ``H3_Contact tracing``, ``H3_Flag`` and, in the "withnotes" files, ``H3_Notes``. Blank = no data.
* **timeseries CSV** (one row per jurisdiction, one column per day): ``"", country_code,
  country_name, 01Jan2020, 02Jan2020, ...``. Here ``NA`` (and blank) means no data, as the format
  defines it; everywhere else "NA" is kept as the string it is.

Each jurisdiction becomes one deployment of category ``manual_contact_tracing``; the first recorded
level and every later change of level (or flag) become one ``indicator_change`` event and one
``oxcgrt_h3_level`` figure, not one row per day. Notes are split into the URLs they cite
(web.archive.org snapshots keep their original URL) and the bracketed quotes that follow each URL,
giving sources and citations. OxCGRT's interpretation guide says H3 records manual contact tracing
only and that a contact-tracing app "would not be recorded here under H3", so nothing here is ever
labelled an app or a health code.

Files of hundreds of MB are streamed with pyarrow in blocks: memory is bounded by the block size and
the number of jurisdictions, not by the file length. Rows of one jurisdiction must come in date
order (as published); a row that goes back in time is rejected, not re-sorted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from policylens.importers import common

DATASET = "oxcgrt"
LICENCE = common.CC_BY_4
V1_REQUIRED = ("CountryName", "CountryCode", "Date", "H3_Contact tracing")
V1_OPTIONAL = ("RegionName", "RegionCode", "Jurisdiction", "H3_Flag", "H3_Notes")
TIMESERIES_REQUIRED = ("", "country_code", "country_name")
TIMESERIES_OPTIONAL = ("region_code", "region_name", "jurisdiction")
TIMESERIES_MISSING = frozenset({"", "NA"})
BLOCK_SIZE = 4 * 1024 * 1024

LEVELS = {
    "0": "no contact tracing",
    "1": "limited contact tracing, not done for all cases",
    "2": "comprehensive contact tracing, done for all identified cases",
}
FLAGS = {"0": "targeted", "1": "general"}
CAVEAT = (
    "OxCGRT H3 records manual contact tracing only: contact-tracing apps (and health codes) "
    "are not recorded under H3, according to OxCGRT's coding interpretation guide."
)
DATASET_SOURCE = {
    "source_id": "oxcgrt-dataset",
    "url": "https://github.com/OxCGRT/covid-policy-tracker",
    "source_title": "Oxford COVID-19 Government Response Tracker (OxCGRT)",
    "title_status": "descriptive",
    "publisher_name": "Blavatnik School of Government, University of Oxford",
    "language_code": "en",
    "source_kind": "specialist",
    "licence": LICENCE,
}
SEP = "\x1f"  # joins country code, region code and jurisdiction into one key
_LEVEL = re.compile(r"^([0-9]+)(?:\.0+)?$")
_DATE8 = re.compile(r"^\d{8}$")


# --- notes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitedUrl:
    """One URL in a note, split into original and snapshot, with the bracketed quotes after it."""

    url: str
    archive_url: str
    quotes: tuple[str, ...]


_BRACKET = re.compile(r"\s*\[([^\[\]]*)\]")
_QUOTE_MARKS = "\"'“”‘’«»„"


def parse_note(note: str) -> list[CitedUrl]:
    """URLs cited in an OxCGRT note, each with the bracketed quotes that directly follow it.

    >>> note = 'Tracing https://web.archive.org/web/2020/https://x.gov/a ["all contacts"]'
    >>> parse_note(note)[0].quotes
    ('all contacts',)
    """
    out: list[CitedUrl] = []
    for match in common._URL.finditer(note or ""):
        raw = common.clean_url(match.group(0))
        if not common.is_http_url(raw):
            continue
        rest = note[match.start() + len(raw) :]
        quotes: list[str] = []
        rest = rest.lstrip(".,;:)")
        while True:
            m = _BRACKET.match(rest)
            if not m:
                break
            quote = m.group(1).strip().strip(_QUOTE_MARKS).strip()
            if quote:
                quotes.append(quote)
            rest = rest[m.end() :]
        original, archive = common.split_archive(raw)
        out.append(CitedUrl(original, archive, tuple(quotes)))
    return out


# --- per-jurisdiction state and the rows it produces ---------------------------------------------


@dataclass
class Jurisdiction:
    """What the importer remembers about one jurisdiction while streaming."""

    deployment_id: str
    country_code: str
    country_name: str
    region_code: str
    region_name: str
    jurisdiction: str
    first_row: int
    last_date: int = 0
    level: str | None = None
    flag: str = ""
    events: int = 0
    figures: int = 0
    first_date: str = ""
    last_data_date: str = ""
    start_date: str = ""
    end_date: str = ""
    highest: int = -1
    changes: int = 0


@dataclass
class Builder:
    """Collects rows of the tidy tables from observations, notes and jurisdictions."""

    facts: common.FileFacts
    rows: dict[str, list[dict]] = field(
        default_factory=lambda: {
            n: [] for n in ("deployments", "events", "figures", "sources", "citations")
        }
    )
    places: dict[str, Jurisdiction] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)
    citations: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def prov(self, row: int) -> dict:
        """The per-row provenance (the rest is the same for every row of the file)."""
        return {"origin_row": row}

    def place(self, key: str, names: tuple[str, str], row: int) -> Jurisdiction:
        """The jurisdiction of ``key`` (country, region, jurisdiction joined by SEP), made once."""
        state = self.places.get(key)
        if state is None:
            country, region, juris = key.split(SEP)
            suffix = (
                juris
                if juris and juris not in ("NAT_TOTAL", "STATE_TOTAL", "NAT_GOV", "STATE_GOV")
                else ""
            )
            alpha2 = common.alpha2_from_alpha3(country)
            if not alpha2:
                self.warnings.append(
                    f"row {row}: country code {country!r} is not ISO 3166-1 alpha-3; "
                    "country_code left blank"
                )
            state = Jurisdiction(
                common.safe_id("OXCGRT-H3", country, region, suffix),
                alpha2,
                names[0],
                region,
                names[1],
                juris,
                row,
            )
            self.places[key] = state
        return state

    def observe(self, state: Jurisdiction, date: str, level: str, flag: str, row: int) -> str:
        """Record a first level or a change of level/flag on ``date``; returns the event id."""
        previous, previous_flag = state.level, state.flag
        state.events += 1
        state.figures += 1
        state.changes += previous is not None
        event_id = f"{state.deployment_id}-E{state.events:03d}"
        figure_id = f"{state.deployment_id}-F{state.figures:03d}"
        flag_text = f", flag {flag} ({FLAGS.get(flag, '?')})" if flag else ""
        if previous is None:
            what = f"first recorded level {level} ({LEVELS[level]}){flag_text}"
        else:
            prev_flag = f", flag {previous_flag}" if previous_flag else ""
            what = f"level {previous}{prev_flag} -> {level} ({LEVELS[level]}){flag_text}"
        self.rows["events"].append(
            {
                "event_id": event_id,
                "deployment_id": state.deployment_id,
                "event_type": "indicator_change",
                "event_date": date,
                "description": (
                    f"OxCGRT H3 manual contact tracing, {self.label(state)}: {what}. {CAVEAT}"
                ),
                **self.prov(row),
            }
        )
        self.rows["figures"].append(
            {
                "figure_id": figure_id,
                "deployment_id": state.deployment_id,
                "metric": "oxcgrt_h3_level",
                "value": float(level),
                "qualifier": "exact",
                "unit": "level",
                "value_text": level,
                "as_of_date": date,
                "scope": "OxCGRT H3 (manual contact tracing only; apps not included), "
                f"{self.label(state)}, "
                f"from {date} until the next change",
                "figure_basis": "reported",
                "support_status": "single_source",
                "note": f"Flag {flag} ({FLAGS.get(flag, '?')})." if flag else None,
                **self.prov(row),
            }
        )
        self.cite(
            f"{figure_id}",
            "figures",
            DATASET_SOURCE["source_id"],
            row,
            locator=f"{self.facts.name}, H3, {self.label(state)}, {date}",
        )
        state.level, state.flag = level, flag
        state.highest = max(state.highest, int(level))
        if int(level) > 0 and (not state.start_date or state.end_date):
            state.start_date = state.start_date or date
            state.end_date = ""
        if int(level) == 0 and previous is not None and int(previous) > 0:
            state.end_date = date
        return event_id

    def note(
        self, state: Jurisdiction, date: str, text: str, row: int, event_id: str | None
    ) -> None:
        """Attach a coder's note (and its sources) to that row's change event, or a note event."""
        if event_id is None:
            state.events += 1
            event_id = f"{state.deployment_id}-E{state.events:03d}"
            self.rows["events"].append(
                {
                    "event_id": event_id,
                    "deployment_id": state.deployment_id,
                    "event_type": "dataset_note",
                    "event_date": date,
                    "description": "OxCGRT coder's note on H3 (manual contact tracing), "
                    f"{self.label(state)}: {text}",
                    **self.prov(row),
                }
            )
        else:
            event = self.rows["events"][-1]
            event["description"] += f" Coder's note: {text}"
        for cited in parse_note(text):
            source_id = common.source_id_for(DATASET, cited.url)
            if source_id not in self.sources:
                self.sources[source_id] = {
                    "source_id": source_id,
                    "url": cited.url,
                    "archive_url": cited.archive_url or None,
                    "source_title": f"{common.host_of(cited.url)} page cited in an OxCGRT H3 note",
                    "title_status": "descriptive",
                    "publisher_name": common.host_of(cited.url),
                    **self.prov(row),
                }
            elif cited.archive_url and not self.sources[source_id].get("archive_url"):
                self.sources[source_id]["archive_url"] = cited.archive_url
            self.cite(
                event_id,
                "events",
                source_id,
                row,
                quote=" […] ".join(cited.quotes),
                locator=f"{self.facts.name}, H3_Notes, {self.label(state)}, {date}",
            )

    def cite(
        self,
        target_id: str,
        target_table: str,
        source_id: str,
        row: int,
        quote: str = "",
        locator: str = "",
    ) -> None:
        """Cite ``source_id`` for a record, once per (record, source)."""
        citation_id = f"{target_id}@{source_id}"
        existing = self.citations.get(citation_id)
        if existing is not None:
            # One row per (record, source): a second quote from the same page joins the first.
            if quote and quote not in (existing.get("quote") or ""):
                existing["quote"] = (
                    f"{existing['quote']} […] {quote}" if existing.get("quote") else quote
                )
            return
        self.citations[citation_id] = {
            "citation_id": citation_id,
            "target_table": target_table,
            "target_id": target_id,
            "source_id": source_id,
            "citation_role": "supports",
            "quote": quote or None,
            "locator": locator,
            **self.prov(row),
        }

    @staticmethod
    def label(state: Jurisdiction) -> str:
        """How a reader names the jurisdiction: "Region, Country" or "Country"."""
        return (
            f"{state.region_name}, {state.country_name}"
            if state.region_name
            else state.country_name
        )

    def finish(self) -> dict[str, list[dict]]:
        """The rows of every table, deployments built from the final state of each jurisdiction."""
        for state in self.places.values():
            if state.level is None:
                status = None
                summary = f"No H3 level recorded in {self.facts.name}. {CAVEAT}"
            else:
                status = (
                    "active" if int(state.level) > 0 else ("ended" if state.start_date else None)
                )
                summary = (
                    f"{CAVEAT} {state.changes} change(s) of level recorded from "
                    f"{state.first_date} to {state.last_data_date}; highest level "
                    f"{state.highest} ({LEVELS[str(state.highest)]}); "
                    f"last level {state.level}. Imported from {self.facts.name}."
                )
            self.rows["deployments"].append(
                {
                    "deployment_id": state.deployment_id,
                    "title": f"Manual contact tracing policy (OxCGRT H3), {self.label(state)}",
                    "country_code": state.country_code or None,
                    "place_name": state.region_name or state.country_name,
                    "geographic_level": "region" if state.region_code else "country",
                    "category": "manual_contact_tracing",
                    "status": status,
                    "start_date": state.start_date or None,
                    "end_date": (state.end_date if status == "ended" else "") or None,
                    "summary": summary,
                    **self.prov(state.first_row),
                }
            )
            self.cite(
                state.deployment_id,
                "deployments",
                DATASET_SOURCE["source_id"],
                state.first_row,
                locator=self.facts.name,
            )
        if self.places:
            self.sources[DATASET_SOURCE["source_id"]] = {**DATASET_SOURCE, **self.prov(0)}
        self.rows["sources"] = list(self.sources.values())
        self.rows["citations"] = list(self.citations.values())
        return self.rows


# --- layouts --------------------------------------------------------------------------------------


def detect_layout(header: list[str], file_name: str) -> str:
    """``v1`` or ``timeseries`` from the header; one error with both layouts when neither fits."""
    if "CountryCode" in header or "Date" in header or "H3_Contact tracing" in header:
        common.check_header(header, V1_REQUIRED, file_name, optional=V1_OPTIONAL)
        return "v1"
    if "country_code" in header or "country_name" in header:
        common.check_header(header, TIMESERIES_REQUIRED, file_name, optional=TIMESERIES_OPTIONAL)
        return "timeseries"
    raise common.ImportInputError(
        [
            f"{file_name}: not an OxCGRT layout this importer reads.\n"
            f"  expected (v1 release): {', '.join(repr(c) for c in V1_REQUIRED)} (+ optional "
            f"{', '.join(repr(c) for c in V1_OPTIONAL)})\n"
            f"  or (timeseries): {', '.join(repr(c) for c in TIMESERIES_REQUIRED)}, "
            "then one column per day "
            f"(01Jan2020, ...)\n  found: {', '.join(repr(h) for h in header)}"
        ]
    )


def _arrow_encoding(encoding: str) -> str:
    return "utf8" if encoding == "utf-8" else encoding


def _batches(facts: common.FileFacts, columns: list[str], block_size: int):
    """The file as pandas frames of strings, one per pyarrow block (bounded memory)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    reader = pacsv.open_csv(
        facts.path,
        read_options=pacsv.ReadOptions(
            block_size=block_size, encoding=_arrow_encoding(facts.encoding)
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            include_columns=columns,
            column_types={c: pa.string() for c in columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    for batch in reader:
        yield batch.to_pandas()


def _normalise_code(values: pd.Series, allowed: set[str]) -> tuple[pd.Series, pd.Series]:
    """Codes written "1" or "1.00" -> "1"; returns (codes, valid mask). Blank is blank and valid."""
    stripped = values.str.strip()
    # Vectorised (pyarrow) rather than a per-cell regex: this runs on every daily row.
    codes = stripped.str.replace(r"\.0+$", "", regex=True)
    known = codes.isin(allowed)
    return codes.where(known, ""), (stripped == "") | known


def _reject_mask(
    rejected: list[common.Rejected],
    frame: pd.DataFrame,
    mask: pd.Series,
    reason: str,
    column: str | None,
) -> None:
    for row, value in zip(
        frame.loc[mask, "row_"],
        frame.loc[mask, column] if column else [""] * int(mask.sum()),
        strict=True,
    ):
        rejected.append(common.Rejected(int(row), reason, str(value)))


def _validate_v1(frame: pd.DataFrame, rejected: list[common.Rejected]) -> pd.Series:
    """Mask of rows whose codes, date and level are readable; the others are rejected."""
    ok = pd.Series(True, index=frame.index)
    blank_country = frame["CountryCode"].str.strip() == ""
    _reject_mask(rejected, frame, blank_country, "blank CountryCode", "CountryCode")
    ok &= ~blank_country
    dates = pd.to_datetime(
        frame["Date"].where(frame["Date"].str.match(_DATE8), None), format="%Y%m%d", errors="coerce"
    )
    bad_date = ok & dates.isna()
    _reject_mask(rejected, frame, bad_date, "Date is not a valid YYYYMMDD date", "Date")
    ok &= ~bad_date
    level, level_ok = _normalise_code(frame["H3_Contact tracing"], set(LEVELS))
    bad_level = ok & ~level_ok
    _reject_mask(
        rejected,
        frame,
        bad_level,
        "H3_Contact tracing is not 0, 1, 2 or blank",
        "H3_Contact tracing",
    )
    ok &= ~bad_level
    flag, flag_ok = _normalise_code(frame["H3_Flag"], set(FLAGS))
    bad_flag = ok & ~flag_ok
    _reject_mask(rejected, frame, bad_flag, "H3_Flag is not 0, 1 or blank", "H3_Flag")
    ok &= ~bad_flag
    frame["level_"], frame["flag_"], frame["date_"] = level, flag, frame["Date"]
    return ok


def _v1_batch(frame: pd.DataFrame, builder: Builder, rejected: list[common.Rejected]) -> int:
    """Process one block of the v1 layout; returns the number of rows imported."""
    for col in V1_OPTIONAL:
        if col not in frame.columns:
            frame[col] = ""
    ok = _validate_v1(frame, rejected)
    good = frame[ok].copy()
    good["row_"] = good["row_"].astype("int64")
    good["key_"] = (
        good["CountryCode"].str.strip()
        + SEP
        + good["RegionCode"].str.strip()
        + SEP
        + good["Jurisdiction"].str.strip()
    )
    # Rows of one jurisdiction must move forward in time (within a block and across blocks).
    date_int = good["date_"].astype("int64")
    previous = date_int.groupby(good["key_"], sort=False).shift(1)
    first_in_block = previous.isna()
    carried = good.loc[first_in_block, "key_"].map(
        lambda k: builder.places[k].last_date if k in builder.places else 0
    )
    previous = previous.fillna(carried).fillna(0)
    backwards = date_int <= previous
    _reject_mask(
        rejected,
        good,
        backwards,
        "Date is not after the previous row of this jurisdiction "
        "(rows must be in date order, without duplicates)",
        "Date",
    )
    good = good[~backwards]
    for rec in good.drop_duplicates("key_").itertuples(index=False):
        builder.place(rec.key_, (rec.CountryName, rec.RegionName), int(rec.row_))
    changes = _changed_rows(good, builder)
    notes = good["H3_Notes"].str.strip() != ""
    for rec in good[good["row_"].isin(changes) | notes].itertuples(index=False):
        state = builder.places[rec.key_]
        date = _iso(rec.date_)
        event_id = (
            builder.observe(state, date, rec.level_, rec.flag_, int(rec.row_))
            if rec.row_ in changes
            else None
        )
        if rec.H3_Notes.strip():
            builder.note(state, date, rec.H3_Notes.strip(), int(rec.row_), event_id)
    with_data = good[good["level_"] != ""]
    for key, dates in (
        with_data.groupby("key_", sort=False)["date_"].agg(["first", "last"]).iterrows()
    ):
        state = builder.places[key]
        state.first_date = state.first_date or _iso(dates["first"])
        state.last_data_date = _iso(dates["last"])
    # Remember where each jurisdiction stands for the next block, even on rows without an H3 value.
    for key, last in good.groupby("key_", sort=False)["date_"].last().items():
        builder.places[key].last_date = int(last)
    return len(good)


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"


def _changed_rows(good: pd.DataFrame, builder: Builder) -> set[int]:
    """Rows whose H3 level or flag differs from the jurisdiction's last one (or is its first)."""
    current: dict[str, tuple] = {}
    changed: set[int] = set()
    columns = (good[c].to_numpy(dtype=object) for c in ("row_", "key_", "level_", "flag_"))
    for row, key, level, flag in zip(*columns, strict=True):
        if level == "":
            continue  # no data that day: neither a change nor the end of one
        before = current.get(key)
        if before is None:
            state = builder.places[key]
            before = (state.level, state.flag)
        if (level, flag) != before:
            changed.add(row)
        current[key] = (level, flag)
    return changed


def _timeseries_dates(header: list[str], file_name: str) -> tuple[list[str], dict[str, str]]:
    """The day columns of a timeseries header (``01Jan2020`` -> ``2020-01-01``), checked."""
    fixed = set(TIMESERIES_REQUIRED) | set(TIMESERIES_OPTIONAL)
    days: dict[str, str] = {}
    bad: list[str] = []
    for name in header:
        if name in fixed:
            continue
        try:
            days[name] = dt.datetime.strptime(name, "%d%b%Y").date().isoformat()
        except ValueError:
            bad.append(name)
    if bad or not days:
        raise common.ImportInputError(
            [
                f"{file_name}: timeseries columns after "
                f"{', '.join(repr(c) for c in TIMESERIES_REQUIRED)} must be days written "
                "DDMonYYYY (01Jan2020). Not days: "
                + (", ".join(repr(b) for b in bad[:20]) or "(no day columns)")
            ]
        )
    ordered = sorted(days, key=days.get)
    if ordered != [h for h in header if h in days]:
        raise common.ImportInputError([f"{file_name}: day columns are not in date order"])
    return ordered, days


def _timeseries_row(
    rec: dict,
    row: int,
    day_columns: list[str],
    days: dict[str, str],
    builder: Builder,
    rejected: list[common.Rejected],
) -> bool:
    """One jurisdiction's series; returns True when imported."""
    country = (rec.get("country_code") or "").strip()
    if not country:
        rejected.append(common.Rejected(row, "blank country_code", ""))
        return False
    values = []
    bad = []
    for col in day_columns:
        raw = rec[col].strip()
        if raw in TIMESERIES_MISSING:
            values.append("")
            continue
        m = _LEVEL.match(raw)
        if not m or m.group(1) not in LEVELS:
            bad.append(f"{col}={raw!r}")
        values.append(m.group(1) if m else "")
    if bad:
        rejected.append(
            common.Rejected(
                row, "H3 value is not 0, 1, 2, NA or blank in " + ", ".join(bad[:5]), bad[0]
            )
        )
        return False
    key = SEP.join(
        (country, (rec.get("region_code") or "").strip(), (rec.get("jurisdiction") or "").strip())
    )
    if key in builder.places:
        rejected.append(
            common.Rejected(row, "jurisdiction already given on an earlier row", country)
        )
        return False
    state = builder.place(key, (rec.get("country_name") or "", rec.get("region_name") or ""), row)
    for col, level in zip(day_columns, values, strict=True):
        if level == "":
            continue
        date = days[col]
        state.first_date = state.first_date or date
        state.last_data_date = date
        if level != state.level:
            builder.observe(state, date, level, "", row)
    return True


def import_file(
    path: Path, encoding: str = "utf-8", *, block_size: int = BLOCK_SIZE
) -> common.ImportResult:
    """Import an OxCGRT v1 or timeseries CSV (layout detected from its header).

    Raises:
        common.ImportInputError: unreadable file, wrong encoding or unexpected header.
    """
    facts = common.check_file(Path(path), encoding)
    header = common.first_line_header(facts)
    layout = detect_layout(header, facts.name)
    builder = Builder(facts)
    rejected: list[common.Rejected] = []
    rows_read = imported = 0
    if layout == "v1":
        columns = [c for c in (*V1_REQUIRED, *V1_OPTIONAL) if c in header]
        for frame in _batches(facts, columns, block_size):
            frame["row_"] = range(rows_read + 1, rows_read + 1 + len(frame))
            rows_read += len(frame)
            imported += _v1_batch(frame, builder, rejected)
    else:
        day_columns, days = _timeseries_dates(header, facts.name)
        columns = [
            c for c in header if c in TIMESERIES_OPTIONAL or c in TIMESERIES_REQUIRED[1:]
        ] + day_columns
        for frame in _batches(facts, columns, block_size):
            for rec in frame.to_dict("records"):
                rows_read += 1
                imported += _timeseries_row(rec, rows_read, day_columns, days, builder, rejected)
    rows = builder.finish()
    result = common.ImportResult(
        DATASET,
        facts,
        LICENCE,
        f"oxcgrt-{layout}",
        common.build_tables(rows, common.file_constants(DATASET, facts, LICENCE)),
        rows_read,
        imported,
        sorted(rejected, key=lambda r: r.row),
        warnings=builder.warnings,
    )
    result.check_reconciled()
    return result
