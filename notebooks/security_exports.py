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
# # Security exports of one vendor, by recipient country
#
# Public-security and "safe city" deployments that a vendor supplied outside its home country:
# a map and a ranked chart by recipient country, keeping the deployments known only from the
# vendor's own claims apart from those documented independently.

# %% tags=["parameters"]
lang = "en"  # en or fr
vendor = "huawei"  # organisation_id of the vendor (data/curated/organisations)

# %%
import pandas as pd

import policylens
from policylens import audit, maps, plots, report as R
from policylens.brief_sources import compact_source_line, source_items
from policylens.i18n_evidence import translator

t = translator(lang)
data = policylens.load()
EVIDENCE_LABELS = {"independent": t("Independently documented"), "vendor_claim": t("Vendor's own claim only")}

# %%
orgs = data.organisations.set_index(data.organisations["organisation_id"].astype("object"))
known_vendor = vendor in orgs.index
vendor_name = str(orgs.loc[vendor, "organisation_name"]) if known_vendor else vendor
home = orgs.loc[vendor, "country_code"] if known_vendor else None
exports = audit.exported_deployments(data.deployments, data.deployment_organisations, data.organisations,
                                     data.citations, data.sources, data.figures, vendor=vendor)
by_country = audit.deployments_by_vendor_and_recipient(exports)
export_ids = list(exports["deployment_id"])
claims_of_vendor = data.figures[
    (data.figures["claimant_organisation_id"] == vendor)
    | ((data.figures["figure_basis"].astype("object") == "vendor_claim")
       & data.figures["deployment_id"].isin(export_ids))
].astype({"metric": "object", "support_status": "object", "qualifier": "object"})

# %%
R.title(t("{vendor}: security exports by recipient country", vendor=vendor_name),
        subtitle=t("Deployments documented independently, and those known only from the vendor's own claims"),
        meta={"brief": "security_exports", "lang": lang, "data_version": data.version,
              "parameters": {"vendor": vendor}})

# %%
if not known_vendor:
    R.note(t("No organisation with the id \u201c{vendor}\u201d is in the dataset, so no export can be "
             "shown.", vendor=vendor))
elif exports.empty:
    R.note(t("No deployment supplied by {vendor} outside {home} is documented in this dataset.",
             vendor=vendor_name, home=t.country(home)))
else:
    n_independent = int((exports["evidence"] == "independent").sum())
    n_claims = int((exports["evidence"] == "vendor_claim").sum())
    totals = by_country.groupby("country_code")["total"].sum().sort_values(ascending=False)
    top = totals[totals == totals.max()].index
    R.heading(t("Summary"))
    R.bullets([
        t.n("{n} deployment supplied by {vendor} outside {home} is documented, in {countries}.",
            "{n} deployments supplied by {vendor} outside {home} are documented, in {countries}.",
            len(exports), vendor=vendor_name, home=t.country(home),
            countries=t.n("{n} country", "{n} countries", len(totals))),
        t.n("{n} of them is documented by at least one independent source.",
            "{n} of them are documented by at least one independent source.", n_independent),
        (t.n("{n} is known only from the vendor's own claims or other sources that can only show a "
             "claim was made.",
             "{n} are known only from the vendor's own claims or other sources that can only show a "
             "claim was made.", n_claims)
         if n_claims else t("None rests only on the vendor's own claims.")),
    ] + ([t("Most deployments: {countries} ({n}).", n=t.number(int(totals.max())),
             countries=t.list(t.country(c) for c in top))] if len(top) < len(totals) else []))

# %%
if known_vendor and not exports.empty:
    R.heading(t("Where the deployments are"))
    map_sources = compact_source_line(audit.cited_source_ids(data.citations, export_ids), data.sources, lang)
    fig = maps.choropleth(
        dict(totals), lang=lang, legend_title=t("Deployments documented"), source_note=False,
        title=t.n("{vendor} deployments documented in {n} country", "{vendor} deployments documented in {n} countries",
                  len(totals), vendor=vendor_name),
        source_line=map_sources, unknown_note=t("Not on the map:"))
    R.figure(fig, caption=t("Recipient countries of {vendor} deployments outside {home}, shaded by the "
                            "number documented (vendor claims included). Small countries are marked "
                            "with a point.", vendor=vendor_name, home=t.country(home)),
             source_line=map_sources)
    # Every country gets both evidence kinds (zero when absent) so the colours mean the same
    # thing in every brief: independent first (blue), vendor claims second (orange).
    order = list(totals.index)
    stacked = pd.DataFrame([
        {"country": t.country(c), "evidence": e,
         "deployments": int(exports[(exports["country_code"] == c) & (exports["evidence"] == e)].shape[0]),
         "source_ids": tuple(audit.cited_source_ids(
             data.citations, exports.loc[exports["country_code"] == c, "deployment_id"]))}
        for c in order for e in ("independent", "vendor_claim")])
    title = (t.n("{top} has the most documented {vendor} deployments",
                 "{top} have the most documented {vendor} deployments", len(top),
                 vendor=vendor_name, top=t.list(t.country(c) for c in top))
             if len(top) < len(totals) else
             t.n("One documented {vendor} deployment in each of {n} country",
                 "One documented {vendor} deployment in each of {n} countries", len(totals),
                 vendor=vendor_name))
    fig = plots.stacked_bars(stacked, category="country", stack="evidence", value="deployments", lang=lang,
                             title=title, sources=data.sources, stack_labels=EVIDENCE_LABELS,
                             value_label=t("Deployments"), source_note=False)
    R.figure(fig, caption=t("Deployments by recipient country: documented by at least one independent "
                            "source, or known only from the vendor's own claims."),
             source_line=compact_source_line(stacked["source_ids"], data.sources, lang))
    R.table(pd.DataFrame({
        t("Country"): [t.country(c) for c in exports["country_code"]],
        t("Deployment"): exports["title"],
        t("Category"): [t.label("category", c) for c in exports["category"]],
        t("Status"): [t.label("status", s) for s in exports["status"]],
        t("Start"): [t.partial_date(d) for d in exports["start_date"]],
        t("Role"): [t.list(t.label("role", r) for r in roles.split(", ")) for roles in exports["roles"]],
        t("Evidence"): [EVIDENCE_LABELS[e] for e in exports["evidence"]],
        t("Independent sources"): [len(ids.split(", ")) if isinstance(ids, str) else 0
                                   for ids in exports["independent_source_ids"]],
    }), caption=t("{vendor} deployments outside {home}, with how each is documented",
                  vendor=vendor_name, home=t.country(home)),
        source_line=map_sources)

# %%
if known_vendor and not claims_of_vendor.empty:
    R.heading(t("The vendor's own figures"))
    claim_sources = compact_source_line(audit.cited_source_ids(data.citations, claims_of_vendor["figure_id"]),
                                       data.sources, lang)
    R.table(pd.DataFrame({
        t("Counts"): [t.label("metric", m) for m in claims_of_vendor["metric"]],
        t("Value"): [t.figure_value(v, u, q, un) for v, u, q, un in zip(
            claims_of_vendor["value"], claims_of_vendor["value_upper"], claims_of_vendor["qualifier"],
            claims_of_vendor["unit"], strict=True)],
        t("As of"): [t.partial_date(d) for d in claims_of_vendor["as_of_date"]],
        t("Scope"): claims_of_vendor["scope"],
        t("Support"): [t.label("support_status", s) for s in claims_of_vendor["support_status"]],
    }), caption=t("Figures {vendor} states about its own products; a vendor claim alone is never "
                  "confirmed", vendor=vendor_name),
        source_line=claim_sources)

# %%
cited = audit.cited_source_ids(data.citations, export_ids + list(claims_of_vendor["figure_id"]))
if cited:
    R.sources(source_items(cited, data.sources, lang), heading=t("Sources"))
