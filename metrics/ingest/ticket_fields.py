"""Canonical fields and header synonyms of kind "tickets" (support tickets), to be merged into mapping.py.

Same shapes as mapping.FIELDS / mapping.SYNONYMS: FIELDS_TICKETS is the list FIELDS["tickets"] will hold;
SYNONYMS_TICKETS are kind-specific synonyms (like SYNONYMS_REVENUE), matched after normalise_header(), earlier
ones winning. Headers are those of real help-desk exports: Zendesk (tickets view export and the API/Fivetran
`ticket` table), Freshdesk, Intercom conversations, HubSpot tickets, and generic files.

Zendesk's `updated_at` is *not* a resolution time (Zendesk touches it on every change, including the automatic
close days after the solve); it maps only to `updated_at`, which orders the rows of an event log.
"""

from __future__ import annotations

from metrics.ingest.mapping import normalise_header

# (field, label, required)
FIELDS_TICKETS = [
    ("ticket_id", "ticket id", True),
    ("customer_id", "customer / organization id", False),
    ("created_at", "created at", False),
    ("first_reply_at", "first agent reply at", False),
    ("solved_at", "solved / resolved at", False),
    ("closed_at", "closed at (used as the solve time only when there is no solved time)", False),
    ("updated_at", "updated at (orders the rows of an event log; never a resolution time)", False),
    ("first_reply_time", "first reply time (a duration, calendar time)", False),
    ("first_reply_time_business", "first reply time in business hours", False),
    ("resolution_time", "resolution time (a duration, calendar time)", False),
    ("resolution_time_business", "resolution time in business hours", False),
    ("status", "ticket status", False),
    ("priority", "priority", False),
    ("channel", "channel (via / source)", False),
    ("satisfaction", "satisfaction (CSAT) rating", False),
    ("reopens", "reopens (count or flag)", False),
    ("escalated", "escalated flag", False),
    ("tags", "tags", False),
    ("subject", "subject", False),
    ("segment", "segment", False),
    ("region", "region", False),
]

SYNONYMS_TICKETS = {
    "ticket_id": ["ticketid", "id", "ticketnumber", "ticket", "conversationid", "caseid", "casenumber",
                  "hsobjectid", "recordid", "number"],
    # B2B: the organization is the customer; the requester (a person) only when there is no organization.
    "customer_id": ["organizationid", "organization", "organisation", "organisationid", "companyid",
                    "associatedcompanyid", "associatedcompanyids", "associatedcompany", "company", "companyname",
                    "accountid", "account", "customerid", "customer", "clientid", "requesterid", "requester",
                    "contactid", "userid", "customeremail", "requesteremail", "email"],
    "created_at": ["createdat", "created", "createdtime", "createdate", "createddate", "createdatutc",
                   "submittedat", "submitted", "openedat", "opened", "startedat", "conversationstartedat",
                   "datecreated", "creationdate", "ticketcreated"],
    "first_reply_at": ["firstreplyat", "firstrepliedat", "firstresponseat", "firstrespondedat", "initialresponsetime",
                       "firstadminreplyat", "statisticsfirstadminreplyat", "firstagentreplyat",
                       "firstresponsedate", "firstresponsetimestamp"],
    "solved_at": ["solvedat", "solved", "resolvedat", "resolvedtime", "resolved", "resolutiondate", "solveddate",
                  "statisticslastcloseat", "lastcloseat", "timeresolved"],
    "closed_at": ["closedat", "closed", "closedtime", "closedate", "closeddate", "firstcloseat",
                  "statisticsfirstcloseat"],
    "updated_at": ["updatedat", "updated", "lastupdatetime", "lastupdated", "lastmodifieddate", "modifiedat",
                   "eventtime", "changedat", "auditcreatedat", "timestamp"],
    "first_reply_time": ["firstreplytimeinminutes", "firstreplytime", "firstresponsetimeminutes",
                         "firstresponsetimeinminutes", "firstresponsetimeinhrs", "firstresponsetimeinhours",
                         "firstresponsetimehours", "firstreplytimeinhours",
                         "firstresponsetime", "firstresponsetimehhmmss", "timetofirstagentemailreplyhhmmss",
                         "timetofirstagentemailreply", "statisticstimetoadminreply", "timetoadminreply",
                         "firstreplyminutes", "firstresponseminutes", "responsetime", "firstresponse", "firstreply"],
    "first_reply_time_business": ["firstreplytimeinminuteswithinbusinesshours", "firstreplytimebusinesshours",
                                  "firstresponsetimebusinesshours", "firstreplytimewithinbusinesshours"],
    "resolution_time": ["fullresolutiontimeinminutes", "fullresolutiontime", "resolutiontimeinminutes",
                        "resolutiontimeinhrs", "resolutiontimeinhours", "resolutiontimehours",
                        "resolutiontime", "resolutiontimeminutes",
                        "timetoresolution", "timetoclosehhmmss", "timetoclose", "statisticstimetofirstclose",
                        "timetofirstclose", "resolutionhours", "resolutionminutes"],
    "resolution_time_business": ["fullresolutiontimeinminuteswithinbusinesshours", "fullresolutiontimebusinesshours",
                                 "resolutiontimebusinesshours", "resolutiontimewithinbusinesshours"],
    "status": ["status", "ticketstatus", "state", "conversationstate", "pipelinestage", "stage"],
    "priority": ["priority", "ticketpriority", "urgency", "severity"],
    "channel": ["viachannel", "via", "channel", "ticketchannel", "source", "medium", "origin"],
    "satisfaction": ["satisfactionscore", "satisfaction", "satisfactionrating", "customersatisfactionrating",
                     "customersatisfaction", "csat", "csatscore", "csatrating", "conversationrating",
                     "conversationratingrating", "rating", "surveyresults", "satisfactionratingscore"],
    "reopens": ["reopens", "reopencount", "countreopens", "statisticscountreopens", "numberofreopens",
                "reopened", "isreopened", "reopenflag"],
    "escalated": ["escalated", "escalationflag", "isescalated", "escalation"],
    "tags": ["tags", "tag", "labels", "ticketstags"],
    "subject": ["subject", "ticketsubject", "title", "ticketname", "conversationtitle"],
    "segment": ["segment", "customersegment", "tier", "plan", "plantier"],
    "region": ["region", "geo", "territory", "market", "country"],
}


def detect_ticket_mapping(columns: list[str]) -> dict[str, str]:
    """Map each ticket field to the best-matching column (each column used once), like mapping.detect_mapping.
    Business-hours duration columns are matched first so "… within business hours" never becomes the calendar
    duration."""
    normalised = {normalise_header(c): c for c in reversed(columns)}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    order = sorted(FIELDS_TICKETS, key=lambda f: not f[0].endswith("_business"))
    for name, _label, _req in order:
        col = next((normalised[s] for s in SYNONYMS_TICKETS[name] if normalised.get(s) not in (None, *used)), None)
        if col is None and name.endswith("_business"):
            stem = name.removesuffix("_business").replace("_time", "").replace("_", "")  # firstreply, resolution
            col = next((c for c in columns if c not in used and "business" in normalise_header(c)
                        and stem in normalise_header(c).replace("response", "reply")), None)
        if col is not None:
            mapping[name] = col
            used.add(col)
    return {name: mapping[name] for name, _l, _r in FIELDS_TICKETS if name in mapping}
