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
# # Facial recognition in French cities: the legal timeline and the camera counts
#
# Deployments in France (Nice, Marseille, Valenciennes, Saint-Étienne and others): the opinions,
# inspections and sanctions of the CNIL and the court rulings on each, and the camera counts
# with their disagreements kept side by side. Every number in the text is computed from the
# tables below it.

# %% tags=["parameters"]
lang = "en"  # en or fr
# Category codes (vocab.CATEGORY) of the French deployments to include.
categories = [
    "facial_recognition", "biometric_access_control", "safe_city_platform", "video_surveillance",
    "sound_surveillance", "data_platform",
]
since = 2010  # first year of interest: deployments still running in or after it

# %%
import re

import pandas as pd

import policylens
from policylens import audit, compare, plots, report as R
from policylens.brief_sources import compact_source_line, source_items
from policylens.i18n_evidence import translator

t = translator(lang)
data = policylens.load()
COUNTRY = "FR"
LEGAL_TYPES = ["regulator_opinion", "regulator_inspection", "regulator_sanction", "court_filing",
               "court_ruling", "legislation", "suspended", "ended"]
CONTEXT_TYPES = ["test", "launched", "contract_signed"]
REGULATOR_TYPES = ["regulator_opinion", "regulator_inspection", "regulator_sanction"]
COURT_TYPES = ["court_filing", "court_ruling"]

# %%
deployments = data.deployments[
    (data.deployments["country_code"] == COUNTRY)
    & data.deployments["category"].astype("object").isin(categories)
    & (data.deployments["end_date_latest"].isna() | (data.deployments["end_date_latest"].dt.year >= since))
].sort_values(["start_date_earliest", "deployment_id"], ignore_index=True)
ids = list(deployments["deployment_id"])
events = data.events[data.events["deployment_id"].isin(ids)].astype({"event_type": "object"})
legal = events[events["event_type"].isin(LEGAL_TYPES) & (events["event_date_latest"].dt.year >= since)
               ].sort_values(["event_date_earliest", "event_id"], ignore_index=True)
figures = data.figures[data.figures["deployment_id"].isin(ids)].astype(
    {"metric": "object", "support_status": "object", "figure_basis": "object", "qualifier": "object"})
disputed = audit.disputed_figures(figures, data.citations)
shown_figures = figures[(figures["metric"] == "cameras")
                        | figures["figure_id"].isin(disputed["figure_id"])]


def short_place(name):
    """A place name without its parenthesised detail, short enough for a chart label."""
    return re.sub(r"\s*\([^)]*\)", "", str(name)).strip() or str(name)


lane_of = {r.deployment_id: f"{short_place(r.place_name)} \u00b7 {t.label('category', r.category)}"
           for r in deployments.itertuples()}
# Two deployments of one kind in one place (Nice's camera network and a trial app) are told apart
# by their start year.
_repeated = pd.Series(lane_of).duplicated(keep=False)
lane_of = {d: (f"{label} ({deployments.set_index('deployment_id').loc[d, 'start_date'][:4]})"
               if _repeated[d] else label) for d, label in lane_of.items()}


def short_publishers(publishers, year):
    """"France Bleu +2, 2019": the first publisher and how many more, so a chart label stays one line."""
    names = [p for p in str(publishers).split("; ") if p]
    head = names[0] if names else ""
    more = f" +{len(names) - 1}" if len(names) > 1 else ""
    return f"{head}{more}, {year}" if year else f"{head}{more}"


def readable_log_axes(fig):
    """Decade ticks on any log-scaled panel, so that tick labels never pile up."""
    from matplotlib.ticker import LogLocator, NullFormatter

    for ax in fig.axes:
        if ax.get_xscale() == "log":
            ax.xaxis.set_major_locator(LogLocator(base=10))
            ax.xaxis.set_minor_formatter(NullFormatter())
    return fig


orgs = data.organisations.set_index(data.organisations["organisation_id"].astype("object"))


def actor_name(org_id):
    """Short name of the acting organisation ("CNIL" for a name ending in "(CNIL)"), or ""."""
    if not (isinstance(org_id, str) and org_id in orgs.index):
        return ""
    name = str(orgs.loc[org_id, "organisation_name"])
    acronym = re.search(r"\(([A-Z][A-Za-z&]{1,9})\)$", name)
    return acronym.group(1) if acronym else name


# %%
R.title(t("Facial recognition in French cities: legal timeline and camera counts"),
        subtitle=t("Deployments in France, CNIL actions, court rulings and disputed figures"),
        meta={"brief": "facial_recognition_france", "lang": lang, "data_version": data.version,
              "parameters": {"categories": ", ".join(categories), "since": since}})

# %%
if deployments.empty:
    R.note(t("No deployment in France matches this selection (categories: {categories}; since {since})."
             " There is nothing to chart.",
             categories=t.list(t.label("category", c) for c in categories), since=since))
else:
    places = sorted({short_place(p) for p in deployments["place_name"].dropna()})
    regulator_actions = int(legal["event_type"].isin(REGULATOR_TYPES).sum())
    rulings = int((legal["event_type"] == "court_ruling").sum())
    camera_figures = int((figures["metric"] == "cameras").sum())
    groups = disputed[["deployment_id", "dispute_group"]].drop_duplicates()
    R.heading(t("Summary"))
    R.bullets([
        t.n("{n} deployment is documented in France: {places}.",
            "{n} deployments are documented in France: {places}.", len(deployments),
            places=t.list(places)),
        t.n("{n} action by the CNIL or another regulator (opinion, inspection or sanction).",
            "{n} actions by the CNIL or other regulators (opinions, inspections or sanctions).",
            regulator_actions),
        t.n("{n} court ruling.", "{n} court rulings.", rulings),
        t.n("{n} camera count is recorded.", "{n} camera counts are recorded.", camera_figures),
        t.n("{n} quantity has values that sources disagree on; they are shown side by side below.",
            "{n} quantities have values that sources disagree on; they are shown side by side below.",
            len(groups)),
    ])
    R.table(pd.DataFrame({
        t("Place"): deployments["place_name"],
        t("Deployment"): deployments["title"],
        t("Category"): [t.label("category", c) for c in deployments["category"]],
        t("Status"): [t.label("status", s) for s in deployments["status"]],
        t("Start"): [t.partial_date(d) for d in deployments["start_date"]],
        t("End"): [t.partial_date(d) for d in deployments["end_date"]],
    }), caption=t("Deployments in this brief"),
        source_line=compact_source_line(audit.cited_source_ids(data.citations, ids), data.sources, lang))

# %%
if not deployments.empty:
    R.heading(t("Legal timeline"))
    lanes = compare.timeline_rows(deployments, data.citations, label=lambda r: lane_of[r["deployment_id"]],
                                  events=data.events)
    marked = compare.timeline_events(events, data.citations, ids, LEGAL_TYPES + CONTEXT_TYPES)
    if legal.empty:
        R.note(t("No regulator or court action is recorded for these deployments."))
    acting = legal[legal["event_type"].isin(REGULATOR_TYPES + COURT_TYPES)]
    title = (t("{n} regulator and court actions, {start} to {end}", n=t.number(len(acting)),
               start=t.date(acting["event_date_earliest"].min(), "year"),
               end=t.date(acting["event_date_latest"].max(), "year"))
             if not acting.empty else t("Deployments and their key events"))
    fig = plots.timeline(lanes, marked, lang=lang, title=title, sources=data.sources,
                         as_of=compare.as_of_date(data.events, data.sources), source_note=False)
    R.figure(fig, caption=t("Each lane runs from a deployment's start to its end (an arrow: no end "
                            "documented). Markers are regulator, court and key events; a date known "
                            "only to the month or year is hollow, with whiskers over the period."),
             source_line=compact_source_line(list(lanes["source_ids"]) + list(marked["source_ids"]), data.sources, lang))
    if not legal.empty:
        R.table(pd.DataFrame({
            t("Date"): [t.partial_date(d) for d in legal["event_date"]],
            t("Place"): [deployments.set_index("deployment_id").loc[i, "place_name"] for i in legal["deployment_id"]],
            t("Event"): [t.label("event_type", e) for e in legal["event_type"]],
            t("By"): [actor_name(a) for a in legal["actor_organisation_id"]],
            t("What happened"): legal["description"],
        }), caption=t("Regulator and court actions, laws, suspensions and ends since {year}, in date order",
                  year=since),
            source_line=compact_source_line(audit.cited_source_ids(data.citations, legal["event_id"]),
                                           data.sources, lang))

# %%
if not deployments.empty:
    R.heading(t("Camera counts and other disputed figures"))
    if shown_figures.empty:
        R.note(t("No camera count or disputed figure is recorded for these deployments."))
    else:
        rows = compare.figures_side_by_side(shown_figures, data.citations, data.sources)
        place = deployments.set_index("deployment_id")["place_name"]
        rows = rows.assign(
            panel_label=[f"{lane_of[d]} \u00b7 {t.label('metric', m)}"
                         + (t(" (disputed)") if isinstance(g, str) else "")
                         for d, m, g in zip(rows["deployment_id"], rows["metric"], rows["dispute_group"],
                                            strict=True)],
            row_label=[short_publishers(p, y.year if pd.notna(y) else None)
                       for p, y in zip(rows["publishers"], rows["as_of_date_earliest"], strict=True)])
        figure_sources = audit.cited_source_ids(data.citations, rows["figure_id"])
        fig = readable_log_axes(plots.figure_values_chart(
            rows, lang=lang, sources=data.sources, source_note=False,
            title=t.n("{n} stated value, kept side by side", "{n} stated values, kept side by side",
                      len(rows))))
        R.figure(fig, caption=t("Each point is one value as its sources state it, labelled with who "
                                "states it and the year it describes; values that differ in scope or "
                                "date are different quantities, and values of the same quantity are "
                                "disputed. Nothing is averaged."),
                 source_line=compact_source_line(rows["source_ids"], data.sources, lang))
        R.table(pd.DataFrame({
            t("Place"): [deployments.set_index("deployment_id").loc[d, "place_name"] for d in rows["deployment_id"]],
            t("Counts"): [t.label("metric", m) for m in rows["metric"]],
            t("Value"): [t.figure_value(v, u, q, un) for v, u, q, un in
                         zip(rows["value"], rows["value_upper"], rows["qualifier"], rows["unit"], strict=True)],
            t("As of"): [t.partial_date(d) for d in rows["as_of_date"]],
            t("Scope"): rows["scope"],
            t("Stated by"): [t.label("figure_basis", b) for b in rows["figure_basis"]],
            t("Support"): [t.label("support_status", s) for s in rows["support_status"]],
            t("Sources"): [", ".join(audit.cited_source_ids(data.citations, [f])) for f in rows["figure_id"]],
        }), caption=t("Camera counts and disputed figures, with what each one counts"),
            source_line=compact_source_line(figure_sources, data.sources, lang))

# %%
all_ids = ids + list(events["event_id"]) + list(figures["figure_id"])
cited = audit.cited_source_ids(data.citations, all_ids)
if cited:
    R.sources(source_items(cited, data.sources, lang), heading=t("Sources"))
