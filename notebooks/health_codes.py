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
# # China's health codes and contact-tracing apps elsewhere
#
# Launch and end dates, whether people could refuse them, whether police could use their data,
# and how long they were in use. Durations are ranges when an end date is known only to the
# month or the year, and open-ended apps are counted to the last date the data describe.

# %% tags=["parameters"]
lang = "en"
countries = []  # ISO codes to compare, e.g. ["CN", "SG"]; empty: every country with such an app
# Folders written by `policylens import oxcgrt FILE --out DIR`: their OxCGRT H3 (manual contact
# tracing) levels are shown as context for the countries compared. Empty: no context section.
imported = []

# %%
import pandas as pd

import policylens
from policylens import citations
from policylens import compare as C
from policylens import i18n
from policylens import plots as P
from policylens import report as R

t = i18n.translator(lang)
data = policylens.load()
if imported:
    from policylens.importers import combine

    data = combine(data, *imported)

# %%
apps_all = C.deployments_in_selection(
    data.deployments, countries=countries, categories=list(C.HEALTH_APP_CATEGORIES)
)
as_of = C.as_of_date(data.events, data.sources)
table = C.health_code_comparison(
    apps_all,
    data.deployment_organisations,
    data.organisations,
    data.citations,
    as_of,
    events=data.events,
)


def lane_label(row) -> str:
    """The app's title, with its country unless the title already names it."""
    name = t.country(row["country_code"])
    named = name in row["title"] or i18n.country(row["country_code"], "en") in row["title"]
    return row["title"] if named else f"{row['title']} ({name})"


lanes = C.timeline_rows(apps_all, data.citations, events=data.events, label=lane_label)
lanes = (
    lanes.assign(order=(lanes["category"].astype(str) != "health_code").astype(int))
    .sort_values(["order", "start_date_earliest"], kind="stable")
    .drop(columns="order")
    .reset_index(drop=True)
)
events = C.timeline_events(data.events, data.citations, lanes["deployment_id"])
days = C.days_in_use(apps_all, data.citations, as_of, events=data.events)
days = days.assign(
    lane_label=days["deployment_id"].map(lanes.set_index("deployment_id")["lane_label"])
)
codes = table[table["category"].astype(str) == "health_code"]
tracing = table[table["category"].astype(str) == "contact_tracing_app"]

R.title(
    t("China's health codes and contact-tracing apps elsewhere"),
    subtitle=t("Launch and end, compulsion, police access to the data, and days in use"),
    meta={
        "brief": "health_codes",
        "lang": lang,
        "data_version": data.version,
        "parameters": {"countries": ",".join(countries)},
    },
)


# %%
def days_range(row) -> str:
    """Days in use as a number, a range, or a lower bound when the end date is missing."""
    if pd.isna(row["days_max"]):
        return t("at least {days}", days=t.number(row["days_min"]))
    if row["days_min"] == row["days_max"]:
        return t.number(row["days_min"])
    return f"{t.number(row['days_min'])}–{t.number(row['days_max'])}"


if table.empty:
    R.note(
        t(
            "The dataset has no health code or contact-tracing app for this selection, so there is "
            "nothing to compare."
        )
    )
else:
    police = table[table["police_data_access"].astype(str) == "documented"]
    mandatory = table[table["participation"].astype(str).isin(("mandatory", "mixed"))]
    unknown = table[table["participation"].astype(str) == "unknown"]
    longest = days.iloc[0]
    R.heading(t("Summary"))
    R.bullets(
        [
            t(
                "{codes} and {apps} are compared.",
                codes=t.n("{n} health code", "{n} health codes", len(codes)),
                apps=t.n("{n} contact-tracing app", "{n} contact-tracing apps", len(tracing)),
            ),
            t(
                "Police access to the data is documented for {k} of {n}: {names}.",
                k=t.number(len(police)),
                n=t.number(len(table)),
                names=t.list(police["title"]) if len(police) else t("none"),
            )
            if len(police)
            else t("Police access to the data is documented for none of them."),
            t(
                "Use was mandatory, or mandatory for some people, for {k} of {n}; the sources do "
                "not say for {u}.",
                k=t.number(len(mandatory)),
                n=t.number(len(table)),
                u=t.number(len(unknown)),
            )
            if len(unknown)
            else t(
                "Use was mandatory, or mandatory for some people, for {k} of {n}.",
                k=t.number(len(mandatory)),
                n=t.number(len(table)),
            ),
            t(
                "Longest in use: {title}, {days} days{open}.",
                title=longest["lane_label"],
                days=days_range(longest),
                open=t(
                    " and counting at the last date documented ({date})",
                    date=t.date(as_of, "month"),
                )
                if longest["end_kind"] == "open"
                else "",
            ),
        ]
    )
    if codes.empty:
        R.note(
            t("No Chinese health code is in this selection; only contact-tracing apps are shown.")
        )
    elif tracing.empty:
        R.note(t("No contact-tracing app is in this selection; only health codes are shown."))

# %%
if not table.empty:
    starts = lanes.groupby(lanes["category"].astype(str))["start_date_earliest"].min()
    if {"health_code", "contact_tracing_app"} <= set(starts.index):
        gap = (starts["contact_tracing_app"] - starts["health_code"]).days
        finding = (
            t.n(
                "The first health code came {n} day before the first tracing app shown",
                "The first health code came {n} days before the first tracing app shown",
                gap,
            )
            if gap >= 0
            else t.n(
                "The first tracing app shown came {n} day before the first health code",
                "The first tracing app shown came {n} days before the first health code",
                -gap,
            )
        )
    else:
        first = lanes.loc[lanes["start_date_earliest"].idxmin()]
        finding = t("First launch: {date}", date=t.partial_date(first["start_date"]))
    fig = P.timeline(
        lanes,
        events,
        lang=lang,
        sources=data.sources,
        as_of=as_of,
        source_note=False,
        title=finding,
        subtitle=t(
            "Health codes first, then contact-tracing apps; each lane runs from launch to end"
        ),
    )
    R.figure(
        fig,
        caption=t(
            "Launch to end of each app, with its dated events (launch, laws and "
            "decisions, statements, end)."
        ),
        source_line=P.source_line_of(fig),
    )

# %%
if not days.empty:
    top = days.iloc[0]
    fig = P.days_in_use_chart(
        days,
        lang=lang,
        sources=data.sources,
        as_of=as_of,
        source_note=False,
        title=t(
            "Longest in use: {kind} ({country}), {days} days",
            kind=t.label("category", top["category"]),
            country=t.country(top["country_code"]),
            days=days_range(top),
        ),
    )
    R.figure(
        fig,
        caption=t(
            "Days in use from launch to end. A hatched range means the end date is "
            "known only to the month or year; an app with no documented end is "
            "counted to the last date the data describe."
        ),
        source_line=P.source_line_of(fig),
    )


# %%
def days_text(row) -> str:
    """Days in use for the table, saying when the end is open or undocumented."""
    if row["end_kind"] == "undocumented":
        return t("{days} (end date not documented)", days=days_range(row))
    if row["end_kind"] == "open":
        return t("{days} (no end documented)", days=days_range(row))
    return days_range(row)


if not table.empty:
    R.heading(t("Side by side"))
    R.table(
        pd.DataFrame(
            {
                t("App"): table["title"],
                t("Country"): [t.country(c) for c in table["country_code"]],
                t("Kind"): [t.label("category", c) for c in table["category"]],
                t("Launch"): [t.partial_date(d) for d in table["start_date"]],
                t("End"): [
                    t.partial_date(d) if isinstance(d, str) else t("none documented")
                    for d in table["end_date"]
                ],
                t("Participation"): [t.label("participation", v) for v in table["participation"]],
                t("Police access to data"): [
                    t.label("police_data_access", v) for v in table["police_data_access"]
                ],
                t("Days in use"): [days_text(r) for _i, r in table.iterrows()],
                t("Operator"): table["operators"],
                t("Vendor or developer"): table["vendors"],
            }
        ),
        caption=t(
            "Health codes and contact-tracing apps: dates, compulsion, police access and duration"
        ),
        source_line=P.source_line(table["source_ids"], data.sources, lang),
    )
    R.note(
        t(
            "Participation and police access are coded from what the sources say: "
            "\u201cUnknown\u201d means the sources checked do not say, not that there was none."
        )
    )

# %%
H3_LEVELS = {
    0: t("No contact tracing"),
    1: t("Limited contact tracing, not done for all cases"),
    2: t("Comprehensive contact tracing, done for all identified cases"),
}
compared = countries or sorted(set(apps_all["country_code"]))
h3 = C.oxcgrt_h3_levels(data.figures, data.deployments, compared)
if imported:
    R.heading(t("Context: manual contact tracing in OxCGRT (not apps)"))
    R.note(
        t(
            "OxCGRT indicator H3 records manual contact tracing only; contact-tracing apps and "
            "health codes are not recorded under it. It is context for the apps above, not a "
            "measure of them."
        )
    )
    if h3.empty:
        R.paragraph(t("The imported data holds no H3 level for the countries compared."))
    else:
        R.table(
            pd.DataFrame(
                {
                    t("Country"): [t.country(c) for c in h3["country_code"]],
                    t("Jurisdiction"): h3["place_name"],
                    t("From"): [t.partial_date(d) for d in h3["as_of_date"]],
                    t("H3 level"): [f"{lvl} \u2013 {H3_LEVELS[int(lvl)]}" for lvl in h3["level"]],
                }
            ),
            caption=t("OxCGRT H3 level changes for the countries compared"),
            source_line=t(
                "Source: Oxford COVID-19 Government Response Tracker (OxCGRT), indicator H3, "
                "{licence}; imported from {files}",
                licence=", ".join(sorted(set(h3["origin_licence"].dropna()))),
                files=", ".join(sorted(set(h3["origin_file"].dropna()))),
            ),
        )

# %%
# The apps shown, their events, operators and vendors: the same records `policylens cite --brief`
# lists, so a reader's reference manager gets exactly this list.
cited = C.sources_cited(
    data.sources, citations.sources_for_brief("health_codes", {"countries": countries}, data)
)
if not cited.empty:
    R.sources(C.source_list_items(cited, lang), heading=t("Sources"))
