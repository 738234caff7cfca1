# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Country profile
#
# Everything the dataset documents about one country: its deployments, who runs and supplies
# them, the key events, the figures with how well the evidence supports them, and the sources.

# %% tags=["parameters"]
lang = "en"
country = "FR"  # ISO 3166-1 alpha-2 code

# %%
import pandas as pd

import policylens
from policylens import compare as C
from policylens import i18n
from policylens import plots as P
from policylens import report as R
from policylens.brief_tables import key_events_table

t = i18n.translator(lang)
data = policylens.load()
country = country.upper()
KEY_EVENT_TYPES = (
    "launched",
    "suspended",
    "ended",
    "legislation",
    "regulator_opinion",
    "regulator_inspection",
    "regulator_sanction",
    "court_filing",
    "court_ruling",
)

# %%
selected = C.deployments_in_selection(data.deployments, countries=[country])
# One country: the lane label needs no country suffix.
lanes = C.timeline_rows(selected, data.citations, events=data.events, label=lambda r: r["title"])
ids = list(lanes["deployment_id"])
events = C.timeline_events(data.events, data.citations, ids)
roles = C.organisations_by_deployment(
    data.deployment_organisations[data.deployment_organisations["deployment_id"].isin(ids)],
    data.organisations,
    data.citations,
)
figures = C.figures_side_by_side(data.figures, data.citations, data.sources, ids)
as_of = C.as_of_date(data.events, data.sources)
titles = lanes.set_index("deployment_id")["title"] if len(lanes) else pd.Series(dtype=object)

R.title(
    t("Country profile: {country}", country=t.country(country)),
    subtitle=t(
        "Documented surveillance deployments, who runs and supplies them, and what "
        "regulators and courts did"
    ),
    meta={
        "brief": "country_profile",
        "lang": lang,
        "data_version": data.version,
        "parameters": {"country": country},
    },
)

# %%
if lanes.empty:
    R.note(
        t(
            "The dataset documents no deployment in {country}, so there is nothing to profile.",
            country=t.country(country),
        )
    )
else:
    cats = lanes["category"].astype(str).value_counts()
    disputed = figures[figures["support_status"].astype(str) == "disputed"]
    unsupported = figures[figures["support_status"].astype(str).isin(("unverified", "refuted"))]
    vendors = roles[roles["role"].astype(str).isin(C.VENDOR_ROLES)]["organisation_name"].nunique()
    R.heading(t("Summary"))
    R.bullets(
        [
            t.n(
                "{n} deployment is documented in {country}: {kinds}.",
                "{n} deployments are documented in {country}: {kinds}.",
                len(lanes),
                country=t.country(country),
                kinds=t.list(
                    [
                        f"{t.label('category', c, inline=True)} ({t.number(k)})"
                        for c, k in cats.items()
                    ]
                ),
            ),
            t.n(
                "It started {first} and has no documented end.",
                "The first started {first}; at least one has no documented end.",
                len(lanes),
                first=t.partial_date(
                    lanes.loc[lanes["start_date_earliest"].idxmin(), "start_date"]
                ),
            )
            if lanes["is_open_ended"].any()
            else t.n(
                "It ran from {first} to {last}.",
                "They ran from {first} to {last}.",
                len(lanes),
                first=t.partial_date(
                    lanes.loc[lanes["start_date_earliest"].idxmin(), "start_date"]
                ),
                last=t.partial_date(lanes.loc[lanes["end_date_latest"].idxmax(), "end_date"]),
            ),
            t.n("{n} dated event is recorded.", "{n} dated events are recorded.", len(events)),
            t.n(
                "{n} supplying company or body is named.",
                "{n} supplying companies or bodies are named.",
                vendors,
            ),
        ]
        + (
            [
                t(
                    "{n} figures are recorded: {d} disputed, {u} unverified or refuted.",
                    n=t.number(len(figures)),
                    d=t.number(len(disputed)),
                    u=t.number(len(unsupported)),
                )
            ]
            if len(figures)
            else [t("No figure is recorded for these deployments.")]
        )
    )

# %%
if not lanes.empty:
    n_open = int(lanes["is_open_ended"].sum())
    finding = (
        t.n(
            "{n} of {total} deployments has no documented end",
            "{n} of {total} deployments have no documented end",
            n_open,
            total=t.number(len(lanes)),
        )
        if n_open
        else t("Every deployment documented here has an end date")
    )
    if len(lanes) == 1:
        finding = t.n(
            "One deployment, {n} dated event", "One deployment, {n} dated events", len(events)
        )
    fig = P.timeline(
        lanes,
        events,
        lang=lang,
        title=finding,
        sources=data.sources,
        as_of=as_of,
        source_note=False,
    )
    R.figure(
        fig,
        caption=t(
            "Deployments in {country} from start to end, with their events.",
            country=t.country(country),
        ),
        source_line=P.source_line_of(fig),
    )

# %%
if not lanes.empty:
    R.heading(t("Deployments"))
    R.table(
        pd.DataFrame(
            {
                t("Deployment"): selected.set_index("deployment_id").loc[ids, "title"].to_list(),
                t("Place"): selected.set_index("deployment_id").loc[ids, "place_name"].to_list(),
                t("Category"): [t.label("category", c) for c in lanes["category"]],
                t("Status"): [t.label("status", s) for s in lanes["status"]],
                t("Start"): [t.partial_date(d) for d in lanes["start_date"]],
                t("End"): [
                    t.partial_date(d) if isinstance(d, str) else t("none documented")
                    for d in lanes["end_date"]
                ],
                t("Participation"): [
                    t.label("participation", v)
                    for v in selected.set_index("deployment_id").loc[ids, "participation"]
                ],
                t("Police access to data"): [
                    t.label("police_data_access", v)
                    for v in selected.set_index("deployment_id").loc[ids, "police_data_access"]
                ],
            }
        ),
        caption=t("Deployments documented in {country}", country=t.country(country)),
        source_line=P.source_line(lanes["source_ids"], data.sources, lang),
    )

# %%
if not lanes.empty:
    R.heading(t("Operators and vendors"))
    if roles.empty:
        R.note(t("No organisation is named for these deployments."))
    else:
        R.table(
            pd.DataFrame(
                {
                    t("Deployment"): [titles[d] for d in roles["deployment_id"]],
                    t("Role"): [t.label("role", r) for r in roles["role"]],
                    t("Organisation"): roles["organisation_name"],
                    t("Kind"): [
                        t.label("organisation_kind", k) for k in roles["organisation_kind"]
                    ],
                    t("Based in"): [
                        t.country(c) if isinstance(c, str) else ""
                        for c in roles["organisation_country_code"]
                    ],
                }
            ),
            caption=t("Who runs, supplies, oversees or challenges each deployment"),
            source_line=P.source_line(roles["source_ids"], data.sources, lang),
        )

# %%
key = events[events["event_type"].astype(str).isin(KEY_EVENT_TYPES)]
if not lanes.empty:
    R.heading(t("Key events"))
    if key.empty:
        R.note(t("No launch, regulator, court, suspension or end event is recorded."))
    else:
        if lang != "en":
            R.note(t("Event descriptions come from the records and are in English."))
        R.table(
            key_events_table(key, titles, t),
            caption=t("Launches, regulator and court actions, suspensions and ends, in date order"),
            source_line=P.source_line(key["source_ids"], data.sources, lang),
        )


# %%
def value_text(row) -> str:
    """The value as the source states it: bound, approximation or range."""
    value = t.number(row["value"])
    q = str(row["qualifier"])
    if q == "range" and pd.notna(row["value_upper"]):
        value = f"{value}–{t.number(row['value_upper'])}"
    elif q in ("about", "at_least", "at_most"):
        value = f"{t.label('qualifier', q).lower()} {value}"
    unit = str(row["unit"])
    return value if unit == "count" else f"{value} ({t.label('unit', unit)})"


if not lanes.empty:
    R.heading(t("Figures and how well they are supported"))
    if figures.empty:
        R.note(t("No figure is recorded for these deployments."))
    else:
        R.table(
            pd.DataFrame(
                {
                    t("Deployment"): [titles[d] for d in figures["deployment_id"]],
                    t("What"): [t.label("metric", m) for m in figures["metric"]],
                    t("Value"): [value_text(r) for _i, r in figures.iterrows()],
                    t("In the source's words"): figures["value_text"].fillna(""),
                    t("Date"): [t.partial_date(d) for d in figures["as_of_date"]],
                    t("Who says so"): [t.label("figure_basis", b) for b in figures["figure_basis"]],
                    t("Support"): [t.label("support_status", s) for s in figures["support_status"]],
                    t("Reported by"): figures["publishers"],
                }
            ),
            caption=t(
                "Figures as stated by their sources; values that disagree are listed "
                "separately, never averaged"
            ),
            source_line=P.source_line(figures["source_ids"], data.sources, lang),
        )
        groups = figures[figures["dispute_group"].notna()]
        groups = groups.assign(panel_label=[titles[d] for d in groups["deployment_id"]])
        if not groups.empty:
            n_groups = groups["panel"].nunique()
            fig = P.figure_values_chart(
                groups,
                lang=lang,
                sources=data.sources,
                source_note=False,
                title=t.n(
                    "Sources disagree on {n} quantity",
                    "Sources disagree on {n} quantities",
                    n_groups,
                ),
            )
            R.figure(
                fig,
                caption=t(
                    "Disputed figures side by side, one row per stated value; colour "
                    "gives the support status."
                ),
                source_line=P.source_line_of(fig),
            )

# %%
shown = (
    list(lanes["source_ids"])
    + list(events["source_ids"])
    + list(roles["source_ids"])
    + list(figures["source_ids"])
)
cited = C.sources_cited(data.sources, shown)
if not cited.empty:
    R.heading(t("Sources by kind"))
    kinds = cited.assign(kind=cited["source_kind"].astype(str)).groupby("kind").size()
    R.table(
        pd.DataFrame(
            {
                t("Kind of source"): [t.label("source_kind", k) for k in kinds.index],
                t("Sources"): [t.number(v) for v in kinds.to_numpy()],
            }
        ),
        caption=t("The sources of this profile by kind of publisher"),
        source_line=P.source_line(cited["source_id"], data.sources, lang),
    )
    R.sources(C.source_list_items(cited, lang), heading=t("Sources"))
