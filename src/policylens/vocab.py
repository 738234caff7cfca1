"""Controlled vocabularies: every allowed code of every categorical column, with its meaning.

Each vocabulary is a code table (PUDL's ``CODE_METADATA`` shape): ``code`` -> ``Code(label,
description)``, plus ``aliases`` for spellings that curators type by habit and that validation
answers with "did you mean". Nothing here does I/O; the schema module refers to these by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Code:
    """One allowed value of a vocabulary."""

    label: str
    description: str


@dataclass(frozen=True)
class Vocabulary:
    """A named set of codes, with known misspellings mapped to the right code."""

    name: str
    description: str
    codes: dict[str, Code]
    aliases: dict[str, str] = field(default_factory=dict)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def label(self, code: str) -> str:
        """The human label of ``code``."""
        return self.codes[code].label


def _vocab(name: str, description: str, codes: dict[str, tuple[str, str]], aliases=None) -> Vocabulary:
    return Vocabulary(
        name=name,
        description=description,
        codes={c: Code(label, desc) for c, (label, desc) in codes.items()},
        aliases=dict(aliases or {}),
    )


CATEGORY = _vocab(
    "category",
    "What kind of surveillance technology or programme a deployment is.",
    {
        "health_code": ("Health code", "Colour-coded QR status app that gates movement and access (COVID-19)."),
        "contact_tracing_app": ("Contact-tracing app", "App or token that records proximity to trace contacts of infected people."),
        "facial_recognition": ("Facial recognition", "Automated identification or comparison of faces in images or live video."),
        "biometric_access_control": ("Biometric access control", "Face or other biometric comparison to let people through a gate."),
        "video_surveillance": ("Video surveillance", "Camera networks (CCTV) and their control rooms, with or without analytics."),
        "safe_city_platform": ("Safe city platform", "Integrated public-security platform (cameras, command centre, data) sold as 'safe city'."),
        "sound_surveillance": ("Sound surveillance", "Microphones or sound sensors that detect events in public space."),
        "data_platform": ("Policing data platform", "Data analysis or 'big data' platform for public order."),
        "social_credit": ("Social credit", "Blacklists, ratings and joint punishments of China's social credit system."),
        "digital_id": ("Digital identity", "State-issued online identity or real-name authentication."),
        "grid_management": ("Grid management", "Division of neighbourhoods into grids watched by assigned staff and software."),
        "overseas_policing": ("Overseas policing", "Police presence or service stations operating in another country."),
        "police_cooperation": ("Police cooperation", "Training, equipment or joint operations offered to foreign police."),
        "equipment_restriction": ("Equipment restriction", "A state's ban or restriction on buying surveillance equipment from named vendors."),
        "manual_contact_tracing": ("Manual contact tracing", "Tracing of the contacts of infected people by health staff (interviews, calls), "
                                   "as OxCGRT indicator H3 records it. Not an app: contact-tracing apps and health codes are "
                                   "not recorded under H3."),
        "licence_plate_recognition": ("Licence-plate recognition", "Cameras that read vehicle number plates automatically (ALPR/ANPR)."),
        "body_worn_camera": ("Body-worn camera", "Cameras worn by police officers."),
        "drone": ("Drone", "Unmanned aircraft used for policing or surveillance."),
        "cell_site_simulator": ("Cell-site simulator", "Fake mobile base station that intercepts phone identifiers or traffic (IMSI catcher)."),
        "social_media_monitoring": ("Social media monitoring", "Software that watches or searches social media for policing."),
    },
    aliases={"facial-recognition": "facial_recognition", "lfr": "facial_recognition", "safe_city": "safe_city_platform",
             "cctv": "video_surveillance", "tracing_app": "contact_tracing_app", "healthcode": "health_code"},
)

STATUS = _vocab(
    "status",
    "Where a deployment stands at the latest date the sources describe.",
    {
        "announced": ("Announced", "Announced or planned; no evidence it ran."),
        "pilot": ("Pilot", "Ran as a test or experiment, limited in time, place or participants."),
        "active": ("Active", "In use at the latest date the sources describe."),
        "suspended": ("Suspended", "Stopped for now by its operator, a regulator or a court; may resume."),
        "ended": ("Ended", "Switched off or wound down."),
        "blocked": ("Blocked", "Stopped before it ran, by a regulator or a court."),
    },
    aliases={"experimental": "pilot", "test": "pilot", "defunct": "ended", "stopped": "ended"},
)

GEOGRAPHIC_LEVEL = _vocab(
    "geographic_level",
    "The scale of the place a deployment covers.",
    {
        "international": ("International", "Spans several countries; country_code is left blank."),
        "country": ("Country", "A whole country."),
        "region": ("Region", "A province, state, region or other first-level division."),
        "city": ("City", "A city or metropolitan area."),
        "site": ("Site", "A single site: a school, a station, an event enclosure."),
    },
)

PARTICIPATION = _vocab(
    "participation",
    "Whether people subject to a deployment could refuse it, according to the sources.",
    {
        "mandatory": ("Mandatory", "Required by law or in practice to move, work or enter places."),
        "voluntary": ("Voluntary", "Use or participation is optional."),
        "mixed": ("Mixed", "Voluntary in law but required by some employers, venues or places."),
        "not_applicable": ("Not applicable", "The question does not arise (e.g. a camera network)."),
        "unknown": ("Unknown", "The sources do not say."),
    },
)

POLICE_DATA_ACCESS = _vocab(
    "police_data_access",
    "Whether police could use the data collected, according to the sources.",
    {
        "documented": ("Documented", "Police access or use is documented."),
        "excluded": ("Excluded", "Police access was excluded by law or design and no breach is documented."),
        "not_applicable": ("Not applicable", "The deployment is itself run by or for the police."),
        "unknown": ("Unknown", "The sources do not say."),
    },
)

RECORD_STATUS = _vocab(
    "record_status",
    "Whether a record is current. Records are never deleted: a wrong one is retracted with a reason.",
    {
        "current": ("Current", "The record stands."),
        "retracted": ("Retracted", "The record was found wrong; it is kept for the record and excluded from briefs."),
    },
)

DATE_PRECISION = _vocab(
    "date_precision",
    "How much of a partial date is known.",
    {
        "year": ("Year", "Only the year is known (YYYY)."),
        "month": ("Month", "Year and month are known (YYYY-MM)."),
        "day": ("Day", "The exact day is known (YYYY-MM-DD)."),
    },
)

ORGANISATION_KIND = _vocab(
    "organisation_kind",
    "What kind of body an organisation is.",
    {
        "government": ("Government", "National, regional or local government or ministry."),
        "police": ("Police", "Police or other law-enforcement body."),
        "regulator": ("Regulator", "Independent regulator or data-protection authority."),
        "court": ("Court", "Court or tribunal."),
        "legislature": ("Legislature", "Parliament or legislative body."),
        "company": ("Company", "Private or state-owned company."),
        "ngo": ("NGO", "Non-governmental organisation, campaign group or union."),
        "research": ("Research body", "University, think tank or research institute."),
        "international_body": ("International body", "Intergovernmental organisation or UN body."),
        "media": ("Media", "News organisation."),
        "community_association": ("Community association", "Diaspora, hometown or community association."),
        "person": ("Person", "A named individual acting on their own account."),
    },
)

ROLE = _vocab(
    "role",
    "The part an organisation plays in a deployment.",
    {
        "operator": ("Operator", "Runs the deployment and decides its use."),
        "vendor": ("Vendor", "Supplies the technology (hardware, software or platform)."),
        "developer": ("Developer", "Built the software or system."),
        "licensor": ("Licensor", "Owns the technology licensed to the vendor or operator."),
        "integrator": ("Integrator", "Installs and connects systems from others."),
        "donor": ("Donor", "Gave the equipment or system free of charge."),
        "funder": ("Funder", "Paid for or financed the deployment (loan, grant, budget)."),
        "partner": ("Partner", "Named partner whose role the sources do not specify further."),
        "overseer": ("Overseer", "Regulator, court or body that oversaw, authorised or ruled on it."),
        "challenger": ("Challenger", "Brought a complaint or lawsuit against it."),
        "subject": ("Subject", "Body whose members are the people watched or targeted."),
    },
)

EVENT_TYPE = _vocab(
    "event_type",
    "What happened on a dated event.",
    {
        "announced": ("Announced", "Publicly announced or presented."),
        "decision": ("Decision", "A deliberation, decree or administrative decision that sets it up."),
        "contract_signed": ("Contract signed", "A contract, convention or agreement signed."),
        "donation": ("Donation", "Equipment or a system given free of charge."),
        "launched": ("Launched", "Went live or started running."),
        "test": ("Test", "A trial or test run."),
        "expanded": ("Expanded", "Extended to more places, people or functions."),
        "legislation": ("Legislation", "A law or regulation adopted or in force."),
        "regulator_opinion": ("Regulator opinion", "A regulator's opinion, letter or public statement."),
        "regulator_inspection": ("Regulator inspection", "A regulator's inspection or audit."),
        "regulator_sanction": ("Regulator sanction", "A regulator's warning, order or fine."),
        "court_filing": ("Court filing", "A lawsuit or complaint filed."),
        "court_ruling": ("Court ruling", "A court decision or judgment."),
        "arrest": ("Arrest or charge", "Arrests or criminal charges."),
        "plea_or_conviction": ("Plea or conviction", "A guilty plea or conviction."),
        "suspended": ("Suspended", "Stopped for now."),
        "ended": ("Ended", "Switched off or wound down."),
        "data_deleted": ("Data deleted", "Collected data deleted or promised to be deleted."),
        "report_published": ("Report published", "An investigation, report or study published."),
        "incident": ("Incident", "Misuse, abuse, leak or other incident."),
        "statement": ("Statement", "An official or company statement about it."),
        "indicator_change": ("Indicator level changed", "An imported dataset's coded indicator (e.g. OxCGRT H3) was first "
                             "recorded, or changed level, on this date; one event per change, not per day."),
        "dataset_note": ("Dataset note", "A coder's dated note in an imported dataset (e.g. OxCGRT H3_Notes), "
                         "with the sources it cites."),
    },
    aliases={"launch": "launched", "ruling": "court_ruling", "sanction": "regulator_sanction",
             "opinion": "regulator_opinion", "contract": "contract_signed", "end": "ended"},
)

METRIC = _vocab(
    "metric",
    "What a figure counts or measures.",
    {
        "cameras": ("Cameras", "Number of cameras."),
        "users": ("Users", "Number of users, registrations or codes issued to people."),
        "downloads": ("Downloads", "Number of app downloads."),
        "visits": ("Visits", "Number of visits or uses."),
        "volunteers": ("Volunteers", "Number of volunteers taking part in a test."),
        "test_days": ("Test days", "Number of days a test ran."),
        "cities": ("Cities", "Number of cities covered."),
        "provinces": ("Provinces", "Number of provinces or regions covered."),
        "countries": ("Countries", "Number of countries covered."),
        "platforms": ("Platforms", "Number of apps or platforms connected."),
        "sites": ("Sites", "Number of sites, stations or offices."),
        "people_restricted": ("People restricted", "Number of people subject to a restriction."),
        "purchases_blocked": ("Purchases blocked", "Number of ticket purchases blocked (not people)."),
        "people_detained": ("People detained", "Number of people detained."),
        "police_trained": ("Police trained", "Number of police officers trained."),
        "companies": ("Companies", "Number of companies."),
        "agreements": ("Agreements", "Number of agreements or contracts."),
        "incidents": ("Incidents", "Number of incidents."),
        "arrests": ("Arrests", "Number of arrests or people charged."),
        "contract_value": ("Contract value", "Value of a contract, loan, donation or budget."),
        "fine": ("Fine", "Amount of a fine."),
        "score_points": ("Score points", "Points of a rating or score."),
        "staff": ("Staff", "Number of staff or operators."),
        "population": ("Population", "Population of the place, for context."),
        "oxcgrt_h3_level": ("OxCGRT H3 level (manual contact tracing)", "OxCGRT indicator H3 on its ordinal scale: "
                            "0 no contact tracing, 1 limited (not done for all cases), 2 comprehensive (done for all "
                            "identified cases). Manual tracing only: apps are not recorded under H3."),
    },
    aliases={"camera": "cameras", "volunteer": "volunteers", "cost": "contract_value", "value": "contract_value"},
)

UNIT = _vocab(
    "unit",
    "The unit of a figure's value.",
    {
        "count": ("Count", "A number of things or people."),
        "percent": ("Percent", "A percentage."),
        "days": ("Days", "A number of days."),
        "points": ("Points", "Points on a rating scale."),
        "level": ("Level", "A level on a dataset's ordinal coding scale (not a count, not a measurement)."),
        "EUR": ("Euro", "Euros."),
        "USD": ("US dollar", "US dollars."),
        "CNY": ("Renminbi", "Chinese yuan."),
        "KES": ("Kenyan shilling", "Kenyan shillings."),
        "GBP": ("Pound sterling", "British pounds."),
        "RSD": ("Serbian dinar", "Serbian dinars."),
        "UGX": ("Ugandan shilling", "Ugandan shillings."),
        "SGD": ("Singapore dollar", "Singapore dollars."),
        "INR": ("Indian rupee", "Indian rupees."),
        "RUB": ("Russian rouble", "Russian roubles."),
    },
    aliases={"eur": "EUR", "usd": "USD", "€": "EUR", "$": "USD", "number": "count"},
)

QUALIFIER = _vocab(
    "qualifier",
    "How the source states a figure's value.",
    {
        "exact": ("Exact", "Stated as an exact number."),
        "about": ("About", "Stated as approximate ('about', 'some', 'nearly')."),
        "at_least": ("At least", "Stated as a lower bound ('more than', '100+')."),
        "at_most": ("At most", "Stated as an upper bound ('up to', 'fewer than')."),
        "range": ("Range", "Stated as a range; value is the low end and value_upper the high end."),
    },
    aliases={"approximately": "about", "approx": "about", "more_than": "at_least", "over": "at_least"},
)

FIGURE_BASIS = _vocab(
    "figure_basis",
    "Who stands behind a figure, and how it was arrived at.",
    {
        "reported": ("Reported", "Reported by a source from its own reporting or documents."),
        "official_statement": ("Official statement", "Stated by a government, police force, regulator or court."),
        "operator_statement": ("Operator statement", "Stated by the body that runs the deployment."),
        "vendor_claim": ("Vendor claim", "Stated by the company selling the technology, about its own products."),
        "forecast": ("Forecast", "A market or policy forecast, not a count."),
        "estimate": ("Estimate", "An estimate by researchers or journalists."),
        "seed_claim": ("Claim in a seed text", "Stated by one of the opinion or partisan texts this project started from."),
    },
)

SUPPORT_STATUS = _vocab(
    "support_status",
    "How well the evidence supports a figure.",
    {
        "confirmed": ("Confirmed", "Two or more independent sources of standing agree, or an official primary document states it."),
        "single_source": ("Single source", "Only one source of standing states it; nothing contradicts it."),
        "disputed": ("Disputed", "Sources give different values for the same quantity; all values are kept side by side."),
        "unverified": ("Unverified", "Rests only on a partisan, opinion, vendor or low-quality source, or could not be found elsewhere."),
        "refuted": ("Refuted", "Sources of standing contradict it."),
    },
    aliases={"single-source": "single_source", "verified": "confirmed", "false": "refuted", "wrong": "refuted"},
)

VERDICT = _vocab(
    "verdict",
    "The fact-check verdict on a claim made in a source text.",
    {
        "confirmed": ("Confirmed", "An independent source says the same."),
        "confirmed_as_claim": ("Confirmed as a claim", "Someone did say it, as reported; the content itself is that party's claim."),
        "partly": ("Partly true", "The core is right but a detail is wrong, missing or overstated."),
        "differs": ("Differs", "Sources of standing say something materially different."),
        "unverified": ("Unverified", "Searched, not found outside the claim's own outlet."),
        "opinion": ("Opinion", "A judgement or prediction rather than a checkable fact."),
        "not_checked": ("Not checked", "Not searched: out of scope."),
    },
    aliases={"partly_true": "partly", "false": "differs", "unchecked": "not_checked"},
)

SOURCE_KIND = _vocab(
    "source_kind",
    "What kind of publisher a source is, which bounds what it can support on its own.",
    {
        "official": ("Official", "Government or public body's own publication, statement or release."),
        "court": ("Court", "A judgment or court record, or its text on a legal database."),
        "regulator": ("Regulator", "A regulator's decision, opinion or release."),
        "vendor": ("Vendor", "A company's own marketing, case study or release about its products."),
        "state_media": ("State media", "State-controlled media: reliable for official positions and dates, not for independent checks."),
        "major_media": ("Major media", "Major news outlet or wire service, national or regional outlet of standing."),
        "specialist": ("Specialist", "Trade or legal press, research institute, think tank."),
        "advocacy": ("Advocacy", "NGO or campaign site."),
        "partisan": ("Partisan", "Outlet with a declared editorial stance on the subject; supports only that a claim is made."),
        "opinion": ("Opinion", "Opinion blog or column; supports only that a claim is made."),
        "reference": ("Reference work", "Encyclopaedia or wiki; cite its references where possible."),
        "mirror": ("Mirror", "Copy of another publisher's text whose original could not be classified."),
        "low": ("Low quality", "Aggregator, content farm or spam-like host; a pointer only."),
    },
    aliases={"major": "major_media", "news": "major_media", "wiki": "reference", "ngo": "advocacy",
             "official-vendor": "vendor", "official_text": "court", "blog": "opinion"},
)

# Kinds that can show a claim was *made*, never that it is true.
CLAIM_ONLY_SOURCE_KINDS = frozenset({"partisan", "opinion", "vendor", "low", "mirror"})

TITLE_STATUS = _vocab(
    "title_status",
    "Where a source's title comes from.",
    {
        "as_published": ("As published", "The headline as it appeared on the page."),
        "from_slug": ("From URL slug", "Rebuilt from the URL slug because the headline was not visible; check before quoting."),
        "descriptive": ("Descriptive", "No title was captured; a short description written by the curator."),
    },
)

CITATION_ROLE = _vocab(
    "citation_role",
    "What a cited source does for the record it is attached to.",
    {
        "supports": ("Supports", "The source states what the record says."),
        "makes_claim": ("Makes the claim", "The source is where the claim or figure is made; it is not evidence that it is true."),
        "contradicts": ("Contradicts", "The source says something different."),
        "context": ("Context", "Background that the record relies on."),
    },
)

TARGET_TABLE = _vocab(
    "target_table",
    "Which table a citation's target id belongs to.",
    {
        "deployments": ("Deployment", "A deployment record."),
        "deployment_organisations": ("Deployment role", "An organisation's role in a deployment."),
        "events": ("Event", "A dated event."),
        "figures": ("Figure", "A figure."),
        "claims": ("Claim", "A claim made in a source text."),
    },
)

ORIGIN_DATASET = _vocab(
    "origin_dataset",
    "Which dataset a row came from.",
    {
        "curated": ("policylens curated", "Hand-curated YAML records in data/curated/."),
        "oxcgrt": ("OxCGRT", "Oxford COVID-19 Government Response Tracker (CC BY 4.0)."),
        "atlas": ("Atlas of Surveillance", "EFF Atlas of Surveillance export (CC BY 4.0)."),
        "table": ("Mapped table", "A country x technology x vendor table read through a mapping file."),
    },
)

VOCABULARIES: dict[str, Vocabulary] = {
    v.name: v
    for v in (
        CATEGORY, STATUS, GEOGRAPHIC_LEVEL, PARTICIPATION, POLICE_DATA_ACCESS, RECORD_STATUS,
        DATE_PRECISION, ORGANISATION_KIND, ROLE, EVENT_TYPE, METRIC, UNIT, QUALIFIER, FIGURE_BASIS,
        SUPPORT_STATUS, VERDICT, SOURCE_KIND, TITLE_STATUS, CITATION_ROLE, TARGET_TABLE, ORIGIN_DATASET,
    )
}
