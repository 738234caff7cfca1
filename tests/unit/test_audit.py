"""Evidence-quality functions on small hand-built tables whose answers are known."""

from __future__ import annotations

import pandas as pd
import pytest

from policylens import audit, schema


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A ``table`` frame with every schema column (missing values NA) and the given rows."""
    cols = schema.columns(table)
    out = pd.DataFrame([{c: r.get(c, pd.NA) for c in cols} for r in rows], columns=list(cols))
    for c in cols:
        if c.endswith(("_earliest", "_latest")):
            out[c] = pd.to_datetime(out[c])
    return out


SOURCES = frame("sources", [
    {"source_id": "afp", "source_kind": "major_media", "publisher_name": "AFP"},
    {"source_id": "court", "source_kind": "court", "publisher_name": "Legalis"},
    {"source_id": "blog", "source_kind": "opinion", "publisher_name": "A blog"},
    {"source_id": "rt", "source_kind": "partisan", "publisher_name": "RT"},
    {"source_id": "hw", "source_kind": "vendor", "publisher_name": "Huawei"},
    {"source_id": "seed-001-x", "source_kind": "partisan", "publisher_name": "Seed outlet"},
])
FIGURES = frame("figures", [
    {"figure_id": "D1-F1", "deployment_id": "D1", "metric": "cameras", "value": 240, "unit": "count",
     "support_status": "disputed", "dispute_group": "cams", "figure_basis": "reported",
     "as_of_date_earliest": "2020-01-01"},
    {"figure_id": "D1-F2", "deployment_id": "D1", "metric": "cameras", "value": 241, "unit": "count",
     "support_status": "disputed", "dispute_group": "cams", "figure_basis": "reported",
     "as_of_date_earliest": "2020-01-22"},
    {"figure_id": "D1-F3", "deployment_id": "D1", "metric": "volunteers", "value": 5000, "unit": "count",
     "support_status": "unverified", "figure_basis": "reported", "dispute_group": "lonely"},
    {"figure_id": "D2-F1", "deployment_id": "D2", "metric": "cameras", "value": 1800, "value_upper": 2000,
     "unit": "count", "support_status": "unverified", "figure_basis": "vendor_claim",
     "claimant_organisation_id": "huawei"},
    {"figure_id": "D2-F2", "deployment_id": "D2", "metric": "arrests", "value": 3, "unit": "count",
     "support_status": "single_source", "figure_basis": "reported"},
])


def cite(table: str, target: str, source: str, role: str = "supports") -> dict:
    return {"citation_id": f"{target}@{source}", "target_table": table, "target_id": target,
            "source_id": source, "citation_role": role}


CITATIONS = frame("citations", [
    cite("figures", "D1-F1", "afp"), cite("figures", "D1-F1", "court"), cite("figures", "D1-F2", "afp"),
    cite("figures", "D1-F2", "rt", "makes_claim"), cite("figures", "D1-F3", "rt"),
    cite("figures", "D2-F1", "hw"), cite("figures", "D2-F1", "blog"),
    cite("figures", "D2-F1", "afp", "context"),  # context is not evidence
    cite("deployments", "D1", "afp"), cite("deployments", "D2", "hw"),
    cite("deployment_organisations", "D1/huawei/donor", "court"),
    cite("deployment_organisations", "D2/huawei/vendor", "hw"),
    cite("claims", "SEED001-1.1", "seed-001-x", "makes_claim"), cite("claims", "SEED001-1.1", "afp"),
])
CLAIMS = frame("claims", [
    {"claim_id": "SEED001-1.2", "source_id": "seed-001-x", "claim_number": "1.2", "verdict": "differs"},
    {"claim_id": "SEED001-1.1", "source_id": "seed-001-x", "claim_number": "1.1", "verdict": "confirmed",
     "deployment_id": "D1"},
    {"claim_id": "BLOG-1", "source_id": "blog", "verdict": "opinion"},
])


def test_figure_source_kinds_ignores_context_and_keeps_uncited_figures():
    kinds = audit.figure_source_kinds(FIGURES, CITATIONS, SOURCES)
    assert set(kinds.loc[kinds["figure_id"] == "D2-F1", "source_id"]) == {"hw", "blog"}
    uncited = kinds[kinds["figure_id"] == "D2-F2"]
    assert len(uncited) == 1 and uncited["source_kind"].iloc[0] == audit.UNKNOWN_KIND


def test_figure_evidence_base_classifies_each_figure():
    base = audit.figure_evidence_base(FIGURES, CITATIONS, SOURCES).set_index("figure_id")["evidence_base"]
    assert base.to_dict() == {"D1-F1": "independent", "D1-F2": "mixed", "D1-F3": "claim_only",
                              "D2-F1": "claim_only", "D2-F2": "none"}


def test_figures_resting_on_claim_only_sources():
    out = audit.figures_resting_on_claim_only_sources(FIGURES, CITATIONS, SOURCES)
    assert list(out["figure_id"]) == ["D1-F3", "D2-F1"]
    assert list(out["single_source"]) == [True, False]
    assert out.loc[out["figure_id"] == "D2-F1", "source_kinds"].iloc[0] == "opinion, vendor"


def test_figures_by_support_status_and_source_kind_counts_figures_once_per_kind():
    table = audit.figures_by_support_status_and_source_kind(FIGURES, CITATIONS, SOURCES)
    assert list(table.index) == ["single_source", "disputed", "unverified"]  # vocabulary order
    assert table.loc["disputed", "figures"] == 2
    assert table.loc["disputed", "major_media"] == 2  # two figures, each counted once
    assert table.loc["disputed", "court"] == 1
    assert table.loc["single_source", audit.UNKNOWN_KIND] == 1


def test_disputed_figures_side_by_side_and_their_range():
    disputed = audit.disputed_figures(FIGURES, CITATIONS)
    assert list(disputed["figure_id"]) == ["D1-F1", "D1-F2"]  # the one-member group is left out
    assert disputed.loc[0, "source_ids"] == "afp, court"
    ranges = audit.dispute_ranges(disputed)
    assert ranges.iloc[0][["figures", "low", "high", "ratio"]].tolist() == [2, 240.0, 241.0, 1.0]


def test_dispute_ranges_uses_the_top_of_a_range():
    rows = audit.disputed_figures(FIGURES.assign(dispute_group="g"), CITATIONS)
    d2 = audit.dispute_ranges(rows).set_index("deployment_id").loc["D2"]
    assert (d2["low"], d2["high"]) == (3.0, 2000.0)


def test_claims_by_verdict_and_source_kind():
    table = audit.claims_by_verdict_and_source_kind(CLAIMS, SOURCES)
    assert table.loc["partisan", "differs"] == 1 and table.loc["partisan", "confirmed"] == 1
    assert table.loc["opinion", "total"] == 1
    assert list(table.columns) == ["confirmed", "differs", "opinion", "total"]


def test_seed_claims_are_those_of_the_seed_sources_in_claim_order():
    seeds = audit.seed_claims(CLAIMS, SOURCES)
    assert list(seeds["claim_id"]) == ["SEED001-1.1", "SEED001-1.2"]
    assert seeds["publisher_name"].unique().tolist() == ["Seed outlet"]
    by_verdict = audit.seed_claims_by_verdict(seeds)
    assert by_verdict.loc["seed-001-x"].to_dict() == {"confirmed": 1, "differs": 1, "total": 2}


DEPLOYMENTS = frame("deployments", [
    {"deployment_id": "D1", "title": "Valenciennes", "country_code": "FR", "category": "safe_city_platform",
     "status": "active", "start_date": "2016"},
    {"deployment_id": "D2", "title": "Somewhere", "country_code": "KE", "category": "safe_city_platform",
     "status": "active", "start_date": "2014"},
    {"deployment_id": "D3", "title": "At home", "country_code": "CN", "category": "video_surveillance",
     "status": "active", "start_date": "2015"},
])
ROLES = frame("deployment_organisations", [
    {"role_id": "D1/huawei/donor", "deployment_id": "D1", "organisation_id": "huawei", "role": "donor"},
    {"role_id": "D2/huawei/vendor", "deployment_id": "D2", "organisation_id": "huawei", "role": "vendor"},
    {"role_id": "D2/safaricom/integrator", "deployment_id": "D2", "organisation_id": "safaricom",
     "role": "integrator"},
    {"role_id": "D3/huawei/vendor", "deployment_id": "D3", "organisation_id": "huawei", "role": "vendor"},
    {"role_id": "D1/city/operator", "deployment_id": "D1", "organisation_id": "city", "role": "operator"},
])
ORGS = frame("organisations", [
    {"organisation_id": "huawei", "organisation_name": "Huawei", "country_code": "CN"},
    {"organisation_id": "safaricom", "organisation_name": "Safaricom", "country_code": "KE"},
    {"organisation_id": "city", "organisation_name": "City", "country_code": "FR"},
])


def test_exported_deployments_keep_vendor_claims_apart():
    exports = audit.exported_deployments(DEPLOYMENTS, ROLES, ORGS, CITATIONS, SOURCES, FIGURES, vendor="huawei")
    assert list(exports["deployment_id"]) == ["D1", "D2"]  # D3 is at home, not an export
    by_id = exports.set_index("deployment_id")
    assert by_id.loc["D1", "evidence"] == "independent"
    assert by_id.loc["D1", "independent_source_ids"] == "afp, court"
    assert by_id.loc["D2", "evidence"] == "vendor_claim"  # only Huawei's own material
    assert by_id.loc["D2", "vendor_source_ids"] == "hw"
    assert by_id.loc["D2", "vendor_claim_figures"] == 1


def test_exported_deployments_of_every_vendor_leave_home_integrators_out():
    exports = audit.exported_deployments(DEPLOYMENTS, ROLES, ORGS, CITATIONS, SOURCES, FIGURES)
    assert set(exports["vendor_id"]) == {"huawei"}  # Safaricom works in its own country


def test_deployments_by_vendor_and_recipient():
    exports = audit.exported_deployments(DEPLOYMENTS, ROLES, ORGS, CITATIONS, SOURCES, FIGURES)
    counts = audit.deployments_by_vendor_and_recipient(exports)
    assert counts[["country_code", "independent", "vendor_claim", "total"]].values.tolist() == [
        ["FR", 1, 0, 1], ["KE", 0, 1, 1]]


def test_cited_source_ids_include_role_citations_of_a_deployment():
    assert audit.cited_source_ids(CITATIONS, ["D1"]) == ["afp", "court"]
    assert audit.cited_source_ids(CITATIONS, [], extra=["x"]) == ["x"]


@pytest.mark.parametrize("call", [
    lambda e: audit.figure_evidence_base(e["figures"], e["citations"], SOURCES),
    lambda e: audit.figures_resting_on_claim_only_sources(e["figures"], e["citations"], SOURCES),
    lambda e: audit.figures_by_support_status_and_source_kind(e["figures"], e["citations"], SOURCES),
    lambda e: audit.dispute_ranges(audit.disputed_figures(e["figures"], e["citations"])),
    lambda e: audit.claims_by_verdict_and_source_kind(e["claims"], SOURCES),
    lambda e: audit.seed_claims_by_verdict(audit.seed_claims(e["claims"], SOURCES)),
    lambda e: audit.deployments_by_vendor_and_recipient(audit.exported_deployments(
        e["deployments"], e["roles"], ORGS, e["citations"], SOURCES, e["figures"], vendor="huawei")),
], ids=["evidence-base", "claim-only", "support-by-kind", "disputes", "claims", "seeds", "exports"])
def test_empty_tables_give_empty_frames(call):
    empty = {"figures": FIGURES.iloc[0:0], "citations": CITATIONS.iloc[0:0], "claims": CLAIMS.iloc[0:0],
             "deployments": DEPLOYMENTS.iloc[0:0], "roles": ROLES.iloc[0:0]}
    out = call(empty)
    assert isinstance(out, pd.DataFrame) and out.empty
