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
# # Comparative timeline
#
# One lane per deployment from its start to its end, with the events of its life as markers
# (launch, regulator opinion, court ruling, sanction, suspension, end), for the countries,
# categories and period chosen. Everything a reader sees goes through `policylens.report`.

# %% tags=["parameters"]
lang = "en"
countries = []  # ISO codes, e.g. ["FR", "GB"]; empty: every country
categories = ["facial_recognition", "biometric_access_control"]  # category codes; empty: all
start = ""  # first year of interest, e.g. "2019"; empty: no limit
end = ""  # last year of interest; empty: no limit

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
KEY_EVENT_TYPES = (
    "launched",
    "regulator_opinion",
    "regulator_inspection",
    "regulator_sanction",
    "court_filing",
    "court_ruling",
    "legislation",
    "suspended",
    "ended",
)
OVERSIGHT_TYPES = (
    "regulator_opinion",
    "regulator_inspection",
    "regulator_sanction",
    "court_filing",
    "court_ruling",
)

# %%
selected = C.deployments_in_selection(data.deployments, countries, categories, start, end)
lanes = C.timeline_rows(selected, data.citations, events=data.events)
events = C.timeline_events(data.events, data.citations, lanes["deployment_id"])
as_of = C.as_of_date(data.events, data.sources)


def selection_text() -> str:
    """The selection in words, for the subtitle."""
    where = t.list([t.country(c) for c in countries]) if countries else t("all countries")
    what = (
        t.list([t.label("category", c, inline=True) for c in categories])
        if categories
        else t("all categories")
    )
    if start and end:
        when = t("{start} to {end}", start=start, end=end)
    elif start:
        when = t("from {start}", start=start)
    elif end:
        when = t("until {end}", end=end)
    else:
        when = t("all years")
    return f"{where} · {what} · {when}"


R.title(
    t("Comparative timeline of surveillance deployments"),
    subtitle=selection_text(),
    meta={
        "brief": "comparative_timeline",
        "lang": lang,
        "data_version": data.version,
        "parameters": {
            "countries": ",".join(countries),
            "categories": ",".join(categories),
            "start": start,
            "end": end,
        },
    },
)

# %%
if lanes.empty:
    R.note(
        t(
            "No deployment in the dataset matches this selection, so there is no timeline to "
            "draw. Try more countries, more categories or a longer period."
        )
    )
else:
    n_countries = lanes["country_code"].nunique()
    first = lanes.loc[lanes["start_date_earliest"].idxmin()]
    oversight = events[events["event_type"].astype(str).isin(OVERSIGHT_TYPES)]
    with_oversight = oversight["deployment_id"].nunique()
    open_ended = int((lanes["end_kind"] == "open").sum())
    undated_end = int((lanes["end_kind"] == "undocumented").sum())
    R.heading(t("Summary"))
    R.bullets(
        [
            t.n(
                "{n} deployment in {countries}, the first starting {date} ({title}).",
                "{n} deployments in {countries}, the first starting {date} ({title}).",
                len(lanes),
                countries=t.n("{n} country", "{n} countries", n_countries)
                if n_countries > 1
                else t.country(lanes["country_code"].iloc[0]),
                date=t.partial_date(first["start_date"]),
                title=first["title"],
            ),
            t.n(
                "{n} dated event is recorded for them.",
                "{n} dated events are recorded for them.",
                len(events),
            ),
            t(
                "{k} of {n} drew at least one regulator or court action.",
                k=t.number(with_oversight),
                n=t.number(len(lanes)),
            ),
            t.n(
                "{n} has no documented end and may still be running.",
                "{n} have no documented end and may still be running.",
                open_ended,
            ),
        ]
        + (
            [
                t.n(
                    "{n} stopped on a date the sources do not give.",
                    "{n} stopped on dates the sources do not give.",
                    undated_end,
                )
            ]
            if undated_end
            else []
        )
    )

# %%
if not lanes.empty:
    if with_oversight:
        finding = t(
            "Regulators or courts acted on {k} of {n} deployments",
            k=t.number(with_oversight),
            n=t.number(len(lanes)),
        )
    else:
        finding = t(
            "No regulator or court action is recorded for these {n} deployments",
            n=t.number(len(lanes)),
        )
    fig = P.timeline(
        lanes,
        events,
        lang=lang,
        title=finding,
        sources=data.sources,
        as_of=as_of,
        subtitle=t("Each lane runs from start to end; markers are dated events"),
        source_note=False,
    )
    R.figure(
        fig,
        caption=t(
            "Deployments from start to end, with their events. Hatched ends are "
            "dates known only to the month or year; hollow markers are events not "
            "dated to the day."
        ),
        source_line=P.source_line_of(fig),
    )

# %%
if not lanes.empty:
    counts = events.groupby("deployment_id").size()
    table = pd.DataFrame(
        {
            t("Deployment"): lanes["title"],
            t("Country"): [t.country(c) for c in lanes["country_code"]],
            t("Category"): [t.label("category", c) for c in lanes["category"]],
            t("Start"): [t.partial_date(d) for d in lanes["start_date"]],
            t("End"): [
                t.partial_date(d) if isinstance(d, str) else t("none documented")
                for d in lanes["end_date"]
            ],
            t("Status"): [t.label("status", s) for s in lanes["status"]],
            t("Events"): [t.number(counts.get(d, 0)) for d in lanes["deployment_id"]],
        }
    )
    R.table(
        table,
        caption=t("Deployments in the timeline"),
        source_line=P.source_line(lanes["source_ids"], data.sources, lang),
    )

# %%
key = events[events["event_type"].astype(str).isin(KEY_EVENT_TYPES)] if not lanes.empty else events
if not lanes.empty and key.empty:
    R.note(
        t(
            "None of these deployments has a recorded launch, regulator, court, suspension or end "
            "event."
        )
    )
elif not lanes.empty:
    titles = lanes.set_index("deployment_id")["title"]
    R.heading(t("Key events"))
    if lang != "en":
        R.note(t("Event descriptions come from the records and are in English."))
    R.table(
        key_events_table(key, titles, t),
        caption=t("Launches, regulator and court actions, suspensions and ends, in date order"),
        source_line=P.source_line(key["source_ids"], data.sources, lang),
    )

# %%
cited = C.sources_cited(data.sources, list(lanes["source_ids"]) + list(events["source_ids"]))
if not cited.empty:
    R.sources(C.source_list_items(cited, lang), heading=t("Sources"))
