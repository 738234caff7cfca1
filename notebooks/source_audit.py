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
# # Evidence audit: what the records rest on
#
# Figures by support status and by the kinds of sources behind them; figures that rest only on
# partisan, opinion, vendor or low-quality sources; figures that sources disagree on, side by
# side; and the claims made in the seed texts against their fact-check verdicts.

# %% tags=["parameters"]
lang = "en"  # en or fr
# ISO 3166-1 alpha-2 code to audit one country's records; "" audits the whole dataset.
country = ""

# %%
import pandas as pd

import policylens
from policylens import audit, plots, report as R
from policylens.brief_sources import compact_source_line, source_items
from policylens.i18n_evidence import translator

t = translator(lang)
data = policylens.load()
# All four always drawn, in this order, so that claim-only figures get the house palette's fourth
# colour (vermillion, a warning) in every audit, even when no figure lacks a source.
BASE_ORDER = ["independent", "mixed", "none", "claim_only"]
BASE_LABELS = {"independent": t("Independent sources only"), "mixed": t("Independent and claim-only sources"),
               "claim_only": t("Claim-only sources (partisan, opinion, vendor, low quality)"),
               "none": t("No source cited")}

# %%
deployments = data.deployments
if country:
    deployments = deployments[deployments["country_code"] == country]
ids = set(deployments["deployment_id"])
figures = data.figures[data.figures["deployment_id"].isin(ids)] if country else data.figures
claims = data.claims[data.claims["deployment_id"].isin(ids)] if country else data.claims
scope = t.country(country) if country else t("the whole dataset")
base = audit.figure_evidence_base(figures, data.citations, data.sources)
claim_only = audit.figures_resting_on_claim_only_sources(figures, data.citations, data.sources)
disputed = audit.disputed_figures(figures, data.citations)
ranges = audit.dispute_ranges(disputed)
seeds = audit.seed_claims(claims, data.sources)
seed_table = audit.seed_claims_by_verdict(seeds)
claim_table = audit.claims_by_verdict_and_source_kind(claims, data.sources)
cited = set(audit.cited_source_ids(data.citations, list(figures["figure_id"]) + list(claims["claim_id"])))
cited |= set(claims["source_id"].astype("object"))

# %%
R.title(t("Evidence audit: what the records rest on"),
        subtitle=t("Support status, source kinds, disputed figures and seed claims for {scope}", scope=scope),
        meta={"brief": "source_audit", "lang": lang, "data_version": data.version,
              "parameters": {"country": country}})

# %%
if figures.empty and claims.empty:
    R.note(t("No figure and no claim is recorded for {scope}, so there is nothing to audit.", scope=scope))
else:
    confirmed = int((base["support_status"] == "confirmed").sum())
    groups = ranges.sort_values("ratio", ascending=False, na_position="last")
    bullets = [
        t.n("{n} figure is recorded for {scope}; {confirmed} of them confirmed by two independent sources "
            "or an official document.",
            "{n} figures are recorded for {scope}; {confirmed} of them confirmed by two independent "
            "sources or an official document.", len(figures), scope=scope, confirmed=t.number(confirmed)),
        t.n("{n} figure rests only on partisan, opinion, vendor or low-quality sources",
            "{n} figures rest only on partisan, opinion, vendor or low-quality sources", len(claim_only))
        + t.n(" ({n} of them on a single source).", " ({n} of them on a single source).",
              int(claim_only["single_source"].sum())),
        t.n("{n} quantity has values that sources disagree on.",
            "{n} quantities have values that sources disagree on.", len(ranges))
        + (t(" The widest gap: {high} against {low} ({metric}, {deployment}).",
             high=t.number(groups.iloc[0]["high"]), low=t.number(groups.iloc[0]["low"]),
             metric=t.label("metric", groups.iloc[0]["metric"]), deployment=groups.iloc[0]["deployment_id"])
           if len(groups) else ""),
        t.n("{n} claim made in a source text is checked.", "{n} claims made in source texts are checked.",
            len(claims))
        + (t(" Verdicts: {verdicts}.", verdicts=t.list(
            f"{t.label('verdict', v)} {t.number(n)}"
            for v, n in claims["verdict"].astype("object").value_counts().items()))
           if len(claims) else ""),
        t.n("{n} of them comes from the seed texts this project started from.",
            "{n} of them come from the seed texts this project started from.", len(seeds)),
    ]
    R.heading(t("Summary"))
    R.bullets(bullets)

# %%
if not figures.empty:
    R.heading(t("Figures by support status and what they rest on"))
    counts = base.groupby(["support_status", "evidence_base"]).size().rename("figures").reset_index()
    statuses = [s for s in audit.SUPPORT_ORDER if s in set(counts["support_status"])]
    source_ids = {s: tuple(audit.cited_source_ids(data.citations, base.loc[base["support_status"] == s, "figure_id"]))
                  for s in statuses}
    stacked = pd.DataFrame([
        {"status": t.label("support_status", s), "base": b,
         "figures": int(counts[(counts["support_status"] == s) & (counts["evidence_base"] == b)]["figures"].sum()),
         "source_ids": source_ids[s]}
        for s in statuses for b in BASE_ORDER])
    fig = plots.stacked_bars(
        stacked, category="status", stack="base", value="figures", lang=lang,
        title=t.n("{n} figure rests only on claim-only sources", "{n} figures rest only on claim-only sources",
                  int((base["evidence_base"] == "claim_only").sum())),
        sources=data.sources, stack_labels=BASE_LABELS, value_label=t("Figures"), source_note=False)
    R.figure(fig, caption=t("Figures by support status, split by the kinds of sources they cite. Claim-only "
                            "sources (partisan, opinion, vendor, low quality, unclassified mirrors) can "
                            "show that a claim was made, not that it is true."),
             source_line=compact_source_line(stacked["source_ids"], data.sources, lang))
    by_kind = audit.figures_by_support_status_and_source_kind(figures, data.citations, data.sources)
    R.table(pd.DataFrame({t("Support status"): [t.label("support_status", s) for s in by_kind.index],
                          t("Figures"): by_kind["figures"],
                          **{t.label("source_kind", k) if k != audit.UNKNOWN_KIND else t("No source"): by_kind[k]
                             for k in by_kind.columns if k != "figures"}}),
            caption=t("Figures by support status (rows) and the kinds of sources they cite (columns); a "
                      "figure citing two kinds counts in both columns"),
            source_line=compact_source_line(source_ids.values(), data.sources, lang))

# %%
if not figures.empty:
    R.heading(t("Figures resting only on claim-only sources"))
    if claim_only.empty:
        R.paragraph(t("Every figure for {scope} cites at least one source of standing.", scope=scope))
    else:
        R.table(pd.DataFrame({
            t("Figure"): claim_only["figure_id"],
            t("Counts"): [t.label("metric", m) for m in claim_only["metric"]],
            t("Value"): [t.figure_value(v, u, None, un) for v, u, un in
                         zip(claim_only["value"], claim_only["value_upper"], claim_only["unit"], strict=True)],
            t("Stated by"): [t.label("figure_basis", b) for b in claim_only["figure_basis"]],
            t("Support"): [t.label("support_status", s) for s in claim_only["support_status"]],
            t("Source kinds"): [t.list(t.label("source_kind", k) for k in ks.split(", "))
                                for ks in claim_only["source_kinds"]],
            t("Sources"): claim_only["source_ids"],
        }), caption=t("Figures whose every source is partisan, opinion, vendor, low quality or a mirror"),
            source_line=compact_source_line(claim_only["source_ids"].str.split(", ").sum(), data.sources, lang))

# %%
if not figures.empty:
    R.heading(t("Disputed figures, side by side"))
    if disputed.empty:
        R.paragraph(t("No quantity for {scope} has values that sources disagree on.", scope=scope))
    else:
        R.table(pd.DataFrame({
            t("Deployment"): ranges["deployment_id"],
            t("Counts"): [t.label("metric", m) for m in ranges["metric"]],
            t("Values"): ranges["figures"],
            t("Lowest"): [t.figure_value(v, None, None, u) for v, u in zip(ranges["low"], ranges["unit"], strict=True)],
            t("Highest"): [t.figure_value(v, None, None, u) for v, u in zip(ranges["high"], ranges["unit"], strict=True)],
            t("Highest / lowest"): [t.number(v, 1) if pd.notna(v) else "" for v in ranges["ratio"]],
        }), caption=t("How far apart the values of each disputed quantity are (never averaged)"),
            source_line=compact_source_line(disputed["source_ids"].dropna().str.split(", ").sum(),
                                          data.sources, lang))
        R.table(pd.DataFrame({
            t("Deployment"): disputed["deployment_id"],
            t("Counts"): [t.label("metric", m) for m in disputed["metric"]],
            t("Value"): [t.figure_value(v, u, q, un) for v, u, q, un in
                         zip(disputed["value"], disputed["value_upper"], disputed["qualifier"], disputed["unit"],
                             strict=True)],
            t("As of"): [t.partial_date(d) for d in disputed["as_of_date"]],
            t("Scope"): disputed["scope"],
            t("Stated by"): [t.label("figure_basis", b) for b in disputed["figure_basis"]],
            t("Support"): [t.label("support_status", s) for s in disputed["support_status"]],
            t("Sources"): disputed["source_ids"].fillna(""),
        }), caption=t("Every value of every disputed quantity, with its scope and sources"),
            source_line=compact_source_line(disputed["source_ids"].dropna().str.split(", ").sum(),
                                          data.sources, lang))

# %%
if not claims.empty:
    R.heading(t("Claims and their verdicts"))
    verdict_rows = claims.assign(verdict=claims["verdict"].astype("object"),
                                 source_id=claims["source_id"].astype("object"))
    kinds = data.sources.set_index(data.sources["source_id"].astype("object"))["source_kind"].astype("object")
    verdict_rows = verdict_rows.assign(kind=verdict_rows["source_id"].map(kinds).fillna(audit.UNKNOWN_KIND))
    verdicts = [v for v in audit.VERDICT_ORDER if v in set(verdict_rows["verdict"])]
    kinds_present = [k for k in audit.KIND_ORDER if k in set(verdict_rows["kind"])]
    stacked = pd.DataFrame([
        {"verdict": t.label("verdict", v), "kind": k,
         "claims": int(((verdict_rows["verdict"] == v) & (verdict_rows["kind"] == k)).sum()),
         "source_ids": tuple(sorted(set(verdict_rows.loc[verdict_rows["verdict"] == v, "source_id"])))}
        for v in verdicts for k in kinds_present])
    top_verdict = verdict_rows["verdict"].value_counts().idxmax()
    fig = plots.stacked_bars(
        stacked, category="verdict", stack="kind", value="claims", lang=lang, sources=data.sources,
        title=t("Most common verdict: {verdict} ({n} of {total} claims)", verdict=t.label("verdict", top_verdict),
                n=t.number(int((verdict_rows["verdict"] == top_verdict).sum())), total=t.number(len(claims))),
        stack_labels={k: (t.label("source_kind", k) if k != audit.UNKNOWN_KIND else t("No source"))
                      for k in kinds_present},
        value_label=t("Claims"), source_note=False)
    R.figure(fig, caption=t("Claims by fact-check verdict, split by the kind of source that makes them"),
             source_line=compact_source_line(stacked["source_ids"], data.sources, lang))
    R.table(pd.DataFrame({t("Source kind"): [t.label("source_kind", k) if k != audit.UNKNOWN_KIND else t("No source")
                                             for k in claim_table.index],
                          **{t.label("verdict", v) if v != "total" else t("Total"): claim_table[v]
                             for v in claim_table.columns}}),
            caption=t("Claims by the kind of source that makes them (rows) and verdict (columns)"),
            source_line=compact_source_line(verdict_rows["source_id"], data.sources, lang))

# %%
if not claims.empty:
    R.heading(t("The seed texts' claims against the evidence"))
    if seeds.empty:
        R.paragraph(t("None of the claims for {scope} comes from the seed texts.", scope=scope))
    else:
        publisher = data.sources.set_index(data.sources["source_id"].astype("object"))["publisher_name"]
        R.table(pd.DataFrame({t("Seed text"): [f"{publisher.get(s, s)} ({s})" for s in seed_table.index],
                              **{t.label("verdict", v) if v != "total" else t("Total"): seed_table[v]
                                 for v in seed_table.columns}}),
                caption=t("Claims of each seed text by verdict"),
                source_line=compact_source_line(seed_table.index, data.sources, lang))
        R.table(pd.DataFrame({
            t("Claim"): seeds["claim_number"].fillna(seeds["claim_id"]),
            t("Seed text"): seeds["publisher_name"],
            t("What the text claims"): seeds["claim_text"],
            t("Verdict"): [t.label("verdict", v) for v in seeds["verdict"]],
            t("What the evidence says"): seeds["evidence"],
        }), caption=t("Each seed claim with its verdict and the evidence (claims and evidence in English)"),
            source_line=compact_source_line(audit.cited_source_ids(data.citations, seeds["claim_id"],
                                                                 extra=seeds["source_id"]), data.sources, lang))

# %%
if cited:
    R.sources(source_items(cited, data.sources, lang), heading=t("Sources"))
