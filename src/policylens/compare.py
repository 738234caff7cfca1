"""Analysis for the briefs: small pure functions, DataFrame in, DataFrame out, named for the result.

Every function that returns rows a chart or table shows also returns a ``source_ids`` column
(a sorted tuple of the ids of the sources cited for those rows), so the "Sources:" line under a
chart and the sources list at the end of a brief are computed from exactly the rows shown.

Dates stay honest: partial dates keep their ``*_earliest`` / ``*_latest`` interval, and durations
are reported as a minimum and a maximum number of days rather than one invented number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

__all__ = [
    "source_ids_by_target",
    "with_source_ids",
    "deployments_in_selection",
    "as_of_date",
    "timeline_rows",
    "timeline_events",
    "events_by_country_and_year",
    "deployments_by_vendor_and_recipient_country",
    "organisations_by_deployment",
    "days_in_use",
    "health_code_comparison",
    "figures_side_by_side",
    "disputed_figure_groups",
    "sources_cited",
    "source_list_items",
    "deployment_counts",
]

HEALTH_APP_CATEGORIES = ("health_code", "contact_tracing_app")
# A deployment in one of these states has stopped: without an end date its end is undocumented,
# not open, and it must not be drawn as running to this day.
STOPPED_STATUSES = ("ended", "blocked", "suspended")
VENDOR_ROLES = ("vendor", "developer", "licensor", "integrator", "donor")
OPERATOR_ROLES = ("operator",)


# --- sources of rows --------------------------------------------------------------------------


def source_ids_by_target(citations: pd.DataFrame, target_table: str) -> dict[str, tuple[str, ...]]:
    """Sorted tuple of cited source ids per cited record id of ``target_table``."""
    rows = citations[citations["target_table"] == target_table]
    out: dict[str, set[str]] = {}
    # Plain Python objects: pandas would turn tuples of Arrow strings into Arrow list arrays.
    for target, source in zip(
        rows["target_id"].astype(object), rows["source_id"].astype(object), strict=True
    ):
        out.setdefault(str(target), set()).add(str(source))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def with_source_ids(
    df: pd.DataFrame, citations: pd.DataFrame, target_table: str, id_column: str
) -> pd.DataFrame:
    """``df`` with a ``source_ids`` column: the sources citing each row's record.

    Args:
        df: Rows of a citable table.
        citations: The ``citations`` table.
        target_table: ``deployments``, ``events``, ``figures``, ``claims`` or
            ``deployment_organisations``.
        id_column: Column of ``df`` holding the record id.
    """
    ids = source_ids_by_target(citations, target_table)
    values = [ids.get(str(v), ()) for v in df[id_column].astype(object)]
    return df.assign(source_ids=pd.Series(values, index=df.index, dtype=object))


def _union_ids(values: Iterable[Any]) -> tuple[str, ...]:
    """Sorted distinct ids from a mix of ids and tuples of ids."""
    out: set[str] = set()
    for v in values:
        if isinstance(v, str):
            out.add(v)
        elif isinstance(v, tuple | list):
            out.update(v)
    return tuple(sorted(out))


# --- selection --------------------------------------------------------------------------------


def _as_list(value: Any) -> list[str] | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def deployments_in_selection(
    deployments: pd.DataFrame,
    countries: Any = None,
    categories: Any = None,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Deployments in the given countries and categories that overlap ``[start, end]``.

    A deployment overlaps when it may have started on or before ``end`` and may have ended on
    or after ``start`` (an open end counts as still running). Empty or None arguments do not
    filter.

    Args:
        deployments: The ``deployments`` table.
        countries: ISO codes, as a list or a comma-separated string.
        categories: Category codes, as a list or a comma-separated string.
        start: First year (``2019``) or date (``2019-06-01``) of interest.
        end: Last year or date of interest; a bare year means its 31 December.
    """
    out = deployments
    if (codes := _as_list(countries)) is not None:
        out = out[out["country_code"].isin([c.upper() for c in codes])]
    if (cats := _as_list(categories)) is not None:
        out = out[out["category"].astype(str).isin(cats)]
    if start not in (None, ""):
        lo = pd.Timestamp(f"{start}-01-01" if str(start).isdigit() else str(start))
        out = out[out["end_date_latest"].isna() | (out["end_date_latest"] >= lo)]
    if end not in (None, ""):
        hi = pd.Timestamp(f"{end}-12-31" if str(end).isdigit() else str(end))
        out = out[out["start_date_earliest"] <= hi]
    return out.reset_index(drop=True)


def as_of_date(events: pd.DataFrame, sources: pd.DataFrame) -> pd.Timestamp | None:
    """The latest date the data describe: the last event or source publication date.

    Open-ended deployments are drawn and counted up to this date rather than to "today", so a
    brief built twice from the same data is the same brief.
    """
    # Earliest, not latest: a source dated only "2026" must not stretch the data into December.
    dates = pd.concat(
        [
            events.get("event_date_earliest", pd.Series(dtype="datetime64[ns]")),
            sources.get("published_date_earliest", pd.Series(dtype="datetime64[ns]")),
        ]
    )
    dates = pd.to_datetime(dates).dropna()
    return None if dates.empty else dates.max()


# --- timelines --------------------------------------------------------------------------------

_INTERVAL_COLUMNS = (
    "start_date",
    "start_date_precision",
    "start_date_is_approximate",
    "start_date_earliest",
    "start_date_latest",
    "end_date",
    "end_date_precision",
    "end_date_is_approximate",
    "end_date_earliest",
    "end_date_latest",
)


def timeline_rows(
    deployments: pd.DataFrame,
    citations: pd.DataFrame,
    label: Any = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per deployment for a timeline lane, sorted by country then start.

    How a lane ends (``end_kind``): ``documented`` (an end date), ``undocumented`` (the
    deployment ended, was blocked or suspended but no end date is recorded; a chart stops it at
    its last dated event) or ``open`` (no end documented while active, a pilot or announced).

    Args:
        deployments: (Selected) ``deployments``.
        citations: The ``citations`` table.
        label: Optional function ``row -> str`` for the lane label; default
            "<title> (<country code>)".
        events: The ``events`` table, to find each deployment's last dated event.

    Returns:
        ``deployment_id``, ``lane_label``, ``country_code``, ``category``, ``status``, the start
        and end interval columns, ``end_kind``, ``is_open_ended``, ``last_event_date`` and
        ``source_ids``.
    """
    cols = ["deployment_id", "title", "country_code", "category", "status", *_INTERVAL_COLUMNS]
    out = deployments[cols].sort_values(
        ["country_code", "start_date_earliest", "deployment_id"], na_position="last", kind="stable"
    )
    make = label or (
        lambda r: (
            f"{r['title']} ({r['country_code']})"
            if pd.notna(r["country_code"])
            else str(r["title"])
        )
    )
    stopped = out["status"].astype(str).isin(STOPPED_STATUSES)
    kind = [
        "documented" if pd.notna(e) else ("undocumented" if s else "open")
        for e, s in zip(out["end_date_earliest"], stopped, strict=True)
    ]
    last = (
        events.groupby("deployment_id")["event_date_earliest"].max()
        if events is not None and len(events)
        else pd.Series(dtype="datetime64[us]")
    )
    out = out.assign(
        lane_label=[make(r) for _i, r in out.iterrows()] if len(out) else [],
        end_kind=kind,
        is_open_ended=[k == "open" for k in kind],
        last_event_date=pd.to_datetime(out["deployment_id"].map(last)),
    )
    return with_source_ids(out, citations, "deployments", "deployment_id").reset_index(drop=True)


def timeline_events(
    events: pd.DataFrame,
    citations: pd.DataFrame,
    deployment_ids: Iterable[str] | None = None,
    event_types: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Events of the given deployments (and types), in date order, with their source ids."""
    out = events
    if deployment_ids is not None:
        out = out[out["deployment_id"].isin(list(deployment_ids))]
    if event_types is not None:
        out = out[out["event_type"].astype(str).isin(event_types)]
    out = out.sort_values(["event_date_earliest", "event_id"], kind="stable")
    return with_source_ids(out, citations, "events", "event_id").reset_index(drop=True)


def events_by_country_and_year(
    events: pd.DataFrame, deployments: pd.DataFrame, citations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Number of events per country, year (of the earliest possible date) and event type.

    Returns:
        ``country_code``, ``year``, ``event_type``, ``events`` and ``source_ids`` (when
        ``citations`` is given), sorted by country, year and type.
    """
    merged = events.merge(
        deployments[["deployment_id", "country_code"]],
        on="deployment_id",
        how="left",
        validate="m:1",
    )
    if citations is not None:
        merged = with_source_ids(merged, citations, "events", "event_id")
    else:
        merged = merged.assign(source_ids=[()] * len(merged))
    merged = merged.assign(
        year=merged["event_date_earliest"].dt.year.astype("Int64"),
        event_type=merged["event_type"].astype(str),
    )
    out = (
        merged.groupby(["country_code", "year", "event_type"], dropna=False)
        .agg(events=("event_id", "count"), source_ids=("source_ids", _union_ids))
        .reset_index()
    )
    return out.sort_values(["country_code", "year", "event_type"], kind="stable").reset_index(
        drop=True
    )


# --- organisations ----------------------------------------------------------------------------


def organisations_by_deployment(
    deployment_organisations: pd.DataFrame,
    organisations: pd.DataFrame,
    citations: pd.DataFrame,
    roles: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Who plays which role in which deployment, with names and kinds.

    Returns:
        ``deployment_id``, ``role``, ``organisation_id``, ``organisation_name``,
        ``organisation_kind``, ``organisation_country_code``, ``note``, ``source_ids``.
    """
    roles_df = deployment_organisations
    if roles is not None:
        roles_df = roles_df[roles_df["role"].astype(str).isin(roles)]
    orgs = organisations[
        ["organisation_id", "organisation_name", "organisation_kind", "country_code"]
    ]
    out = roles_df.merge(
        orgs.rename(columns={"country_code": "organisation_country_code"}),
        on="organisation_id",
        how="left",
        validate="m:1",
    )
    out = with_source_ids(out, citations, "deployment_organisations", "role_id")
    cols = [
        "deployment_id",
        "role",
        "organisation_id",
        "organisation_name",
        "organisation_kind",
        "organisation_country_code",
        "note",
        "source_ids",
    ]
    return (
        out[cols]
        .sort_values(["deployment_id", "role", "organisation_name"], kind="stable")
        .reset_index(drop=True)
    )


def deployments_by_vendor_and_recipient_country(
    deployments: pd.DataFrame,
    deployment_organisations: pd.DataFrame,
    organisations: pd.DataFrame,
    citations: pd.DataFrame,
    roles: Sequence[str] = VENDOR_ROLES,
) -> pd.DataFrame:
    """Number of deployments per supplying organisation and recipient country.

    Returns:
        ``organisation_id``, ``organisation_name``, ``country_code``, ``deployments`` (count),
        ``deployment_ids`` (tuple) and ``source_ids`` (of the deployments and the role records),
        sorted by organisation then descending count.
    """
    orgs = organisations_by_deployment(deployment_organisations, organisations, citations, roles)
    deps = with_source_ids(
        deployments[["deployment_id", "country_code"]], citations, "deployments", "deployment_id"
    ).rename(columns={"source_ids": "deployment_source_ids"})
    merged = orgs.merge(deps, on="deployment_id", how="inner", validate="m:1")
    merged = merged.assign(
        all_ids=[
            tuple(a) + tuple(b)
            for a, b in zip(merged["source_ids"], merged["deployment_source_ids"], strict=True)
        ]
    )
    out = (
        merged.groupby(["organisation_id", "organisation_name", "country_code"], dropna=False)
        .agg(
            deployments=("deployment_id", "nunique"),
            deployment_ids=("deployment_id", lambda s: tuple(sorted(set(s)))),
            source_ids=("all_ids", _union_ids),
        )
        .reset_index()
    )
    return out.sort_values(
        ["organisation_id", "deployments", "country_code"],
        ascending=[True, False, True],
        kind="stable",
    ).reset_index(drop=True)


# --- durations --------------------------------------------------------------------------------


def days_in_use(
    deployments: pd.DataFrame,
    citations: pd.DataFrame,
    as_of: Any,
    categories: Sequence[str] | None = HEALTH_APP_CATEGORIES,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Days each deployment was in use, as a range when its dates are partial.

    ``days_min`` runs from the latest possible start to the earliest possible end, ``days_max``
    from the earliest start to the latest end (both counting the first and last day).

    * An open end (``end_kind == "open"``) runs to ``as_of``, the last date the data describe.
    * A deployment that stopped without a recorded end date (``"undocumented"``) gets only a
      lower bound: ``days_min`` runs to its last dated event and ``days_max`` is missing.

    Returns:
        ``deployment_id``, ``lane_label``, ``country_code``, ``category``, ``days_min``,
        ``days_max``, ``end_kind``, ``is_open_ended``, ``source_ids``, longest first.
    """
    rows = (
        deployments
        if categories is None
        else deployments[deployments["category"].astype(str).isin(categories)]
    )
    rows = timeline_rows(rows, citations, events=events)
    as_of = pd.Timestamp(as_of) if as_of is not None else pd.NaT
    open_ = rows["end_kind"] == "open"
    undocumented = rows["end_kind"] == "undocumented"
    last = rows["last_event_date"].where(
        rows["last_event_date"] > rows["start_date_latest"], rows["start_date_latest"]
    )
    end_lo = rows["end_date_earliest"].mask(open_, as_of).mask(undocumented, last)
    end_hi = rows["end_date_latest"].mask(open_, as_of)
    days_min = (end_lo - rows["start_date_latest"]).dt.days + 1
    days_max = (end_hi - rows["start_date_earliest"]).dt.days + 1
    out = rows.assign(
        days_min=days_min.clip(lower=0).astype("Int64"),
        days_max=days_max.clip(lower=0).astype("Int64"),
    )
    out = out[out["days_min"].notna()]
    out = out.assign(_key=out["days_max"].fillna(out["days_min"]))
    cols = [
        "deployment_id",
        "lane_label",
        "country_code",
        "category",
        "days_min",
        "days_max",
        "end_kind",
        "is_open_ended",
        "source_ids",
    ]
    return out.sort_values(["_key", "deployment_id"], ascending=[False, True], kind="stable")[
        cols
    ].reset_index(drop=True)


def health_code_comparison(
    deployments: pd.DataFrame,
    deployment_organisations: pd.DataFrame,
    organisations: pd.DataFrame,
    citations: pd.DataFrame,
    as_of: Any,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Health codes and contact-tracing apps side by side: dates, compulsion, police, days.

    Returns:
        One row per deployment of a health-app category: ``deployment_id``, ``title``,
        ``country_code``, ``category``, ``start_date``, ``end_date``, ``participation``,
        ``police_data_access``, ``operators``, ``vendors`` (names joined by "; "), ``days_min``,
        ``days_max``, ``end_kind``, ``is_open_ended``, ``source_ids`` (see :func:`days_in_use`);
        health codes first, then by start.
    """
    apps = deployments[deployments["category"].astype(str).isin(HEALTH_APP_CATEGORIES)]
    days = days_in_use(apps, citations, as_of, events=events)
    orgs = organisations_by_deployment(deployment_organisations, organisations, citations)

    def names(roles: Sequence[str]) -> pd.Series:
        picked = orgs[orgs["role"].astype(str).isin(roles)]
        return picked.groupby("deployment_id")["organisation_name"].agg(
            lambda s: "; ".join(sorted(set(s)))
        )

    cols = [
        "deployment_id",
        "title",
        "country_code",
        "category",
        "start_date",
        "start_date_earliest",
        "end_date",
        "participation",
        "police_data_access",
    ]
    out = apps[cols].merge(
        days[["deployment_id", "days_min", "days_max", "end_kind", "is_open_ended", "source_ids"]],
        on="deployment_id",
        how="left",
        validate="1:1",
    )
    out = out.assign(
        operators=out["deployment_id"].map(names(OPERATOR_ROLES)).fillna(""),
        vendors=out["deployment_id"].map(names(VENDOR_ROLES)).fillna(""),
        order=(out["category"].astype(str) != "health_code").astype(int),
    )
    out = out.sort_values(["order", "start_date_earliest", "deployment_id"], kind="stable")
    return out.drop(columns=["order", "start_date_earliest"]).reset_index(drop=True)


# --- figures ----------------------------------------------------------------------------------


def oxcgrt_h3_levels(
    figures: pd.DataFrame, deployments: pd.DataFrame, countries: Iterable[str] | None = None
) -> pd.DataFrame:
    """OxCGRT H3 (manual contact tracing) levels per jurisdiction and date, from imported rows.

    Only rows imported from OxCGRT (``origin_dataset == "oxcgrt"``) carry this metric; H3 does
    not record apps or health codes, so callers show it as context, never as an app indicator.

    Returns:
        ``deployment_id``, ``country_code``, ``place_name``, ``as_of_date``, ``level`` (int),
        ``origin_file``, ``origin_licence``, by country, jurisdiction and date.
    """
    cols = ["deployment_id", "country_code", "place_name", "as_of_date", "level", "origin_file",
            "origin_licence"]
    levels = figures[figures["metric"].astype(str) == "oxcgrt_h3_level"]
    out = levels.merge(deployments[["deployment_id", "country_code", "place_name"]],
                       on="deployment_id", how="left", validate="m:1")
    wanted = _as_list(countries)
    if wanted:
        out = out[out["country_code"].isin(wanted)]
    out = out.assign(level=out["value"].astype("Int64"))
    out = out.sort_values(["country_code", "place_name", "as_of_date_earliest"], kind="stable")
    return out[cols].reset_index(drop=True)


def figures_side_by_side(
    figures: pd.DataFrame,
    citations: pd.DataFrame,
    sources: pd.DataFrame,
    deployment_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Figures ready to show side by side: grouped by metric and dispute group, with who says so.

    Returns:
        The figure columns plus ``publishers`` (publisher names of the citing sources, joined by
        "; "), ``row_label`` ("<publishers>, <year>"), ``panel`` (one per quantity: deployment
        and dispute group, else deployment, metric and unit) and ``source_ids``; sorted by
        deployment,
        metric, dispute group and value.
    """
    out = figures
    if deployment_ids is not None:
        out = out[out["deployment_id"].isin(list(deployment_ids))]
    out = with_source_ids(out, citations, "figures", "figure_id")
    publisher = sources.set_index("source_id")["publisher_name"]
    pubs = ["; ".join(sorted({str(publisher.get(s, s)) for s in ids})) for ids in out["source_ids"]]
    years = out["as_of_date_earliest"].dt.year
    labels = [f"{p}, {int(y)}" if pd.notna(y) else p for p, y in zip(pubs, years, strict=True)]
    # A panel holds the values of one quantity: a dispute group, else one metric and unit.
    panel = (
        out["deployment_id"].astype(str)
        + "|"
        + out["dispute_group"].fillna(out["metric"].astype(str) + "|" + out["unit"].astype(str))
    )
    out = out.assign(
        publishers=pubs,
        row_label=labels,
        panel=panel,
        dispute_key=out["dispute_group"].fillna(out["figure_id"]),
    )
    return (
        out.sort_values(
            ["deployment_id", "metric", "dispute_key", "value", "figure_id"], kind="stable"
        )
        .drop(columns="dispute_key")
        .reset_index(drop=True)
    )


def disputed_figure_groups(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per dispute group: how many values, lowest and highest, in which unit.

    Returns:
        ``deployment_id``, ``dispute_group``, ``metric``, ``unit``, ``values`` (count),
        ``value_min``, ``value_max`` (highest of ``value`` and ``value_upper``).
    """
    rows = figures[figures["dispute_group"].notna()]
    rows = rows.assign(high=rows[["value", "value_upper"]].max(axis=1))
    out = (
        rows.groupby(["deployment_id", "dispute_group"], observed=True)
        .agg(
            metric=("metric", "first"),
            unit=("unit", "first"),
            values=("figure_id", "count"),
            value_min=("value", "min"),
            value_max=("high", "max"),
        )
        .reset_index()
    )
    return out.assign(metric=out["metric"].astype(str), unit=out["unit"].astype(str))


# --- sources and counts -----------------------------------------------------------------------


def sources_cited(sources: pd.DataFrame, source_ids: Iterable[Any]) -> pd.DataFrame:
    """The ``sources`` rows for the given ids (or tuples of ids), by publisher, date and id."""
    ids = _union_ids([source_ids] if isinstance(source_ids, str) else source_ids)
    out = sources[sources["source_id"].isin(ids)]
    out = out.assign(_key=out["publisher_name"].astype(object).str.casefold())
    return (
        out.sort_values(["_key", "published_date_earliest", "source_id"], kind="stable")
        .drop(columns="_key")
        .reset_index(drop=True)
    )


def source_list_items(sources: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Items for ``report.sources``: one per source, "Publisher, date. Title." and its URL.

    Mirrors are labelled as copies, so a reader knows the link is not the original publisher's.
    """
    from policylens import i18n

    t = i18n.translator(lang)
    items = []
    for row in sources.itertuples(index=False):
        date = (
            t.partial_date(row.published_date) if isinstance(row.published_date, str) else t("n.d.")
        )
        title = str(row.source_title)
        text = f"{row.publisher_name}, {date.rstrip('.')}. {title}" + (
            "" if title.endswith((".", "?", "!")) else "."
        )
        if pd.notna(row.is_mirror) and bool(row.is_mirror):
            text += " " + t("(Copy of the original on another site.)")
        items.append(
            {
                "source_id": row.source_id,
                "text": text,
                "url": row.url if isinstance(row.url, str) else None,
            }
        )
    return items


def deployment_counts(deployments: pd.DataFrame) -> pd.DataFrame:
    """Number of deployments per country and category (for summaries)."""
    out = (
        deployments.assign(category=deployments["category"].astype(str))
        .groupby(["country_code", "category"], dropna=False)
        .size()
        .rename("deployments")
        .reset_index()
    )
    return out.sort_values(["country_code", "category"], kind="stable").reset_index(drop=True)
