"""The single declaration of every table and column of policylens.

Everything else is generated from here: validation of the curated YAML (``validate``), pandas
dtypes (``tables``), the Frictionless Table Schema and the codebook (``package``). A curated YAML
key is the column name it fills, so a curator, a notebook and a CSV reader all use one name.

``FIELDS`` holds each column once (PUDL's ``FIELD_METADATA`` shape); ``TABLES`` lists column
names per table with keys and foreign keys (PUDL's ``RESOURCE_METADATA`` shape). No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from policylens import vocab

# Field types. ``partial_date`` is an EDTF level-0/1 subset: YYYY, YYYY-MM or YYYY-MM-DD with an
# optional trailing "~" for "approximately"; it is stored as written and expanded into derived
# precision / approximate / earliest / latest columns (see ``partial_date_columns``).
TYPES = ("string", "text", "integer", "number", "boolean", "date", "partial_date", "url", "code", "id", "list")

# Types as Frictionless Table Schema spells them.
FRICTIONLESS_TYPE = {
    "string": "string", "text": "string", "integer": "integer", "number": "number", "boolean": "boolean",
    "date": "date", "partial_date": "string", "url": "string", "code": "string", "id": "string", "list": "string",
}

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"
PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?~?$"


@dataclass(frozen=True)
class Field:
    """One column: its type, meaning and constraints.

    Attributes:
        name: column name, also the YAML key in curated files.
        type: one of ``TYPES``.
        description: what the column holds, for the codebook.
        vocabulary: for ``code`` fields, the ``vocab.VOCABULARIES`` key of allowed values.
        references: for foreign-key ids, the table whose primary key this points at.
        pattern: regular expression a string value must match.
        derived: filled by policylens, never written in curated YAML.
        example: a typical value, shown in the codebook.
    """

    name: str
    type: str
    description: str
    vocabulary: str | None = None
    references: str | None = None
    pattern: str | None = None
    derived: bool = False
    example: str | None = None


@dataclass(frozen=True)
class Table:
    """A tidy table: which fields, which are required in curated input, and its keys."""

    name: str
    description: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    primary_key: str
    sort_by: tuple[str, ...] = ()
    # YAML key under a parent record that holds this table's rows (None: top-level records).
    nested_as: str | None = None
    parent: str | None = None


def _fields(*items: Field) -> dict[str, Field]:
    return {f.name: f for f in items}


def partial_date_columns(name: str) -> tuple[str, ...]:
    """Names of the derived columns that accompany partial-date field ``name``."""
    return (f"{name}_precision", f"{name}_is_approximate", f"{name}_earliest", f"{name}_latest")


def _partial_date(name: str, what: str, example: str) -> list[Field]:
    return [
        Field(name, "partial_date", f"{what}, as precise as the sources allow: YYYY, YYYY-MM or YYYY-MM-DD, "
              "with a trailing '~' when the sources give it only approximately.", pattern=PARTIAL_DATE_PATTERN,
              example=example),
        Field(f"{name}_precision", "code", f"Precision of {name}: year, month or day.", vocabulary="date_precision",
              derived=True, example="day"),
        Field(f"{name}_is_approximate", "boolean", f"True when {name} is approximate ('~').", derived=True,
              example="false"),
        Field(f"{name}_earliest", "date", f"First day {name} can mean (its interval's start), for sorting and charts.",
              derived=True, example="2019-02-01"),
        Field(f"{name}_latest", "date", f"Last day {name} can mean (its interval's end), for sorting and charts.",
              derived=True, example="2019-02-28"),
    ]


FIELDS: dict[str, Field] = _fields(
    # Identifiers
    Field("deployment_id", "id", "Stable identifier of a deployment: COUNTRY-PLACE-TOPIC-YEAR. Never reused.",
          references="deployments", pattern=ID_PATTERN, example="FR-NICE-CARNIVAL-2019"),
    Field("organisation_id", "id", "Stable identifier of an organisation (lower-case slug).",
          references="organisations", pattern=ID_PATTERN, example="huawei"),
    Field("event_id", "id", "Stable identifier of an event: its deployment id, '-E' and a number.",
          pattern=ID_PATTERN, example="FR-NICE-CARNIVAL-2019-E01"),
    Field("figure_id", "id", "Stable identifier of a figure: its deployment id, '-F' and a number.",
          references="figures", pattern=ID_PATTERN, example="FR-NICE-CARNIVAL-2019-F01"),
    Field("claim_id", "id", "Stable identifier of a claim made in a source text.",
          pattern=ID_PATTERN, example="SEED004-4.2"),
    Field("source_id", "id", "Stable identifier of a source (publisher slug, date, short topic).",
          references="sources", pattern=ID_PATTERN, example="francebleu-2019-02-18-nice-carnaval"),
    Field("citation_id", "id", "Identifier of a citation: the cited record's id, '@' and the source id.",
          derived=True, example="FR-NICE-CARNIVAL-2019-F01@francebleu-2019-02-18-nice-carnaval"),
    Field("role_id", "id", "Identifier of an organisation's role in a deployment: deployment/organisation/role.",
          derived=True, example="FR-VALENCIENNES-HUAWEI-2017/huawei/donor"),
    # Deployments
    Field("title", "string", "Short English title a reader recognises.",
          example="Live facial-recognition test at the Nice Carnival"),
    Field("country_code", "code", "ISO 3166-1 alpha-2 code of the country (pycountry). Blank only for international records.",
          pattern=r"^[A-Z]{2}$", example="FR"),
    Field("place_name", "string", "Place covered, as a reader would name it.", example="Nice"),
    Field("geographic_level", "code", "Scale of the place covered.", vocabulary="geographic_level", example="site"),
    Field("category", "code", "Kind of technology or programme.", vocabulary="category", example="facial_recognition"),
    Field("status", "code", "Where the deployment stands at the latest date the sources describe.",
          vocabulary="status", example="pilot"),
    *_partial_date("start_date", "When the deployment started (or was first announced, if it never ran)", "2019-02-19"),
    *_partial_date("end_date", "When the deployment ended; blank while active or when no end is documented", "2019-02-20"),
    Field("participation", "code", "Whether people could refuse it.", vocabulary="participation", example="voluntary"),
    Field("police_data_access", "code", "Whether police could use the data collected.",
          vocabulary="police_data_access", example="documented"),
    Field("declared_purpose", "text", "The purpose its operator declared, in English.",
          example="Find lost children and wanted persons in a crowd."),
    Field("legal_basis", "text", "The legal basis invoked or found by a regulator or court, in English.",
          example="Consent of volunteers (CNIL letter of 15 February 2019)."),
    Field("summary", "text", "Two to four sentences a reader needs, in English.", example="The city tested ..."),
    Field("record_status", "code", "Whether the record stands or was retracted.", vocabulary="record_status",
          example="current"),
    Field("retraction_reason", "text", "Why a retracted record was found wrong (required when retracted).",
          example="Duplicate of FR-NICE-CARNIVAL-2019."),
    # Organisations
    Field("organisation_name", "string", "Name the organisation uses now, in its usual Latin-script form.",
          example="Huawei"),
    Field("organisation_kind", "code", "What kind of body it is.", vocabulary="organisation_kind", example="company"),
    Field("description", "text", "One sentence on who they are or what happened, in English.",
          example="Chinese telecommunications equipment maker."),
    Field("alias_name", "string", "Another name of the organisation: former name, other script, other language, "
          "common misspelling. Used by importers to recognise vendor strings.", example="华为"),
    Field("alias_kind", "string", "What kind of alias: former_name, other_script, translation, short_name, "
          "legal_name, misspelling.", pattern=r"^(former_name|other_script|translation|short_name|legal_name|misspelling)$",
          example="other_script"),
    Field("language_code", "code", "ISO 639-1 language code (pycountry).", pattern=r"^[a-z]{2}$", example="fr"),
    Field("role", "code", "The part the organisation plays in the deployment.", vocabulary="role", example="vendor"),
    Field("note", "text", "Curator's note: scope, definition or caveat a reader must know.",
          example="Counts ticket purchases blocked, not people."),
    # Events
    *_partial_date("event_date", "When the event happened", "2019-02-15"),
    Field("event_type", "code", "What kind of thing happened on that date.", vocabulary="event_type", example="regulator_opinion"),
    Field("actor_organisation_id", "id", "The organisation that acted (the court that ruled, the regulator that wrote).",
          references="organisations", pattern=ID_PATTERN, example="cnil"),
    # Figures
    Field("metric", "code", "What the figure counts.", vocabulary="metric", example="volunteers"),
    Field("value", "number", "The value as a number. For a range, its low end.", example="1000"),
    Field("value_upper", "number", "High end of a range (qualifier 'range' only).", example="5000"),
    Field("qualifier", "code", "How the source states the value.", vocabulary="qualifier", example="about"),
    Field("unit", "code", "Unit of value and value_upper: count, days, a currency code, ...", vocabulary="unit", example="count"),
    Field("value_text", "string", "The value in the source's own words, in its language.",
          example="un millier de volontaires"),
    *_partial_date("as_of_date", "Date the figure describes (or its publication date when the source gives none)",
                   "2019-02-18"),
    Field("scope", "text", "What exactly is counted, where and when, so figures with different scopes are not "
          "mistaken for a dispute.", example="Volunteers invited for the two test days"),
    Field("figure_basis", "code", "Who stands behind the figure.", vocabulary="figure_basis", example="reported"),
    Field("claimant_organisation_id", "id", "The organisation that states the figure, when it is its own claim.",
          references="organisations", pattern=ID_PATTERN, example="huawei"),
    Field("support_status", "code", "How well the evidence supports the figure.", vocabulary="support_status",
          example="disputed"),
    Field("dispute_group", "string", "Figures that are different values of the same quantity share this key "
          "(within a deployment); they are kept side by side and never averaged.", pattern=ID_PATTERN,
          example="volunteers-2019"),
    # Claims
    Field("claim_text", "text", "The claim, paraphrased in English.",
          example="China has 600 million surveillance cameras equipped with facial recognition."),
    Field("verdict", "code", "Fact-check verdict on the claim.", vocabulary="verdict", example="differs"),
    Field("evidence", "text", "What the evidence says, in English, with the sources cited in this record.",
          example="600m+ is an IHS forecast; measured counts were 176m (2016) and 350m (2018)."),
    Field("claim_number", "string", "The claim's number in the fact-check table it comes from.", example="4.2"),
    # Sources
    Field("url", "url", "Absolute http(s) address of the page as read. Blank only for texts held in the archive "
          "(see text_sha256).", example="https://www.francebleu.fr/..."),
    Field("source_title", "string", "Title of the page or document.", example="Nice teste la reconnaissance faciale"),
    Field("title_status", "code", "Where the title comes from.", vocabulary="title_status", example="as_published"),
    Field("publisher_name", "string", "Publisher or outlet.", example="France Bleu"),
    Field("author_name", "string", "Author(s) as credited.", example="Luo Ya"),
    *_partial_date("published_date", "Publication date", "2019-02-18"),
    Field("source_kind", "code", "What kind of publisher, which bounds what it can support on its own.",
          vocabulary="source_kind", example="major_media"),
    Field("is_mirror", "boolean", "True when the URL is a copy or syndication of another publisher's text; "
          "publisher, title and date are then the original's.", example="false"),
    Field("mirror_of_url", "url", "The original's address when the source is a mirror and the original was seen.",
          example="https://www.theepochtimes.com/..."),
    Field("archive_url", "url", "A snapshot of the page (web.archive.org or similar).",
          example="https://web.archive.org/web/2020/https://..."),
    Field("accessed_date", "date", "Day the page was read.", example="2026-11-20"),
    Field("licence", "string", "Licence of the source text or dataset, when known (SPDX id where one exists).",
          example="CC-BY-4.0"),
    Field("text_sha256", "string", "SHA-256 of the source's full text held in a local archive folder; links the "
          "source to that text for the quote check.", pattern=r"^[0-9a-f]{64}$",
          example="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
    # Citations
    Field("target_table", "code", "Table of the cited record.", vocabulary="target_table", derived=True,
          example="figures"),
    Field("target_id", "id", "Id of the cited record (deployment, role, event, figure or claim).", derived=True,
          example="FR-NICE-CARNIVAL-2019-F01"),
    Field("citation_role", "code", "What the source does for the record.", vocabulary="citation_role",
          example="supports"),
    Field("quote", "text", "Verbatim words from the source, in its original language.",
          example="un millier de volontaires"),
    Field("quote_language_code", "code", "ISO 639-1 language of the quote.", pattern=r"^[a-z]{2}$", example="fr"),
    Field("quote_translation_en", "text", "English translation of a quote that is not in English.",
          example="a thousand volunteers"),
    Field("locator", "string", "Where in the source: paragraph, page, section.", example="para. 3"),
    # Provenance (every table)
    Field("origin_dataset", "code", "Dataset the row came from.", vocabulary="origin_dataset", derived=True,
          example="curated"),
    Field("origin_file", "string", "File the row came from, relative to the repository (curated) or as given (imports).",
          derived=True, example="data/curated/deployments/FR-NICE-CARNIVAL-2019.yaml"),
    Field("origin_row", "integer", "Line (curated YAML) or data row number (imports) in origin_file.", derived=True,
          example="12"),
    Field("origin_file_sha256", "string", "SHA-256 of origin_file as read.", derived=True,
          example="0d5e..."),
    Field("origin_licence", "string", "Licence of the dataset the row came from.", derived=True, example="CC-BY-4.0"),
)

PROVENANCE = ("origin_dataset", "origin_file", "origin_row", "origin_file_sha256", "origin_licence")
RECORD = ("record_status", "retraction_reason")


def _with_dates(*names: str) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        out.append(name)
        if FIELDS[name].type == "partial_date":
            out.extend(partial_date_columns(name))
    return tuple(out)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "deployments",
            "One row per documented deployment: a technology put to use by an operator in a place.",
            _with_dates("deployment_id", "title", "country_code", "place_name", "geographic_level", "category",
                        "status", "start_date", "end_date", "participation", "police_data_access",
                        "declared_purpose", "legal_basis", "summary") + RECORD + PROVENANCE,
            required=("deployment_id", "title", "geographic_level", "category", "status", "start_date", "summary"),
            primary_key="deployment_id",
            sort_by=("deployment_id",),
        ),
        Table(
            "organisations",
            "Operators, vendors, regulators, courts, NGOs and other bodies named in the records.",
            ("organisation_id", "organisation_name", "organisation_kind", "country_code", "description")
            + RECORD + PROVENANCE,
            required=("organisation_id", "organisation_name", "organisation_kind"),
            primary_key="organisation_id",
            sort_by=("organisation_id",),
        ),
        Table(
            "organisation_aliases",
            "Other names of organisations (other scripts, former names, misspellings): the vendor crosswalk.",
            ("organisation_id", "alias_name", "alias_kind", "language_code") + PROVENANCE,
            required=("alias_name", "alias_kind"),
            primary_key="alias_name",
            sort_by=("organisation_id", "alias_name"),
            nested_as="aliases",
            parent="organisations",
        ),
        Table(
            "deployment_organisations",
            "Which organisation plays which role in which deployment.",
            ("role_id", "deployment_id", "organisation_id", "role", "note") + PROVENANCE,
            required=("organisation_id", "role"),
            primary_key="role_id",
            sort_by=("deployment_id", "role", "organisation_id"),
            nested_as="organisations",
            parent="deployments",
        ),
        Table(
            "events",
            "Dated events in the life of a deployment: decisions, launches, regulator and court actions.",
            _with_dates("event_id", "deployment_id", "event_date", "event_type", "actor_organisation_id",
                        "description") + RECORD + PROVENANCE,
            required=("event_id", "event_date", "event_type", "description"),
            primary_key="event_id",
            sort_by=("deployment_id", "event_date_earliest", "event_id"),
            nested_as="events",
            parent="deployments",
        ),
        Table(
            "figures",
            "Numbers stated about a deployment. Values that sources disagree on are separate rows, never averaged.",
            _with_dates("figure_id", "deployment_id", "metric", "value", "value_upper", "qualifier", "unit",
                        "value_text", "as_of_date", "scope", "figure_basis", "claimant_organisation_id",
                        "support_status", "dispute_group", "note") + RECORD + PROVENANCE,
            required=("figure_id", "metric", "value", "unit", "as_of_date", "figure_basis", "support_status"),
            primary_key="figure_id",
            sort_by=("deployment_id", "metric", "as_of_date_earliest", "figure_id"),
            nested_as="figures",
            parent="deployments",
        ),
        Table(
            "claims",
            "Claims made in source texts (notably the seed articles), each with a fact-check verdict.",
            ("claim_id", "source_id", "claim_number", "claim_text", "verdict", "evidence", "deployment_id",
             "figure_id") + RECORD + PROVENANCE,
            required=("claim_id", "source_id", "claim_text", "verdict", "evidence"),
            primary_key="claim_id",
            sort_by=("claim_id",),
        ),
        Table(
            "sources",
            "Documents the records rest on: articles, official texts, judgments, reports.",
            _with_dates("source_id", "url", "source_title", "title_status", "publisher_name", "author_name",
                        "published_date", "language_code", "source_kind", "is_mirror", "mirror_of_url",
                        "archive_url", "accessed_date", "licence", "text_sha256") + RECORD + PROVENANCE,
            required=("source_id", "source_title", "title_status", "publisher_name", "language_code", "source_kind"),
            primary_key="source_id",
            sort_by=("source_id",),
        ),
        Table(
            "citations",
            "Which source supports which record, with the verbatim quote and its English translation.",
            ("citation_id", "target_table", "target_id", "source_id", "citation_role", "quote", "quote_language_code",
             "quote_translation_en", "locator") + PROVENANCE,
            required=("source_id",),
            primary_key="citation_id",
            sort_by=("target_table", "target_id", "source_id"),
            nested_as="sources",
        ),
    )
}

# Tables whose rows are written as top-level records in curated YAML, and the folder they live in.
CURATED_FOLDERS = {
    "deployments": "deployments",
    "organisations": "organisations",
    "sources": "sources",
    "claims": "claims",
}


def columns(table: str) -> tuple[str, ...]:
    """Column names of ``table`` in output order."""
    return TABLES[table].fields


@cache
def curated_keys(table: str) -> tuple[str, ...]:
    """YAML keys a curator may write for a record of ``table`` (non-derived columns)."""
    t = TABLES[table]
    keys = [f for f in t.fields if not FIELDS[f].derived and f not in PROVENANCE]
    if t.parent:
        keys = [k for k in keys if k != TABLES[t.parent].primary_key]
    return tuple(keys)


@cache
def nested_tables(parent: str) -> dict[str, str]:
    """YAML key -> child table for the lists nested under a ``parent`` record."""
    return {t.nested_as: t.name for t in TABLES.values() if t.parent == parent and t.nested_as}  # callers must not mutate


def vocabulary_of(field_name: str) -> vocab.Vocabulary | None:
    """The vocabulary constraining ``field_name``, if any."""
    f = FIELDS[field_name]
    return vocab.VOCABULARIES[f.vocabulary] if f.vocabulary else None


@dataclass(frozen=True)
class ForeignKey:
    """A column of one table that must match the primary key of another."""

    table: str
    field: str
    references: str


def foreign_keys(table: str) -> list[ForeignKey]:
    """Foreign keys of ``table``, derived from the ``references`` of its fields."""
    out = []
    for name in TABLES[table].fields:
        ref = FIELDS[name].references
        if ref and ref != table:
            out.append(ForeignKey(table, name, ref))
    return out


CITABLE_TABLES = ("deployments", "deployment_organisations", "events", "figures", "claims")
# Every curated record carries a ``sources`` list; the citation inherits the record's table and id.
CITATIONS_KEY = "sources"
