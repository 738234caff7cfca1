"""The sources behind a deployment or a brief, and those sources as BibTeX, CSL-JSON or RIS.

One function decides which sources a brief cites: :func:`sources_for_brief`. A brief notebook
calls it for its sources section::

    ids = citations.sources_for_brief("country_profile", {"country": country}, data)
    R.sources(citations.source_items(ids, data), heading="Sources")

and ``policylens cite --brief NAME`` calls it with the notebook and parameters the brief matrix
gives that brief, so the two cannot disagree.

Which records a brief cites comes from, in order: a function registered for its notebook in
``BRIEF_SCOPES`` (for notebooks with their own selection logic); otherwise the deployments its
parameters select (``PARAMETER_FILTERS``, plus the fixed ``NOTEBOOK_SCOPES``) with their events,
figures and organisations' roles. Parameters the
matrix leaves out take the notebook's defaults (``notebook_defaults``). A deployment's sources
are the sources of every citation of the deployment itself, its events, its figures and its
roles. Retracted records are not in ``policylens.load()``'s tables, so they cite nothing.

The formats are written by maintained libraries where one exists: BibTeX by bibtexparser (v2),
RIS by rispy; CSL-JSON is plain JSON. Text stays UTF-8 in every format (French and Chinese titles
are written as they are); BibTeX escapes only the characters LaTeX treats as commands.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

FORMATS = ("bibtex", "csl-json", "ris")

# Notebooks whose subject is fixed whatever the parameters; keys are parameter names as below.
NOTEBOOK_SCOPES: dict[str, dict[str, Any]] = {
    "facial_recognition_france": {"country": "FR"},
    "health_codes": {"categories": ["health_code", "contact_tracing_app"]},
}


def _values(value: Any) -> list[str]:
    if value is None or value == "" or value == []:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple | set) else [str(value)]


def _by_column(column: str) -> Callable[[pd.DataFrame, Any, Any], pd.Series]:
    def keep(deployments: pd.DataFrame, value: Any, data: Any) -> pd.Series:
        return deployments[column].astype("string").isin(_values(value))

    return keep


def _by_organisation(deployments: pd.DataFrame, value: Any, data: Any) -> pd.Series:
    roles = data.tables["deployment_organisations"]
    ids = set(
        roles.loc[roles["organisation_id"].astype("string").isin(_values(value)), "deployment_id"]
    )
    return deployments["deployment_id"].isin(ids)


def _date_bound(value: Any, last: bool) -> str | None:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` bound as a comparable ISO day string."""
    text = str(value).strip()[:10] if value not in (None, "") else ""
    if not text:
        return None
    if len(text) == 4:
        return f"{text}-12-31" if last else f"{text}-01-01"
    if len(text) == 7:
        return (
            f"{text}-31" if last else f"{text}-01"
        )  # string order: 2020-02-31 sorts after any Feb day
    return text


def _since(deployments: pd.DataFrame, value: Any, data: Any) -> pd.Series:
    # Still running on or after the bound; no documented end counts as still running.
    bound = _date_bound(value, last=False)
    end = deployments["end_date_latest"].astype("string").str[:10]
    return (
        pd.Series(True, index=deployments.index) if bound is None else end.isna() | (end >= bound)
    )


def _until(deployments: pd.DataFrame, value: Any, data: Any) -> pd.Series:
    # Started on or before the bound; an unknown start is kept rather than silently dropped.
    bound = _date_bound(value, last=True)
    start = deployments["start_date_earliest"].astype("string").str[:10]
    return (
        pd.Series(True, index=deployments.index)
        if bound is None
        else start.isna() | (start <= bound)
    )


# Brief parameter name -> which deployments it keeps. Parameters not listed (lang, display
# switches) do not narrow the selection. A value may be one string or a list of strings.
PARAMETER_FILTERS: dict[str, Callable[[pd.DataFrame, Any, Any], pd.Series]] = {
    "deployment": _by_column("deployment_id"),
    "deployment_id": _by_column("deployment_id"),
    "deployments": _by_column("deployment_id"),
    "country": _by_column("country_code"),
    "countries": _by_column("country_code"),
    "category": _by_column("category"),
    "categories": _by_column("category"),
    "vendor": _by_organisation,
    "organisation": _by_organisation,
    "organisation_id": _by_organisation,
    "start": _since,
    "since": _since,
    "end": _until,
    "until": _until,
}


def deployments_for_brief(notebook: str, params: Mapping[str, Any] | None, data: Any) -> list[str]:
    """Ids of the deployments a brief of ``notebook`` with ``params`` covers, sorted.

    Args:
        notebook: the notebook's name in the brief matrix (e.g. ``country_profile``).
        params: the brief's parameters (``lang`` and unknown names are ignored).
        data: a ``policylens.Dataset`` (``policylens.load()``).
    """
    deployments = data.tables["deployments"]
    keep = pd.Series(True, index=deployments.index)
    for name, value in {**(params or {}), **NOTEBOOK_SCOPES.get(notebook, {})}.items():
        if name in PARAMETER_FILTERS and _values(value):
            keep &= PARAMETER_FILTERS[name](deployments, value, data).fillna(False).astype(bool)
    return sorted(deployments.loc[keep, "deployment_id"].astype(str))


def cited_records(deployment_ids: Iterable[str], data: Any) -> set[str]:
    """Ids of the deployments, their events, figures and roles: the records that cite sources."""
    ids = {str(d) for d in deployment_ids}
    records = set(ids)
    for table, key in (
        ("events", "event_id"),
        ("figures", "figure_id"),
        ("deployment_organisations", "role_id"),
    ):
        df = data.tables[table]
        records |= {str(v) for v in df.loc[df["deployment_id"].astype(str).isin(ids), key]}
    return records


def sources_of_records(record_ids: Iterable[str], data: Any) -> list[str]:
    """Source ids of every citation whose target is one of ``record_ids``, sorted.

    A claim also rests on the source it was made in (its ``source_id``).
    """
    ids = {str(r) for r in record_ids}
    citations, claims = data.tables["citations"], data.tables["claims"]
    found = set(
        citations.loc[citations["target_id"].astype(str).isin(ids), "source_id"].astype(str)
    )
    found |= set(
        claims.loc[claims["claim_id"].astype(str).isin(ids), "source_id"].dropna().astype(str)
    )
    return sorted(found)


def sources_for_deployment(deployment_id: str, data: Any) -> list[str]:
    """Source ids behind one deployment (itself, its events, figures and roles), sorted."""
    return sources_of_records(cited_records([deployment_id], data), data)


def security_exports_records(params: Mapping[str, Any], data: Any) -> list[str]:
    """Records the ``security_exports`` brief cites: the vendor's exports and its own figures.

    The exports are ``audit.exported_deployments`` (the deployment records and their roles, not
    their events); the figures are those the vendor claims, or vendor claims about its exports.
    """
    from policylens import audit

    t, vendor = data.tables, params.get("vendor")
    exports = audit.exported_deployments(
        t["deployments"],
        t["deployment_organisations"],
        t["organisations"],
        t["citations"],
        t["sources"],
        t["figures"],
        vendor=vendor,
    )
    ids = [str(i) for i in exports["deployment_id"]]
    roles = t["deployment_organisations"]
    role_ids = [str(i) for i in roles.loc[roles["deployment_id"].isin(ids), "role_id"]]
    f = t["figures"]
    claimed = (f["claimant_organisation_id"] == vendor) | (
        (f["figure_basis"].astype("object") == "vendor_claim") & f["deployment_id"].isin(ids)
    )
    return ids + role_ids + [str(i) for i in f.loc[claimed.fillna(False).astype(bool), "figure_id"]]


def comparative_timeline_records(params: Mapping[str, Any], data: Any) -> list[str]:
    """Records the ``comparative_timeline`` brief cites: its lanes (deployments) and events."""
    ids = deployments_for_brief("comparative_timeline", params, data)
    events = data.tables["events"]
    return ids + [str(i) for i in events.loc[events["deployment_id"].isin(ids), "event_id"]]


def health_codes_records(params: Mapping[str, Any], data: Any) -> list[str]:
    """Records the ``health_codes`` brief cites: the apps, their events, operators and vendors."""
    from policylens import compare

    t = data.tables
    apps = compare.deployments_in_selection(
        t["deployments"], countries=params.get("countries") or None,
        categories=list(compare.HEALTH_APP_CATEGORIES),
    )
    ids = [str(i) for i in apps["deployment_id"]]
    roles, events = t["deployment_organisations"], t["events"]
    shown = roles["deployment_id"].isin(ids) & roles["role"].astype(str).isin(
        compare.OPERATOR_ROLES + compare.VENDOR_ROLES
    )
    return ids + [str(i) for i in roles.loc[shown, "role_id"]] + [
        str(i) for i in events.loc[events["deployment_id"].isin(ids), "event_id"]
    ]


def source_audit_records(params: Mapping[str, Any], data: Any) -> list[str]:
    """Records the ``source_audit`` brief cites: figures and claims (of one country, if given)."""
    t, country = data.tables, params.get("country") or ""
    figures, claims = t["figures"], t["claims"]
    if country:
        deployments = t["deployments"]
        ids = set(deployments.loc[deployments["country_code"] == country, "deployment_id"])
        figures = figures[figures["deployment_id"].isin(ids)]
        claims = claims[claims["deployment_id"].isin(ids)]
    return [str(i) for i in [*figures["figure_id"], *claims["claim_id"]]]


# Notebook name -> "module:function" returning the ids of every record (deployment, event,
# figure, role, claim) the brief cites, called as function(params, data). A notebook with its own
# selection logic puts it in such a function and registers it here, so that its sources section
# and `policylens cite --brief` run the same code. Notebooks not listed use
# ``deployments_for_brief`` + ``cited_records``.
BRIEF_SCOPES: dict[str, str] = {
    "comparative_timeline": "policylens.citations:comparative_timeline_records",
    "health_codes": "policylens.citations:health_codes_records",
    "security_exports": "policylens.citations:security_exports_records",
    "source_audit": "policylens.citations:source_audit_records",
}


def records_for_brief(notebook: str, params: Mapping[str, Any] | None, data: Any) -> set[str]:
    """Ids of every record a brief of ``notebook`` with ``params`` cites."""
    if notebook in BRIEF_SCOPES:
        import importlib

        module, _, function = BRIEF_SCOPES[notebook].partition(":")
        return {
            str(i)
            for i in getattr(importlib.import_module(module), function)(dict(params or {}), data)
        }
    return cited_records(deployments_for_brief(notebook, params, data), data)


_PARAMETERS_CELL = re.compile(r"^# %%[^\n]*\btags\s*=\s*\[[^\]]*[\"']parameters[\"']", re.M)


def notebook_defaults(source: str) -> dict[str, Any]:
    """Literal values assigned in the ``parameters`` cell of a jupytext percent notebook.

    The brief matrix may leave parameters out; the notebook then runs with these, so
    ``cite --brief`` must use them too. Non-literal assignments are skipped.
    """
    import ast

    match = _PARAMETERS_CELL.search(source)
    if not match:
        return {}
    start = source.find("\n", match.end()) + 1 or len(source)
    end = source.find("\n# %%", start)
    cell = source[start : end if end != -1 else len(source)]
    out: dict[str, Any] = {}
    for node in ast.parse(cell).body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return out


def sources_for_brief(notebook: str, params: Mapping[str, Any] | None, data: Any) -> list[str]:
    """Source ids a brief cites, sorted: what its sources section lists and ``cite --brief`` prints.

    Args:
        notebook: the notebook's name in the brief matrix (e.g. ``country_profile``).
        params: the brief's parameters as the notebook receives them (``lang`` is ignored).
        data: a ``policylens.Dataset``.
    """
    return sources_of_records(records_for_brief(notebook, params, data), data)


# --- source records ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def source_records(source_ids: Iterable[str], data: Any) -> list[dict[str, str]]:
    """The ``sources`` rows of ``source_ids`` as plain dicts of text, in the order given.

    Raises:
        KeyError: naming the ids that are not in the sources table.
    """
    sources = data.tables["sources"]
    rows = {
        str(r["source_id"]): {k: _text(v) for k, v in r.items()} for r in sources.to_dict("records")
    }
    ids = list(dict.fromkeys(source_ids))
    missing = [i for i in ids if i not in rows]
    if missing:
        raise KeyError(f"unknown source id(s): {', '.join(missing)}")
    return [rows[i] for i in ids]


def reference_text(source: Mapping[str, str]) -> str:
    """One line for a brief's sources list: ``Publisher (date). Title. Author.``."""
    date = source.get("published_date") or "n.d."
    date = f"c. {date[:-1]}" if date.endswith("~") else date
    parts = [f"{source.get('publisher_name', '')} ({date}). {source.get('source_title', '')}."]
    if source.get("author_name"):
        parts.append(f"{source['author_name']}.")
    if source.get("is_mirror") == "True" or source.get("is_mirror") == "true":
        parts.append("[copy]")
    return " ".join(p for p in parts if p.strip(" .()"))


def source_items(source_ids: Iterable[str], data: Any) -> list[dict[str, str]]:
    """``{"source_id", "text", "url"}`` items for ``policylens.report.sources``."""
    return [
        {"source_id": s["source_id"], "text": reference_text(s), "url": s.get("url", "")}
        for s in source_records(source_ids, data)
    ]


def _date_parts(text: str) -> tuple[list[int], bool]:
    if not text:
        return [], False
    approximate = text.endswith("~")
    return [int(p) for p in text.rstrip("~").split("-")], approximate


# --- CSL-JSON ---------------------------------------------------------------------------------

CSL_TYPES = {
    "major_media": "article-newspaper",
    "state_media": "article-newspaper",
    "court": "legal_case",
    "official": "document",
    "regulator": "document",
    "reference": "entry-encyclopedia",
}


def csl_item(source: Mapping[str, str]) -> dict[str, Any]:
    """A CSL-JSON item for one source."""
    item: dict[str, Any] = {
        "id": source["source_id"],
        "type": CSL_TYPES.get(source.get("source_kind", ""), "webpage"),
        "title": source.get("source_title", ""),
    }
    publisher = source.get("publisher_name", "")
    if item["type"] == "article-newspaper":
        item["container-title"] = publisher
    elif publisher:
        item["publisher"] = publisher
    if source.get("author_name"):
        item["author"] = [{"literal": source["author_name"]}]
    parts, approximate = _date_parts(source.get("published_date", ""))
    if parts:
        item["issued"] = {"date-parts": [parts], **({"circa": True} if approximate else {})}
    accessed, _ = _date_parts(source.get("accessed_date", ""))
    if accessed:
        item["accessed"] = {"date-parts": [accessed]}
    for key, field in (("URL", "url"), ("language", "language_code")):
        if source.get(field):
            item[key] = source[field]
    if source.get("archive_url"):
        item["note"] = f"Archived copy: {source['archive_url']}"
    return item


def to_csl_json(sources: list[Mapping[str, str]]) -> str:
    """CSL-JSON (a list of items), UTF-8, for Zotero, Pandoc and citeproc."""
    return json.dumps([csl_item(s) for s in sources], indent=2, ensure_ascii=False) + "\n"


# --- BibTeX -----------------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped; every other character kept (UTF-8)."""
    return "".join(_LATEX_SPECIALS.get(c, c) for c in text)


def bibtex_fields(source: Mapping[str, str]) -> dict[str, str]:
    """BibTeX/biblatex fields of one ``@misc`` entry (values LaTeX-escaped, unbraced)."""
    fields = {
        "title": source.get("source_title", ""),
        "howpublished": source.get("publisher_name", ""),
        "publisher": source.get("publisher_name", ""),
    }
    if source.get("author_name"):
        # Credited as written; braces keep BibTeX from splitting or reordering the name.
        fields["author"] = "{" + latex_escape(source["author_name"]) + "}"
    parts, approximate = _date_parts(source.get("published_date", ""))
    if parts:
        fields["year"] = str(parts[0])
        if len(parts) > 1:
            fields["month"] = str(parts[1])
        # biblatex reads EDTF dates, "~" (circa) included.
        fields["date"] = source["published_date"]
    for key, field in (("url", "url"), ("urldate", "accessed_date"), ("language", "language_code")):
        if source.get(field):
            fields[key] = source[field]
    if source.get("archive_url"):
        fields["note"] = f"Archived copy: {source['archive_url']}"
    escaped = {}
    for key, value in fields.items():
        if key in ("url", "author", "month", "date", "urldate"):
            escaped[key] = value  # verbatim or parsed fields; author is escaped above
        else:
            escaped[key] = latex_escape(value)
    return {k: v for k, v in escaped.items() if v}


def to_bibtex(sources: list[Mapping[str, str]]) -> str:
    """BibTeX ``@misc`` entries keyed by source id, written by bibtexparser."""
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()
    for source in sources:
        fields = [Field(k, v) for k, v in bibtex_fields(source).items()]
        library.add(Entry("misc", source["source_id"], fields))
    return bibtexparser.write_string(library)


# --- RIS --------------------------------------------------------------------------------------

RIS_TYPES = {
    "major_media": "NEWS",
    "state_media": "NEWS",
    "court": "CASE",
    "official": "GOVDOC",
    "regulator": "GOVDOC",
}


def ris_record(source: Mapping[str, str]) -> dict[str, Any]:
    """A rispy record for one source."""
    record: dict[str, Any] = {
        "type_of_reference": RIS_TYPES.get(source.get("source_kind", ""), "ELEC"),
        "id": source["source_id"],
        "title": source.get("source_title", ""),
    }
    if source.get("publisher_name"):
        record["publisher"] = source["publisher_name"]
    if source.get("author_name"):
        record["authors"] = [source["author_name"]]
    parts, _ = _date_parts(source.get("published_date", ""))
    if parts:
        record["year"] = str(parts[0])
        record["date"] = "/".join(f"{p:02d}" for p in parts) + "/" * (4 - len(parts))
    if source.get("accessed_date"):
        record["access_date"] = source["accessed_date"].replace("-", "/")
    if source.get("url"):
        record["urls"] = [source["url"]]
    if source.get("language_code"):
        record["language"] = source["language_code"]
    if source.get("archive_url"):
        record["notes"] = [f"Archived copy: {source['archive_url']}"]
    return record


def to_ris(sources: list[Mapping[str, str]]) -> str:
    """RIS records, written by rispy."""
    import rispy

    return rispy.dumps([ris_record(s) for s in sources])


def render(source_ids: Iterable[str], data: Any, fmt: str) -> str:
    """The sources ``source_ids`` in format ``fmt`` (one of ``FORMATS``)."""
    sources = source_records(source_ids, data)
    writers = {"bibtex": to_bibtex, "csl-json": to_csl_json, "ris": to_ris}
    if fmt not in writers:
        raise ValueError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return writers[fmt](sources)
