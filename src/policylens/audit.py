"""Evidence quality: what the records rest on, DataFrame in, DataFrame out.

Every function takes the tidy tables of :func:`policylens.load` (or slices of them) and returns a
new DataFrame named for what it holds. Nothing is averaged and nothing is dropped silently: a
figure without sources, or a source id missing from the sources table, shows up as
``source_kind = "unknown"`` rather than vanishing from a count.

Two ideas run through the module:

* **Claim-only sources** (``vocab.CLAIM_ONLY_SOURCE_KINDS``: partisan, opinion, vendor, low,
  mirror) can show that a claim was made, never that it is true. A figure whose every source is
  of such a kind rests on the claim alone.
* **A vendor's own claims** (a ``vendor`` source, a figure with ``figure_basis = vendor_claim`` or
  claimed by the vendor) are kept apart from deployments documented independently, i.e. by at
  least one source of another kind that supports the record.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from policylens import vocab

__all__ = [
    "EVIDENCE_ROLES", "SUPPLIER_ROLES", "SEED_PREFIX", "UNKNOWN_KIND",
    "figure_source_kinds", "figure_evidence_base", "claims_by_verdict_and_source_kind",
    "figures_by_support_status_and_source_kind", "figures_resting_on_claim_only_sources",
    "disputed_figures", "dispute_ranges", "seed_claims", "seed_claims_by_verdict",
    "exported_deployments", "deployments_by_vendor_and_recipient", "cited_source_ids",
]

# Citation roles that count as evidence for (or the making of) a record; "context" does not.
EVIDENCE_ROLES = ("supports", "makes_claim", "contradicts")
# Roles in which an organisation supplies a deployment's technology.
SUPPLIER_ROLES = ("vendor", "developer", "integrator", "licensor", "donor")
# The five seed texts have source ids starting with this (data/curated/sources/seeds.yaml).
SEED_PREFIX = "seed-"
UNKNOWN_KIND = "unknown"
VERDICT_ORDER = tuple(vocab.VERDICT.codes)
SUPPORT_ORDER = tuple(vocab.SUPPORT_STATUS.codes)
KIND_ORDER = tuple(vocab.SOURCE_KIND.codes) + (UNKNOWN_KIND,)


def _str(series: pd.Series) -> pd.Series:
    """A categorical or string column as plain object strings (NaN stays NaN)."""
    return series.astype("object").where(series.notna(), None)


def _source_kinds(sources: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"source_id": _str(sources["source_id"]),
                         "source_kind": _str(sources["source_kind"])}).drop_duplicates("source_id")


def figure_source_kinds(figures: pd.DataFrame, citations: pd.DataFrame,
                        sources: pd.DataFrame) -> pd.DataFrame:
    """One row per figure and evidence source: ``figure_id``, ``source_id``, ``citation_role``,
    ``source_kind``.

    A figure with no evidence citation gets one row with empty ``source_id`` and kind
    ``unknown``, so it is still counted.
    """
    cites = citations[(citations["target_table"].astype("object") == "figures")
                      & citations["citation_role"].astype("object").isin(EVIDENCE_ROLES)]
    cites = pd.DataFrame({"figure_id": _str(cites["target_id"]), "source_id": _str(cites["source_id"]),
                          "citation_role": _str(cites["citation_role"])})
    ids = pd.DataFrame({"figure_id": _str(figures["figure_id"])})
    out = ids.merge(cites, on="figure_id", how="left", validate="1:m")
    out = out.merge(_source_kinds(sources), on="source_id", how="left", validate="m:1")
    out["source_kind"] = out["source_kind"].fillna(UNKNOWN_KIND)
    return out.sort_values(["figure_id", "source_id"], na_position="last", ignore_index=True)


def _ordered_crosstab(index: pd.Series, columns: pd.Series, index_order, column_order) -> pd.DataFrame:
    table = pd.crosstab(index, columns)
    rows = [r for r in index_order if r in table.index] + [r for r in table.index if r not in index_order]
    cols = [c for c in column_order if c in table.columns]
    cols += [c for c in table.columns if c not in column_order]
    return table.reindex(index=rows, columns=cols, fill_value=0)


def figure_evidence_base(figures: pd.DataFrame, citations: pd.DataFrame,
                         sources: pd.DataFrame) -> pd.DataFrame:
    """What each figure rests on: ``figure_id``, ``support_status`` and ``evidence_base``.

    ``evidence_base`` is ``independent`` when every evidence source is of a kind that can support
    a fact on its own, ``claim_only`` when every one is partisan, opinion, vendor, low quality or
    a mirror, ``mixed`` when there are both, and ``none`` when the figure cites no evidence.
    """
    kinds = figure_source_kinds(figures, citations, sources)
    has_source = kinds["source_id"].notna()
    claim_only = kinds["source_kind"].isin(vocab.CLAIM_ONLY_SOURCE_KINDS)
    flags = (kinds.assign(n=has_source, c=has_source & claim_only)
             .groupby("figure_id").agg(n=("n", "sum"), c=("c", "sum")))
    base = pd.Series("mixed", index=flags.index)
    base[flags["c"] == 0] = "independent"
    base[(flags["c"] == flags["n"]) & (flags["n"] > 0)] = "claim_only"
    base[flags["n"] == 0] = "none"
    status = pd.DataFrame({"figure_id": _str(figures["figure_id"]),
                           "support_status": _str(figures["support_status"])})
    out = status.merge(base.rename("evidence_base").reset_index(), on="figure_id", how="left",
                       validate="1:1")
    return out.sort_values("figure_id", ignore_index=True)


def claims_by_verdict_and_source_kind(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Claims counted by the kind of the source that makes them (rows) and verdict (columns).

    Returns:
        A frame indexed by ``source_kind`` with one integer column per verdict present, in
        vocabulary order, plus ``total``. Empty (no rows) when there are no claims.
    """
    if claims.empty:
        return pd.DataFrame(columns=["total"], index=pd.Index([], name="source_kind"), dtype="int64")
    frame = pd.DataFrame({"source_id": _str(claims["source_id"]), "verdict": _str(claims["verdict"])})
    frame = frame.merge(_source_kinds(sources), on="source_id", how="left", validate="m:1")
    frame["source_kind"] = frame["source_kind"].fillna(UNKNOWN_KIND)
    table = _ordered_crosstab(frame["source_kind"], frame["verdict"], KIND_ORDER, VERDICT_ORDER)
    table["total"] = table.sum(axis=1)
    table.index.name, table.columns.name = "source_kind", None
    return table


def figures_by_support_status_and_source_kind(figures: pd.DataFrame, citations: pd.DataFrame,
                                              sources: pd.DataFrame) -> pd.DataFrame:
    """Figures counted by support status (rows) and the kinds of their sources (columns).

    A figure with sources of two kinds counts once in each kind's column; ``figures`` holds the
    number of distinct figures per status, so the kind columns may sum to more than it.
    """
    if figures.empty:
        return pd.DataFrame(columns=["figures"], index=pd.Index([], name="support_status"), dtype="int64")
    kinds = figure_source_kinds(figures, citations, sources)[["figure_id", "source_kind"]].drop_duplicates()
    status = pd.DataFrame({"figure_id": _str(figures["figure_id"]),
                           "support_status": _str(figures["support_status"])})
    frame = kinds.merge(status, on="figure_id", how="left", validate="m:1")
    table = _ordered_crosstab(frame["support_status"], frame["source_kind"], SUPPORT_ORDER, KIND_ORDER)
    table.insert(0, "figures", status.groupby("support_status")["figure_id"].nunique()
                 .reindex(table.index).fillna(0).astype("int64"))
    table.index.name, table.columns.name = "support_status", None
    return table


def figures_resting_on_claim_only_sources(figures: pd.DataFrame, citations: pd.DataFrame,
                                          sources: pd.DataFrame,
                                          claim_only_kinds: Iterable[str] = vocab.CLAIM_ONLY_SOURCE_KINDS,
                                          ) -> pd.DataFrame:
    """Figures whose every evidence source is partisan, opinion, vendor, low quality or a mirror.

    Returns:
        One row per such figure: ``figure_id``, ``deployment_id``, ``metric``, ``value``,
        ``value_upper``, ``unit``, ``figure_basis``, ``support_status``, ``source_count`` (distinct
        sources), ``source_kinds`` and ``source_ids`` (sorted, ``", "``-joined) and
        ``single_source`` (True when exactly one source carries the figure). Sorted by
        deployment and figure.
    """
    claim_only = set(claim_only_kinds)
    kinds = figure_source_kinds(figures, citations, sources).dropna(subset=["source_id"])
    out_cols = ["figure_id", "deployment_id", "metric", "value", "value_upper", "unit", "figure_basis",
                "support_status", "source_count", "source_kinds", "source_ids", "single_source"]
    if kinds.empty:
        return pd.DataFrame(columns=out_cols)
    grouped = kinds.groupby("figure_id").agg(
        source_count=("source_id", "nunique"),
        all_claim_only=("source_kind", lambda k: set(k) <= claim_only),
        source_kinds=("source_kind", lambda k: ", ".join(sorted(set(k)))),
        source_ids=("source_id", lambda s: ", ".join(sorted(set(s)))),
    ).reset_index()
    grouped = grouped[grouped["all_claim_only"]].drop(columns="all_claim_only")
    cols = ["figure_id", "deployment_id", "metric", "value", "value_upper", "unit", "figure_basis",
            "support_status"]
    base = figures[cols].astype({c: "object" for c in ("figure_id", "deployment_id", "metric", "unit",
                                                       "figure_basis", "support_status")})
    out = base.merge(grouped, on="figure_id", how="inner", validate="1:1")
    out["single_source"] = out["source_count"] == 1
    return out.sort_values(["deployment_id", "figure_id"], ignore_index=True)


def _figure_sources(citations: pd.DataFrame) -> pd.DataFrame:
    cites = citations[(citations["target_table"].astype("object") == "figures")
                      & citations["citation_role"].astype("object").isin(EVIDENCE_ROLES)]
    return (pd.DataFrame({"figure_id": _str(cites["target_id"]), "source_id": _str(cites["source_id"])})
            .groupby("figure_id")["source_id"].agg(lambda s: ", ".join(sorted(set(s))))
            .rename("source_ids").reset_index())


def disputed_figures(figures: pd.DataFrame, citations: pd.DataFrame) -> pd.DataFrame:
    """Figures that sources disagree on, side by side: one row per figure of each dispute group.

    A group is the figures of one deployment sharing a ``dispute_group``; groups with a single
    member are left out (nothing to compare). Values are kept as stated, never averaged.

    Returns:
        ``deployment_id``, ``dispute_group``, ``figure_id``, ``metric``, ``value``,
        ``value_upper``, ``qualifier``, ``unit``, ``value_text``, ``as_of_date``,
        ``as_of_date_earliest``, ``scope``, ``figure_basis``, ``support_status``, ``source_ids``,
        sorted by deployment, group, date and value.
    """
    cols = ["deployment_id", "dispute_group", "figure_id", "metric", "value", "value_upper",
            "qualifier", "unit", "value_text", "as_of_date", "as_of_date_earliest", "scope",
            "figure_basis", "support_status"]
    grouped = figures[figures["dispute_group"].notna()]
    sizes = grouped.groupby(["deployment_id", "dispute_group"], observed=True)["figure_id"].transform("size")
    out = grouped[sizes > 1][cols].astype({c: "object" for c in ("deployment_id", "dispute_group", "metric",
                                                                 "qualifier", "unit", "figure_basis",
                                                                 "support_status")})
    out = out.merge(_figure_sources(citations), on="figure_id", how="left", validate="1:1")
    return out.sort_values(["deployment_id", "dispute_group", "as_of_date_earliest", "value", "figure_id"],
                           ignore_index=True)


def dispute_ranges(disputed: pd.DataFrame) -> pd.DataFrame:
    """One row per dispute group of :func:`disputed_figures`: how far apart its values are.

    Returns:
        ``deployment_id``, ``dispute_group``, ``metric``, ``unit``, ``figures`` (count), ``low``
        (smallest stated value), ``high`` (largest stated value or range top) and ``ratio``
        (high / low; empty when low is 0).
    """
    if disputed.empty:
        return pd.DataFrame(columns=["deployment_id", "dispute_group", "metric", "unit", "figures",
                                     "low", "high", "ratio"])
    frame = disputed.assign(top=disputed["value_upper"].fillna(disputed["value"]).astype("float64"),
                            value=disputed["value"].astype("float64"))
    out = frame.groupby(["deployment_id", "dispute_group"], sort=True).agg(
        metric=("metric", "first"), unit=("unit", "first"), figures=("figure_id", "size"),
        low=("value", "min"), high=("top", "max")).reset_index()
    out["ratio"] = (out["high"] / out["low"].where(out["low"] > 0)).round(1)
    return out


def seed_claims(claims: pd.DataFrame, sources: pd.DataFrame, prefix: str = SEED_PREFIX) -> pd.DataFrame:
    """The claims made in the seed texts, each with its verdict and the seed's publisher.

    Returns:
        ``claim_id``, ``source_id``, ``publisher_name``, ``claim_number``, ``claim_text``,
        ``verdict``, ``evidence``, ``deployment_id``, sorted by source and claim number.
    """
    cols = ["claim_id", "source_id", "claim_number", "claim_text", "verdict", "evidence", "deployment_id"]
    frame = claims[cols].astype({"source_id": "object", "verdict": "object"})
    frame = frame[frame["source_id"].str.startswith(prefix, na=False)]
    publishers = pd.DataFrame({"source_id": _str(sources["source_id"]),
                               "publisher_name": _str(sources["publisher_name"])}).drop_duplicates("source_id")
    out = frame.merge(publishers, on="source_id", how="left", validate="m:1")
    out = out[["claim_id", "source_id", "publisher_name"] + cols[2:]]
    return out.assign(_n=pd.to_numeric(out["claim_number"], errors="coerce")).sort_values(
        ["source_id", "_n", "claim_id"], ignore_index=True).drop(columns="_n")


def seed_claims_by_verdict(seed: pd.DataFrame) -> pd.DataFrame:
    """Seed claims counted by seed text (rows) and verdict (columns), with a ``total`` column."""
    if seed.empty:
        return pd.DataFrame(columns=["total"], index=pd.Index([], name="source_id"), dtype="int64")
    table = _ordered_crosstab(seed["source_id"], seed["verdict"], sorted(seed["source_id"].unique()),
                              VERDICT_ORDER)
    table["total"] = table.sum(axis=1)
    table.index.name, table.columns.name = "source_id", None
    return table


def _supplier_rows(roles: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    rows = roles[roles["role"].astype("object").isin(SUPPLIER_ROLES)]
    rows = pd.DataFrame({"role_id": _str(rows["role_id"]), "deployment_id": _str(rows["deployment_id"]),
                         "vendor_id": _str(rows["organisation_id"]), "role": _str(rows["role"])})
    orgs = pd.DataFrame({"vendor_id": _str(organisations["organisation_id"]),
                         "vendor_name": _str(organisations["organisation_name"]),
                         "vendor_country_code": _str(organisations["country_code"])})
    return rows.merge(orgs, on="vendor_id", how="left", validate="m:1")


def _evidence_by_deployment_vendor(suppliers: pd.DataFrame, citations: pd.DataFrame,
                                   sources: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Per (deployment, vendor): independent and vendor-claim source ids and vendor-claim figures."""
    cites = pd.DataFrame({"target_table": _str(citations["target_table"]),
                          "target_id": _str(citations["target_id"]),
                          "source_id": _str(citations["source_id"]),
                          "citation_role": _str(citations["citation_role"])})
    cites = cites.merge(_source_kinds(sources), on="source_id", how="left", validate="m:1")
    cites["source_kind"] = cites["source_kind"].fillna(UNKNOWN_KIND)
    on_role = suppliers[["role_id", "deployment_id", "vendor_id"]].merge(
        cites[cites["target_table"] == "deployment_organisations"], left_on="role_id", right_on="target_id")
    on_deployment = suppliers[["deployment_id", "vendor_id"]].drop_duplicates().merge(
        cites[cites["target_table"] == "deployments"], left_on="deployment_id", right_on="target_id")
    both = pd.concat([on_role, on_deployment], ignore_index=True)
    independent = both[(both["citation_role"] == "supports")
                       & ~both["source_kind"].isin(vocab.CLAIM_ONLY_SOURCE_KINDS | {UNKNOWN_KIND})]
    vendor_own = both[both["source_kind"] == "vendor"]
    keys = ["deployment_id", "vendor_id"]
    out = suppliers[keys].drop_duplicates()
    for name, part in (("independent_source_ids", independent), ("vendor_source_ids", vendor_own)):
        joined = part.groupby(keys)["source_id"].agg(lambda s: ", ".join(sorted(set(s)))).rename(name)
        out = out.merge(joined.reset_index(), on=keys, how="left", validate="1:1")
    claimed = figures[(figures["figure_basis"].astype("object") == "vendor_claim")]
    claimed = pd.DataFrame({"deployment_id": _str(claimed["deployment_id"]),
                            "claimant": _str(claimed["claimant_organisation_id"])})
    counts = claimed.groupby("deployment_id").size().rename("vendor_claim_figures").reset_index()
    out = out.merge(counts, on="deployment_id", how="left", validate="m:1")
    out["vendor_claim_figures"] = out["vendor_claim_figures"].fillna(0).astype("int64")
    return out


def exported_deployments(deployments: pd.DataFrame, roles: pd.DataFrame, organisations: pd.DataFrame,
                         citations: pd.DataFrame, sources: pd.DataFrame, figures: pd.DataFrame,
                         vendor: str | None = None) -> pd.DataFrame:
    """Deployments supplied by a vendor based in another country, with how they are documented.

    A deployment counts as an export of a vendor when the vendor plays a supplier role in it
    (``SUPPLIER_ROLES``) and the deployment's country differs from the vendor's country.

    ``evidence`` is ``independent`` when at least one source that is not claim-only supports the
    deployment record or the vendor's role in it; otherwise ``vendor_claim`` (the deployment is
    known only from the vendor's own material or other claim-only sources).

    Args:
        deployments, roles, organisations, citations, sources, figures: tidy tables
            (``roles`` is ``deployment_organisations``).
        vendor: an ``organisation_id`` to keep only that vendor's exports; None keeps all.

    Returns:
        One row per deployment and vendor: ``deployment_id``, ``title``, ``country_code``,
        ``category``, ``status``, ``start_date``, ``start_date_earliest``, ``vendor_id``,
        ``vendor_name``, ``vendor_country_code``, ``roles``, ``evidence``,
        ``independent_source_ids``, ``vendor_source_ids``, ``vendor_claim_figures``.
    """
    suppliers = _supplier_rows(roles, organisations)
    if vendor is not None:
        suppliers = suppliers[suppliers["vendor_id"] == vendor]
    dep = deployments[["deployment_id", "title", "country_code", "category", "status", "start_date",
                       "start_date_earliest"]].astype({"deployment_id": "object", "country_code": "object",
                                                       "category": "object", "status": "object"})
    merged = suppliers.merge(dep, on="deployment_id", how="inner", validate="m:1")
    merged = merged[merged["country_code"].notna() & merged["vendor_country_code"].notna()
                    & (merged["country_code"] != merged["vendor_country_code"])]
    roles_joined = (merged.groupby(["deployment_id", "vendor_id"])["role"]
                    .agg(lambda r: ", ".join(sorted(set(r)))).rename("roles").reset_index())
    base = merged.drop(columns=["role", "role_id"]).drop_duplicates(["deployment_id", "vendor_id"])
    base = base.merge(roles_joined, on=["deployment_id", "vendor_id"], validate="1:1")
    evidence = _evidence_by_deployment_vendor(merged, citations, sources, figures)
    out = base.merge(evidence, on=["deployment_id", "vendor_id"], how="left", validate="1:1")
    out["evidence"] = out["independent_source_ids"].notna().map({True: "independent", False: "vendor_claim"})
    cols = ["deployment_id", "title", "country_code", "category", "status", "start_date",
            "start_date_earliest", "vendor_id", "vendor_name", "vendor_country_code", "roles", "evidence",
            "independent_source_ids", "vendor_source_ids", "vendor_claim_figures"]
    return out[cols].sort_values(["vendor_id", "country_code", "deployment_id"], ignore_index=True)


def deployments_by_vendor_and_recipient(exports: pd.DataFrame) -> pd.DataFrame:
    """Exported deployments counted by vendor and recipient country, split by evidence.

    Returns:
        ``vendor_id``, ``vendor_name``, ``country_code``, ``independent``, ``vendor_claim`` and
        ``total``, sorted by vendor, then total (descending), then country.
    """
    cols = ["vendor_id", "vendor_name", "country_code", "independent", "vendor_claim", "total"]
    if exports.empty:
        return pd.DataFrame(columns=cols).astype({"independent": "int64", "vendor_claim": "int64",
                                                  "total": "int64"})
    counts = (exports.groupby(["vendor_id", "vendor_name", "country_code", "evidence"], dropna=False)
              .size().unstack("evidence", fill_value=0))
    for col in ("independent", "vendor_claim"):
        if col not in counts.columns:
            counts[col] = 0
    counts = counts[["independent", "vendor_claim"]].astype("int64").reset_index()
    counts.columns.name = None
    counts["total"] = counts["independent"] + counts["vendor_claim"]
    return counts.sort_values(["vendor_id", "total", "country_code"], ascending=[True, False, True],
                              ignore_index=True)[cols]


def cited_source_ids(citations: pd.DataFrame, target_ids: Iterable[str],
                     extra: Iterable[str] = ()) -> list[str]:
    """Sorted distinct source ids cited by the records ``target_ids`` (any table), plus ``extra``.

    Role ids (``deployment/organisation/role``) of a listed deployment are included, so a brief's
    sources list covers everything its tables rest on.
    """
    ids = {str(t) for t in target_ids}
    target = citations["target_id"].astype("object")
    deployment_of_role = target.str.split("/", n=1).str[0]
    mask = target.isin(ids) | ((citations["target_table"].astype("object") == "deployment_organisations")
                               & deployment_of_role.isin(ids))
    found = set(citations.loc[mask, "source_id"].astype("object")) | {str(e) for e in extra if e}
    return sorted(found)
