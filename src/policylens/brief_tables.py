"""Tables as a brief's reader sees them: translated headers, formatted dates and labels.

Several briefs show the same kind of table; building it here keeps their columns and wording
the same in every brief and both languages.
"""

from __future__ import annotations

import pandas as pd


def key_events_table(events: pd.DataFrame, titles: pd.Series, t) -> pd.DataFrame:
    """Date, deployment, event type and description of ``events``, for ``report.table``.

    Args:
        events: Rows of the ``events`` table (with ``event_date``, ``deployment_id``,
            ``event_type``, ``description``), in the order to show.
        titles: Deployment title by deployment id.
        t: A ``policylens.i18n`` translator.
    """
    return pd.DataFrame(
        {
            t("Date"): [t.partial_date(d) for d in events["event_date"]],
            t("Deployment"): [titles[d] for d in events["deployment_id"]],
            t("Event"): [t.label("event_type", e) for e in events["event_type"]],
            t("What happened"): list(events["description"]),
        }
    )
