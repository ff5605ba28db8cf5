"""Canonical fields of each kind, header synonyms, and detection of the mapping and the kind."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

from metrics.errors import (
    UnknownKindError,
)

# Canonical fields of each kind: (field, label, required). Header synonyms are matched after
# normalising (lower case, letters and digits only); earlier synonyms win.
FIELDS = {
    "nps": [("score", "NPS score (0–10)", True), ("response_date", "response date", True),
            ("customer_id", "customer id", False), ("response_id", "response id", False),
            ("comment", "comment", False), ("segment", "segment", False), ("region", "region", False),
            ("channel", "channel", False)],
    "customers": [("customer_id", "customer id", True), ("start_date", "start date", True),
                  ("churn_date", "churn date", False), ("churned", "churned flag", False),
                  ("tenure", "tenure in months", False), ("name", "customer name", False),
                  ("segment", "segment", False), ("region", "region", False), ("plan", "plan", False),
                  ("subscription_id", "subscription id (one row per subscription)", False),
                  ("status", "subscription status", False)],
    "revenue": [("customer_id", "customer id", True), ("month", "month or invoice date", True),
                ("amount", "amount (MRR or revenue)", True), ("interval", "billing interval", False),
                ("interval_count", "billing interval count (6 with month: every 6 months)", False),
                ("start_date", "subscription start", False), ("end_date", "subscription end / canceled at", False),
                ("status", "status", False), ("quantity", "quantity (seats)", False),
                ("tenure", "tenure in months (snapshot files)", False),
                ("churned", "churned flag (snapshot files)", False),
                # invoice lines (prepare_revenue.py): a service period longer than a month is spread over its
                # months; a tax column is subtracted from a tax-inclusive total (MRR excludes tax)
                ("period_start", "service period start (invoice lines)", False),
                ("period_end", "service period end (invoice lines)", False),
                ("tax", "tax (subtracted from the total: MRR excludes tax)", False),
                ("refunded", "amount refunded (subtracted: a refund is not revenue)", False),
                # a payment's amount taken back by the buyer's bank (Mollie's 'amountChargedBack'): not revenue
                ("charged_back", "amount charged back (subtracted: a chargeback takes the payment back)", False),
                # an order's total holds the shipping charged: passed on to a carrier, not earned
                ("shipping", "shipping (subtracted from the total: not revenue)", False)],
    # Satisfaction answers (CSAT, review stars): never NPS (METRICS.md, CSAT); rows built by prepare_csat.py.
    "csat": [("score", "satisfaction score (CSAT: 1–5, 1–7, 1–10 or Good/Bad)", True),
             ("response_date", "response date", True), ("customer_id", "customer id", False),
             ("response_id", "response id", False), ("comment", "comment", False), ("segment", "segment", False),
             ("region", "region", False), ("channel", "channel", False)],
}
# Support tickets (help-desk exports: Zendesk views and the API/Fivetran `ticket` table, Freshdesk, Intercom
# conversations, HubSpot tickets, generic files); rows built by prepare_tickets.py. Zendesk's `updated_at` is *not*
# a resolution time (touched on every change, including the automatic close days after the solve): it maps only to
# `updated_at`, which orders the rows of an event log.
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
    "ticket_id": ["ticketid", "id", "ticketnumber", "requestid",  # Zoho Desk's export: 'Request Id'
                  "ticket", "conversationid", "caseid", "casenumber",
                  "hsobjectid", "recordid", "number", "issuekey", "issueid", "sessionid",  # Crisp's conversations
                  "ticketnummer", "ticketnr",  # German Zendesk / Freshdesk: 'Ticket-ID', 'Ticketnummer'
                  "conferenceid", "chatid"],  # LiveChat's chats ('conferenceId')
    # B2B: the organization is the customer; the requester (a person) only when there is no organization.
    # Jira Service Management writes 'Organizations' (a request's customer organisations)
    "customer_id": ["organizationid", "organization", "organizations", "organisation", "organisations",
                    "organisationid", "companyid",
                    # HubSpot: 'Associated Company IDs (Primary)' before the list of every associated company
                    "associatedcompanyidsprimary", "associatedcompanyid", "associatedcompanyids", "associatedcompany",
                    "company", "companyname",
                    "accountid", "account", "accountname", "customerid", "customer", "clientid", "requesterid",
                    "requester",
                    # German exports: 'Firma', 'Kunden-ID', 'Anforderer-ID' / 'Anforderer' (the requester)
                    "firma", "unternehmen", "kundenid", "kundennummer", "kunde", "anfordererid", "anforderer",
                    "contactid", "userid", "customeremail", "requesteremail", "email", "anfordereremail"],
    # Gorgias: '…_datetime'. A bare 'closed' / 'solved' / 'resolved' comes after the dated headers: Salesforce's
    # 'Closed' is a 0/1 checkbox beside 'Closed Date', and was read as the closed time (refused as "not times")
    "created_at": ["createdat", "createddatetime", "created", "createdtime", "createdate", "createddate",
                   "createdatutc",
                   "submittedat", "submitted", "openedat", "opened", "startedat", "conversationstartedat",
                   "datecreated", "creationdate", "ticketcreated",
                   "datetimeopened", "dateopened",  # Salesforce's Cases report ('Date/Time Opened')
                   "createdon",  # Dynamics 365 cases ('Created On'): its cases export was refused without it
                   "chatstartdate",  # LiveChat's chats ('chat start date Europe/London', _by_name)
                   "erstelltam", "erstellungsdatum", "erstelldatum", "erstellungszeit", "erstellt"],  # German
    "first_reply_at": ["firstreplyat", "firstrepliedat", "firstresponseat", "firstrespondedat", "initialresponsetime",
                       "firstadminreplyat", "statisticsfirstadminreplyat", "firstagentreplyat",
                       "firstresponsedate", "firstresponsetimestamp", "firstresponsedatetime",
                       "conversationfirstrepliedat",  # Intercom's conversations export
                       "ersteantwortam", "ersteantwortum"],  # German
    "solved_at": ["solvedat", "resolvedat", "resolvedtime", "resolutiondate", "solveddate", "solveddatetime",
                  "resolveddatetime", "statisticslastcloseat", "lastcloseat", "lastclosedat", "timeresolved",
                  "resolveddate", "dateresolved", "conversationlastclosedat",  # Intercom's export: the final close
                  "geloestam", "geloestum", "loesungsdatum",  # German ('Gelöst am'; umlauts fold to ae/oe/ue)
                  "solved", "resolved", "geloest"],  # Freshservice; LiveAgent; German Zendesk 'Gelöst'
    # Salesforce's 'Date/Time Closed', Zoho Desk's 'Ticket Closed Time' (unread: nothing was solved). A Salesforce
    # case report may also carry 'Closed Date', the same close without its time: 'Date/Time Closed' comes first (a
    # case opened 09:00 and closed 13:00 read as closed at midnight, whole days)
    "closed_at": ["closedat", "closedtime", "datetimeclosed", "closeddatetime", "closedate", "closeddate",
                  "ticketclosedtime", "ticketclosedat", "firstcloseat",
                  "firstclosedat", "statisticsfirstcloseat", "conversationfirstclosedat", "geschlossenam",
                  "geschlossenum", "closed",
                  "geschlossen"],
    "updated_at": ["updatedat", "updated", "lastupdatetime", "lastupdated", "lastmodifieddate", "modifiedat",
                   "eventtime", "changedat", "auditcreatedat", "timestamp",
                   "aktualisiertam", "aktualisiert", "letzteaktualisierung", "geaendertam"],  # German
    "first_reply_time": ["firstreplytimeinminutes", "firstreplytime", "firstresponsetimeminutes",
                         "firstresponsetimeinminutes", "firstresponsetimeinhours",
                         "firstresponsetimehours", "firstreplytimeinhours",
                         "firstresponsetime", "firstresponsetimehhmmss",
                         "firstresponsetimemmss", "timetofirstagentemailreplyhhmmss",
                         "timetofirstagentemailreply", "statisticstimetoadminreply", "timetoadminreply",
                         "timetofirstadminreply", "timetofirstadminreplyseconds", "timetoadminreplyseconds",
                         "firstreplyminutes", "firstresponseminutes", "responsetime", "firstresponse", "firstreply",
                         # the unit after the name ('first_reply_time_minutes'); HubSpot's 'Time to first agent
                         # reply (HH:mm:ss)': unmapped, they were left out unsaid
                         "firstreplytimeminutes", "firstreplytimehours", "firstresponsetimeseconds",
                         "firstreplytimeseconds", "timetofirstagentreplyhhmmss", "timetofirstagentreply",
                         # German: 'Erste Antwortzeit (Std.)' (hours, ticket_values._unit_from_header), '… in Minuten'
                         "ersteantwortzeitstd", "ersteantwortzeitinstunden", "ersteantwortzeitinminuten",
                         "ersteantwortzeit", "erstantwortzeit", "ersteantwort",
                         "antwortzeitstd", "antwortzeitinstunden", "antwortzeitinminuten"],
    # Freshdesk's (and Freshservice's) 'First response time (in hrs)' / 'Resolution time (in hrs)' are business
    # hours, H:MM:SS, though the header does not say so: its export writes hhmm(first_resp_time_by_bhrs) and
    # hhmm(resolution_time_by_bhrs). Read as calendar time, a ticket created Friday 16:00 and answered Monday 09:30
    # had a 1.5 h first reply for 65.5 h when the export had no 'Initial response time' to check it against.
    "first_reply_time_business": ["firstreplytimeinminuteswithinbusinesshours", "firstreplytimebusinesshours",
                                  "firstresponsetimebusinesshours", "firstreplytimewithinbusinesshours",
                                  "firstresponsetimeinhrs"],
    "resolution_time": ["fullresolutiontimeinminutes", "fullresolutiontime", "resolutiontimeinminutes",
                        "resolutiontimeinhours", "resolutiontimehours",
                        "resolutiontime", "resolutiontimeminutes",
                        "timetoresolution", "timetoclosehhmmss", "timetoclose", "statisticstimetofirstclose",
                        "timetofirstclose", "timetofirstcloseseconds", "resolutionhours", "resolutionminutes",
                        # German: 'Vollständige Lösungszeit in Minuten', 'Lösungszeit (Std.)'
                        "vollstaendigeloesungszeitinminuten", "vollstaendigeloesungszeit", "loesungszeitinminuten",
                        "loesungszeitinstunden", "loesungszeitstd", "loesungszeit"],
    "resolution_time_business": ["fullresolutiontimeinminuteswithinbusinesshours", "fullresolutiontimebusinesshours",
                                 "resolutiontimebusinesshours", "resolutiontimewithinbusinesshours",
                                 "resolutiontimeinhrs"],  # Freshdesk's, business hours (above)
    # osTicket's export: 'Current Status' (Open, Resolved, Closed, Archived, Deleted)
    # Dynamics 365's 'Status Reason' (In Progress, Problem Solved, Merged …) before its coarse 'Status' (Active,
    # Resolved, Cancelled): only the reason tells a merged case (Status 'Cancelled') from one cancelled
    "status": ["statusreason", "status", "ticketstatus", "currentstatus", "state", "conversationstate",
               "currentconversationstate", "ticketstate", "pipelinestage", "stage"],
    "priority": ["priority", "ticketpriority", "urgency", "severity", "prioritaet", "ticketprioritaet",
                 "dringlichkeit"],  # German 'Priorität'
    "channel": ["viachannel", "via", "channel", "initialchannel",  # Dixa's 'initial_channel'
                "ticketchannel", "source", "medium", "origin", "kanal", "quelle"],
    "satisfaction": ["satisfactionscore", "satisfaction", "satisfactionrating", "customersatisfactionrating",
                     "customersatisfaction", "csat", "csatscore", "csatrating", "conversationrating",
                     "conversationratingrating", "lastteammaterating", "rating", "surveyresults",
                     "rate",  # LiveChat's chats: rated good, rated bad, not rated
                     "satisfactionratingscore",
                     "ratingscore",  # Dixa's conversation export ('rating_score'): its ratings were not read
                     "happinessrating", "happiness", "satisfactionsurveyscore", "surveyresult",  # Freshservice
                     # German 'Zufriedenheit', 'Zufriedenheitsbewertung', 'Kundenzufriedenheit'
                     "zufriedenheit", "zufriedenheitsbewertung", "kundenzufriedenheit", "bewertung"],
    "reopens": ["reopens", "reopencount", "countreopens", "statisticscountreopens", "numberofreopens",
                "numberofreopen",  # Zoho Desk's 'Number of Reopen'
                "reopened", "isreopened", "reopenflag", "wiedereroeffnungen", "wiedergeoeffnet"],
    "escalated": ["escalated", "escalationflag", "isescalated", "escalation", "eskaliert"],
    "tags": ["tags", "tag", "labels", "ticketstags"],
    "subject": ["subject", "ticketsubject", "title", "ticketname", "conversationtitle", "betreff"],
    "segment": ["segment", "customersegment", "tier", "plan", "plantier"],
    "region": ["region", "geo", "territory", "market", "country"],
}
FIELDS["tickets"] = FIELDS_TICKETS
SYNONYMS = {
    "score": ["npsscore", "score", "nps", "likelihoodtorecommend", "ltr", "recommendscore", "rating",
              "npsrating", "recommend", "answer"],  # AskNicely: 'answer' (0–10), checked as any score
    "response_date": ["responsedate", "respondedat", "responded", "surveyedat", "surveydate", "submittedat",
                      "submitted", "submitdateutc", "submitdate", "datesubmitted", "recordeddate",
                      # Refiner: when the answers were received, before 'completed_at' (empty for a partial
                      # response, whose answers Refiner's dashboard counts: the file was refused)
                      "lastdatareceptionat", "completedat",
                      "enddate", "createdutc", "createdat", "created", "date", "timestamp", "responsetime",
                      # Microsoft Forms' 'Completion time'; German 'Datum'; Jotform's 'Submission Date'
                      "completiontime", "datum", "submissiondate", "submittedon",
                      "createddate", "responsereceivedat",  # Retently's feedback, Medallia's exports
                      "createdtime",  # Hotjar's survey responses: 'created_time', when it was submitted (refused)
                      "submissiontimestamp",  # HubSpot's feedback submissions
                      # review exports: Trustpilot's 'Review Created (UTC)'; Google Play's reviews report, whose
                      # 'Star Rating' is the review's latest (a review edited from 1 to 5 stars is a 5 of its update)
                      "reviewcreatedutc", "reviewlastupdatedateandtime", "reviewsubmitdateandtime"],
    # B2B: the organization before the person, as for tickets; Zendesk's satisfaction ratings name the customer in
    # 'requester_id' beside the rating's own 'id' (read as the customer, every rating was a customer of its own).
    # A bare 'id' comes last, and is the row's own id beside another record's id (_own_id).
    "customer_id": ["customerid", "customer", "accountid", "account", "clientid", "client", "companyid",
                    "custid", "customeroid", "customernumber", "accountnumber", "subscriberid", "accountcode",
                    # 2Checkout's (Verifone's) orders: the buyer's 'ExternalCustomerReference' or 'CustomerReference'
                    # before 'ExternalReference', the merchant's own reference of the order (read as the customer,
                    # each order was a customer of one month)
                    "externalcustomerreference", "customerreference",
                    "externalid", "externalreference", "externaldatareference", "customerexternalid",
                    "accountexternalid", "organizationid", "organisationid", "userid",
                    "contactremoteid", "remoteid",  # Refiner: the contact's 'remote_id', the app's own user id
                    "enduserid", "requesterid", "requester", "user", "id", "uuid"],  # Wootric's 'end_user_id'
    "response_id": ["responseid", "surveyresponseid", "submissionid", "respondentid"],
    "comment": ["comment", "comments", "feedback", "text", "verbatim", "reason", "whyscore", "openended",
                "followupresponse",  # Pendo's NPS export
                "lastteammateratingremark", "ratingremark", "remark",  # Intercom's rating remark
                "reviewcontent",  # Trustpilot's review text
                "content"],  # last: HubSpot feedback submissions' written answer
    "segment": ["segment", "customersegment", "tier", "size", "companysize"],
    "region": ["region", "geo", "geography", "territory", "market", "country"],
    "channel": ["channel", "surveychannel", "source", "medium", "distributionchannel"],
    "start_date": ["startdate", "becameacustomerdate", "startutc", "signupdate", "signedupat", "customersince",
                   "joindate", "subscribedat",
                   # Paddle Billing's 'first_billed_at' (its 'started_at' opens a trial)
                   "firstbilledat", "activatedat", "startedat", "subscriptionstartedat", "createdat", "createdutc",
                   "created", "since", "start"],  # Baremetrics' 'subscription_started_at'
    # Recurly's accounts export: 'closed_at' beside 'account_state' (active / closed)
    # when it ended before when a cancellation was asked for: Recurly's 'expires_at' (the end) beside 'canceled_at'
    "churn_date": ["churndate", "churnedat", "endedatutc", "endedat", "expiresat", "canceledat", "canceledatutc",
                   "cancelledat",
                   "cancellationdate", "canceldate", "enddate", "closedat", "deactivatedat", "terminatedat",
                   "terminationdate",
                   # Chargebee reports' 'Canceled On', Paddle Classic's 'cancellation_effective_date', Baremetrics'
                   # 'subscription_canceled_at': unmapped, every cancelled subscription ran on (churn 0%)
                   "canceledon", "cancelledon", "cancellationeffectivedate", "subscriptioncanceledat",
                   "subscriptioncancelledat", "subscriptionendedat", "subscriptionenddate"],
    # Status columns that say churned or not (Stayed/Joined/Churned, Exited 0/1, Churn Label Yes/No): which values
    # mean churned is asked (churned_values:<column>, checks.churned_values).
    "churned": ["churn", "churned", "churnflag", "ischurned", "haschurned", "exited", "churnlabel", "churnvalue",
                "churnstatus", "customerstatus", "attritionflag", "attrition"],
    # Its unit is asked (tenure_unit:<column>, checks.tenure_start): a header that names it decides.
    "tenure": ["tenure", "tenuremonths", "tenureinmonths", "tenureyears", "tenureinyears", "tenuredays",
               "tenureindays", "tenureweeks", "customertenure", "monthsactive", "lifetimemonths", "monthsonbook"],
    "name": ["name", "customername", "company", "companyname", "accountname"],
    "plan": ["plan", "plantier", "contract", "product"],
    # Baremetrics' '..._oid' ids, Chargebee's 'subscriptions.id', Recurly's subscription 'uuid' (beside its
    # 'account_code': unread, a customer's second subscription was a duplicate customer)
    "subscription_id": ["subscriptionid", "subid", "subscriptionoid", "subscriptionsid", "uuid"],
    "month": ["month", "period", "billingmonth", "revenuemonth", "invoicedate", "invoicemonth", "paidat",
              "invoicebilldate",  # Odoo's 'Invoice/Bill Date'
              "transactiondate", "orderdate", "purchasedate", "saledate", "billedat", "billingdate", "paymentdate",
              "chargedate", "dateutc",
              # last: a charge's or an order's creation is its billing date (Stripe payments, Lemon Squeezy orders:
              # unread, those files were refused as "NPS responses?"); a subscription list's is not (start/end win)
              "date", "created", "createdutc", "createdat"],
    # Not Recurly's 'unit_amount_in_cents': a price per billing interval (a year for an annual plan) that the file
    # does not state; read as monthly it would make an annual plan's MRR twelve times too large. Mapped by hand.
    # Zuora's item 'Charge Amount' before the bare 'amount' (its invoice's total, repeated on each item); Square's
    # 'Net Sales' (after discounts and refunds, without tax and tips; its 'Total Collected' holds both)
    # Google Play's earnings: 'Amount (Merchant Currency)', what the merchant is paid in one currency (not the
    # buyer's, which mixes currencies)
    "amount": ["mrr", "mrramount", "monthlyrevenue", "amountpaid", "chargeamount", "amountmerchantcurrency", "amount",
               "amountincents",  # Maxio's (Chargify's) transactions: its unit in the header (amounts.in_cents)
               "amountvalue",  # Mollie's payments: its API's 'amount' object flattened ('amount.value')
               "planamount", "revenue",
               "monthlycharges", "netsales", "sales", "value", "total", "ordertotal", "ordertotalamount",
               "ordertotalinctax",
               "subtotal",  # Gumroad's 'Subtotal ($)' (no total beside it); Stripe's total wins over its own
               "gross",  # PayPal's activity download ('Gross' before its 'Fee': the buyer paid it, tax in it)
               # Odoo's invoices exported with their signed amounts (account.move's 'Total Signed', in the company's
               # currency, a credit note's below 0): not found, the file was refused; its 'Tax Signed' is subtracted
               "totalsigned"],
    # Chargebee's 'billing_period_unit' (month, year) before 'billing_period' (a count of those units: 1 alone says
    # nothing about a year)
    "interval": ["interval", "billinginterval", "billingfrequency", "planinterval", "billingperiodunit", "billingtype",
                 "planintervalunit", "intervalunit", "billingcycleinterval", "billingperiod", "productintervalunit"],
    # how many intervals one amount pays for: Chargebee's 'billing_period' beside its unit (alone, with no unit
    # column, it is taken as the interval above), Recurly's 'plan_interval_length', Stripe's 'interval_count',
    # Paddle's 'billing_cycle.frequency' (beside 'billing_cycle.interval')
    "interval_count": ["intervalcount", "planintervalcount", "billingintervalcount", "planintervallength",
                       "intervallength", "billingcyclefrequency", "billingperiod", "productinterval"],
    # not a bare 'state': beside a country it is the region (ChartMogul, HubSpot 'State/Region')
    "status": ["status", "subscriptionstatus", "invoicestatus", "accountstate", "accountstatus", "customerstatus"],
    "quantity": ["quantity", "qty", "planquantity"],  # Chargebee's 'subscriptions.plan_quantity'
    # Stripe's invoice export: "Period Start (UTC)", "Period End (UTC)", "Tax" beside "Total" (never
    # "Current Period …" of a subscription list, nor "Tax Percent")
    # Paddle Billing's transactions: 'billing_period.starts_at' / '.ends_at', the period the transaction pays for
    "period_start": ["periodstartutc", "periodstart", "servicestart", "servicestartdate", "serviceperiodstart",
                     "billingperiodstartsat", "periodrangestart"],  # Maxio's transactions
    "period_end": ["periodendutc", "periodend", "serviceend", "serviceenddate", "serviceperiodend",
                   "billingperiodendsat", "periodrangeend"],
    # Xero's 'TaxTotal', Shopify's 'Taxes'
    "tax": ["tax", "taxamount", "totaltax", "taxtotal", "taxes", "vat", "vatamount", "salestax",
            # WooCommerce's 'Order Total Tax Amount'
            "ordertotaltaxamount", "ordertaxamount", "totaltaxamount",
            # Odoo's 'Tax Signed' beside its 'Total Signed' (mapped by hand, the total kept its VAT: 121 for 100)
            "taxsigned"],
    # Stripe's payments export ('Amount Refunded' beside 'Amount'), Shopify's orders ('Refunded Amount')
    # not a bare 'Refunded' (Gumroad's 'Refunded?' is a 0/1 flag: read as an amount, 1.00 came off each sale)
    # Chargebee invoices' 'Amount Adjusted': adjustment credit notes taken off the invoice (240 billed, 96 adjusted)
    "refunded": ["amountrefunded", "refundedamount", "refundamount", "orderrefundamount", "partialrefund",
                 "amountadjusted",
                 # WooCommerce's Customer / Order / Coupon Export ('refunded_total' beside 'order_total': a partial
                 # refund of a 'completed' order was revenue)
                 "refundedtotal", "totalrefunded",
                 # Mollie's payments (its API's 'amountRefunded' object, flattened: 'amountRefunded.value',
                 # 'amount_refunded_value'): unread, a payment refunded in full stayed revenue
                 "amountrefundedvalue"],
    # Mollie's payments: 'amountChargedBack' beside 'amount' (the status stays 'paid' after a chargeback)
    "charged_back": ["amountchargedback", "amountchargedbackvalue", "chargedbackamount", "chargebackamount"],
    # Shopify's 'Shipping', WooCommerce's 'Order Shipping Amount' (beside a total that holds it)
    "shipping": ["shipping", "shippingamount", "ordershippingamount", "totalshipping", "shippingtotal",
                 "shippingcharged", "shippingcostextax", "shippingcost",  # BigCommerce's, beside 'Tax Total'
                 "shippingandhandlingamount", "shippingandhandling"],  # PayPal's, in its 'Gross'
}
# An invoice line's parts subtracted from its amount, and with its service period the fields only a line has (a
# subscription list or a per-seat price has none of them)
LINE_PARTS = ("tax", "refunded", "charged_back", "shipping")
LINE_FIELDS = ("period_start", "period_end", *LINE_PARTS)
# An order's total, with its tax (and shipping) in it: a tax column beside it is subtracted
TOTAL_HEADERS = ("total", "ordertotal", "ordertotalamount", "ordertotalinctax", "gross", "totalsigned")
# An order's payment and shipping states: the file is a shop's orders (Shopify's orders export)
SHOP_ORDER_HEADERS = {"financialstatus", "fulfillmentstatus"}
# The buyer's email (Shopify 'Email', BigCommerce 'Customer Email', Gumroad 'Purchase Email', WooCommerce 'Email
# (Billing)'): the customer of a shop's orders when no id column names one; beside an id, guests' key (revenue_lines)
BUYER_EMAIL_HEADERS = ("customeremail", "email", "purchaseemail", "buyeremail", "billingemail", "emailbilling",
                       "useremail")
# Subscription dates in a revenue file (Stripe: "Start (UTC)", "Ended At (UTC)", "Canceled At (UTC)").
SYNONYMS_REVENUE = {
    # any id column wins over an email. Xero's invoices name the customer only in 'ContactName': its 'AccountCode'
    # is the sales ledger account ('200' on every line: every customer was one), Recurly's 'account_code' a customer
    # Odoo's invoices name the customer 'Partner' (the export dialog's field)
    "customer_id": [*(s for c in SYNONYMS["customer_id"] for s in (("contactname", c) if c == "accountcode" else (c,))),
                    "partner", *BUYER_EMAIL_HEADERS],
    # activated (paying, Chargebee and Recurly) before started (Chargebee's started_at opens the free trial)
    "start_date": ["startdate", "startutc", "start", "activatedat", "startedat", "subscriptionstart",
                   "subscriptionstartedat", "createdutc", "createdat"],
    "end_date": ["endedatutc", "endedat", "expiresat", "canceledatutc", "canceledat", "cancelledat", "enddate",
                 "endedon", "subscriptioncanceledat"],
    # a payment's or charge's own status (Braintree's 'Transaction Status': processor_declined beside settled)
    "status": [*SYNONYMS["status"], "transactionstatus", "paymentstatus", "chargestatus", "financialstatus",
               # Pipedrive's deals: 'Deal - Status' (Open, Won, Lost) before its 'Deal - Stage' (the pipeline's
               # step: Qualified, Negotiation …, which never says won), else lost and open deals were revenue
               "orderstatus", "dealstatus", "dealstage", "stage"],
}
# A customer list's lifecycle stage (Gainsight's Company 'Stage': Onboarding, Adoption, Renewal, Churned): a status
# whose churned values are asked like any other (read as nothing, its 'Churned' companies counted as customers)
SYNONYMS_CUSTOMERS = {
    # HubSpot's companies export: 'Record ID' is the company's id (its 'Create Date' is the record's, not the
    # customer's start: 'Became a Customer Date' is, a start synonym)
    "customer_id": [*SYNONYMS["customer_id"], "recordid"],
    # Recurly's subscriptions export: 'state' (active, canceled, expired, in_trial): unread, its trials were customers.
    # Only beside a subscription id and no address (country, city, postal code): elsewhere a 'State' is a US state,
    # the region (detect_mapping drops it)
    "status": [*SYNONYMS["status"], "lifecyclestage", "customerstage", "companystage", "accountstage", "stage",
               "state"],
}
ADDRESS_HEADERS = ("country", "countrycode", "city", "zip", "zipcode", "postalcode", "postcode", "address")
# Satisfaction scores and the dates of satisfaction answers (review files, support tools).
SYNONYMS_CSAT = {
    "score": ["csat", "csatscore", "satisfactionscore", "satisfaction", "satisfactionrating", "customersatisfaction",
              "csatrating", "rating", "starrating", "stars", "reviewscore", "reviewrating", "reviewstars", "score",
              "rate"],  # LiveChat's chats: 'rate' (rated good, rated bad, not rated)
    "response_date": ["ratedat", "reviewdate", "reviewedat", "ratingdate", "answeredat", "scoreddatetime",  # Gorgias
                      "chatstartdate",  # LiveChat's chats ('chat start date Europe/London', _by_name)
                      *SYNONYMS["response_date"]],
    "response_id": [*SYNONYMS["response_id"], "surveyid", "reviewid", "ratingid", "ticketid",
                    "conferenceid", "chatid"],  # LiveChat's chat id ('conferenceId')
    "comment": [*SYNONYMS["comment"], "reviewtext", "review", "reviewbody", "ratingcomment", "satisfactioncomment",
                "bodytext",  # Gorgias' satisfaction surveys
                "lastratecomment"],  # LiveChat's chats
}
# Substrings of a header (or of its question text) that identify a field when no synonym matched.
CONTAINS_CSAT = {"score": ["satisf"]}
# a question asking why the score was given (not 'Primary reason for contacting us', a category)
WHY_SCORE = ("reasonforyourscore", "whydidyou", "whatisthereason", "whyscore")
CONTAINS = {"score": ["recommend"],
            "comment": ["reasonforyourscore", "primaryreason", "mainreason", "whydidyou", "whatisthereason"]}
# Columns of Stripe's invoice export (one row per invoice) that its line items export does not have.
STRIPE_INVOICE_HEADERS = {"billingreason", "amountdue", "amountremaining"}
# Chargebee's invoices export: 'Amount' is the invoice total with its 'Tax'; 'Amount Paid' is what was paid so far
# (0 on an open invoice, which still bills), so the amount is 'Amount', less the tax
CHARGEBEE_INVOICE_HEADERS = {"amountpaid", "amountadjusted", "creditsapplied"}
# A ledger's transaction list, QuickBooks' ('Transaction type') and NetSuite's saved search ('Type'): the type
# (Invoice, Payment, Credit Memo …) read as the status, whose payments are left out
# (prepare_revenue.SKIPPED_LINE_STATUS); 'Name' is the customer, 'Account' the ledger account ('1200 Accounts
# Receivable' on every NetSuite line: every customer was one)
LEDGER_HEADERS = {"name", "account"}
LEDGER_TYPE_HEADERS = ("transactiontype", "type")
# a bare 'Type' makes a ledger only beside a ledger's own columns (NetSuite's 'Document Number', 'Memo'; QuickBooks'
# 'Num'): an analyst's Account (the customer), Name (a contact), Type (New Business) is no ledger
LEDGER_COLUMNS = ("documentnumber", "memo", "num", "transactiontype")
# NPS score headers that name no question: read only when no column asks for the recommendation.
GENERIC_SCORE = ("score", "rating", "answer")
# the generic score headers a question beats, per kind: for CSAT only a bare 'score' (a 'Rating' is the CSAT itself)
GENERIC_SCORES = {"nps": GENERIC_SCORE, "csat": ("score",)}
# A header with "recommend" that asks why, or for a comment, is the follow-up text, not the score.
NOT_A_SCORE = ("why", "reason", "comment", "explain", "tellus")
# Header words that point at a kind when the analyst leaves it to us.
KIND_HINTS = {"nps": {"score", "response_date"}, "revenue": {"amount", "month"},
              "customers": {"start_date", "churn_date", "churned", "tenure"}, "csat": {"score", "response_date"}}


# German letters folded the way German writes them without umlauts ('Gelöst' and 'Geloest' are one header): dropped
# with the other non-alphanumerics, 'Priorität' was 'prioritt' and no synonym could be written for it.
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _asks(column: str, labels: dict[str, str]) -> bool:
    """The header (or its question text) is a question of four words or more ending in '?'."""
    text = (labels.get(column) or column).strip()
    return text.endswith("?") and len(text.split()) >= 4


def normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower().translate(_FOLD))


MONTHLY_HEADER_WORDS = ("mrr", "monthly")  # 'mrr_amount', 'MonthlyCharges': the header says its amount is monthly


def says_monthly(header: str) -> bool:
    """The amount's header says it is already per month: no interval, period or recurring question applies."""
    return any(word in normalise_header(header) for word in MONTHLY_HEADER_WORDS)


# 'ARR', 'Current ARR', 'Annual Recurring Revenue', 'ACV': a year's recurring revenue (Gainsight's snapshot read
# as MRR made revenue twelve times too large)
ANNUAL_HEADER = re.compile(r"(^|[^a-z])(arr|acv)([^a-z]|$)|annual\s*(recurring\s*revenue|contract\s*value)")


WITHOUT_TAX_WORDS = ("untaxed", "excl", "pretax", "beforetax", "withouttax", "extax", "subtotal")


def says_without_tax(header: str) -> bool:
    """The amount's header says it is without tax: net ('NetPrice', 'Net Amount'), untaxed, excluding tax."""
    name = normalise_header(header)
    return name.startswith("net") or any(w in name for w in WITHOUT_TAX_WORDS)


def says_annual(header: str) -> bool:
    """The amount's header says it is a year's recurring revenue: ÷ 12 a month, taken at its word like MRR."""
    return not says_monthly(header) and bool(ANNUAL_HEADER.search(str(header).lower()))


_TRAILING_ZONE = re.compile(r"^(.*\S)\s+([A-Za-z]+(?:/[A-Za-z0-9_+-]+)+)\s*$")


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _by_name(columns: list[str]) -> dict[str, str]:
    """Each column under its normalised header, the first column winning a clash; a header qualified by its table
    (Chargebee's 'subscriptions.mrr', 'customers.id', Zuora's 'Invoice Item: Charge Amount') also under the part
    after its last dot or colon, unless a column already has that name."""
    out = {normalise_header(c): c for c in reversed(columns)}
    # in the file's order, so setdefault keeps the first column (iterated reversed, BigCommerce's 'Order Total (ex
    # tax)' took 'ordertotal' from the 'Order Total (inc tax)' before it)
    for c in columns:
        if _QUALIFIED.search(str(c)) and (short := short_header(c)):
            out.setdefault(short, c)
    for c in columns:
        # a header with a note after it (ChurnZero's 'End Date (contract end date)', 'Is Active (TRUE/FALSE)')
        # also under the part before the note, unless a column already has that name
        if (head := re.match(r"^(.*\S)\s*\([^()]*\)\s*$", str(c))) and (short := normalise_header(head[1])):
            out.setdefault(short, c)
    for c in columns:
        # LiveChat's 'chat start date Europe/London': a header ending in the time zone of its times, also under the
        # part before it (ticket_values.header_zone reads the times in that zone)
        if (tail := _TRAILING_ZONE.match(str(c))) and tail[2] in _zones() and (short := normalise_header(tail[1])):
            out.setdefault(short, c)
    for c in columns:
        # Jira's 'Custom field (Organizations)': the field's name is the note
        if (inner := re.match(r"^\s*custom\s*field\s*\((.+)\)\s*$", str(c), re.IGNORECASE)) and (
                short := normalise_header(inner[1])):
            out.setdefault(short, c)
    return out


# a table's qualifier before a field: 'details.totals.total', 'Invoice Item: Charge Amount'
_QUALIFIED = re.compile(r"\.|:\s")


def short_header(header: str) -> str:
    """The normalised header after its table's qualifier: Paddle's 'details.totals.total' is 'total', Zuora's
    'Account: Account Number' 'accountnumber'."""
    return normalise_header(_QUALIFIED.split(str(header))[-1])


# ---- mapping ------------------------------------------------------------------------------------
BARE_IDS = ("id", "uuid")
_REFERENCE = re.compile(r"([^A-Za-z0-9](id|Id|ID)|[a-z0-9](Id|ID))s?$|[^A-Za-z0-9]uuid$")


def _own_id(column: str, columns: list[str]) -> bool:
    """A bare 'id' beside a column naming another record's id ('ticket_id', 'Survey ID', 'requesterId') is the
    row's own id (a rating's, a response's, an invoice's), not its customer's: only a file with no other id says
    nothing against reading it as the customer (a customers file's rows are customers: not asked there)."""
    # a table's qualified 'customers.id' is an id of its own table, no other record's (the plain 'id' wins)
    return normalise_header(column) in BARE_IDS and any(
        c != column and short_header(c) not in BARE_IDS and _REFERENCE.search(str(c).strip()) for c in columns)


def _synonyms(kind: str, name: str) -> list[str]:
    if kind == "revenue" and name in SYNONYMS_REVENUE:
        return SYNONYMS_REVENUE[name]
    if kind == "customers" and name in SYNONYMS_CUSTOMERS:
        return SYNONYMS_CUSTOMERS[name]
    if kind == "csat" and name in SYNONYMS_CSAT:
        return SYNONYMS_CSAT[name]
    return SYNONYMS[name]


def _detect_ticket_mapping(columns: list[str]) -> dict[str, str]:
    """Map each ticket field to the best-matching column (each column used once), like mapping.detect_mapping.
    Business-hours duration columns are matched first so "… within business hours" never becomes the calendar
    duration."""
    normalised = _by_name(columns)
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
    # Intercom's time to *first* close ends at a close that a reopen undid; resolution runs to the final solve
    # (METRICS.md), which its last-close time gives: beside that, the first-close duration is not read (a reopened
    # conversation counted 11 h for its 131 h)
    if "firstclose" in normalise_header(mapping.get("resolution_time", "")) and "solved_at" in mapping:
        del mapping["resolution_time"]
    return {name: mapping[name] for name, _l, _r in FIELDS_TICKETS if name in mapping}


def detect_mapping(kind: str, columns: list[str], labels: dict[str, str] | None = None,
                   given: dict[str, str] | None = None) -> dict[str, str]:
    """Map each canonical field of `kind` to the best-matching column (each column used once). `given`: fields the
    analyst mapped (a column, or "" for none), taken as they are, so the rules below judge the whole mapping: a
    month given by hand is an invoice file's month (its tax and refunds are read; detected alone they were dropped
    as a subscription list's)."""
    if kind == "tickets":
        return _detect_ticket_mapping(columns)
    labels = labels or {}
    given = {k: v for k, v in (given or {}).items() if k in {f[0] for f in FIELDS[kind]}}
    normalised = _by_name(columns)
    mapping: dict[str, str] = {k: v for k, v in given.items() if v}
    used: set[str] = set(mapping.values())
    contains = CONTAINS_CSAT if kind == "csat" else CONTAINS
    for name, _label, _req in FIELDS[kind]:
        if name in given:
            continue
        # a row's own id is passed over for the next synonym (Shopify's order 'Id', then its buyer's 'Email')
        col = next((normalised[s] for s in _synonyms(kind, name) if normalised.get(s) not in (None, *used)
                    and not (name == "customer_id" and kind != "customers" and _own_id(normalised[s], columns))), None)
        # The question that asks for the recommendation is the NPS, the one that asks about satisfaction the CSAT: a
        # generic 'score', 'rating' or 'answer' beside it is something else (Typeform's calculator 'score', a Google
        # Forms quiz's 'Score' "4 / 5": read as the CSAT answers, 71% for 29%).
        generic = name == "score" and col is not None and normalise_header(col) in GENERIC_SCORES.get(kind, ())
        if col is None or generic:
            col = next((c for c in columns for part in contains.get(name, ())
                        if c not in used and not normalise_header(c).endswith("npsgroup")
                        # for CSAT beside a generic score, only a question ('How satisfied were you …?'): not a
                        # 'Satisfaction Survey Sent At' date nor a 'Satisfied?' yes/no
                        and not (generic and kind == "csat" and not _asks(c, labels))
                        and not (name == "score" and any(w in normalise_header(c) for w in NOT_A_SCORE))
                        and (part in normalise_header(c) or part in normalise_header(labels.get(c, "")))), col)
        if name == "comment" and col is not None and normalise_header(col) in ("comment", "comments"):
            # a question asking why beats a bare 'Comments' (Alchemer's system field, the survey's internal notes:
            # the answers to 'Why did you give that score?' were lost)
            col = next((c for c in columns for part in WHY_SCORE if c not in used
                        and (part in normalise_header(c) or part in normalise_header(labels.get(c, "")))), col)
        if col is not None and name == "customer_id" and kind != "customers" and _own_id(col, columns):
            col = None
        if col is None and name == "response_id" and "#" in columns and "#" not in used:
            col = "#"  # Typeform's response token: what tells an answer in two exports apart
        if col is not None:
            mapping[name] = col
            used.add(col)
    if kind == "customers" and "status" not in given and normalise_header(mapping.get("status", "")) == "state" \
            and (any(h in normalised for h in ADDRESS_HEADERS) or "subscription_id" not in mapping):
        mapping.pop("status")  # an address's state (US states), not a subscription's
    if kind == "revenue":
        shop_orders = SHOP_ORDER_HEADERS & set(normalised) and not {"start_date", "month"} & given.keys()
        if shop_orders and "start_date" in mapping:
            # a shop's orders (Shopify: 'Created at' beside 'Cancelled at') are dated purchases, not subscriptions
            # running from a start to an end: each order is a line of its month
            mapping["month"] = mapping.pop("start_date")
            mapping.pop("end_date", None)
        if "start_date" in mapping and "end_date" in mapping:
            mapping.pop("month", None)  # a subscription list: months come from start/end
        else:
            for name in ("start_date", "end_date", "quantity"):  # lines: amounts are line totals
                mapping.pop(name, None)
        if STRIPE_INVOICE_HEADERS & set(normalised):
            # Stripe's invoice-level period "looks back one period for a subscription invoice" (its API reference):
            # the usage period before the invoice, not the service period the invoice pays for, which only the
            # line items' export gives. Spread over it, an annual renewal would land in the year before.
            mapping.pop("period_start", None)
            mapping.pop("period_end", None)
        if "month" not in mapping:  # service periods, tax and refunds belong to invoice lines only
            for name in LINE_FIELDS:
                mapping.pop(name, None)
        kind_of_line = next((normalised[h] for h in LEDGER_TYPE_HEADERS if h in normalised), None)
        if (LEDGER_HEADERS <= set(normalised) and kind_of_line and "customer_id" not in given
                and any(h in normalised for h in LEDGER_COLUMNS)
                and mapping.get("customer_id") == normalised["account"]):
            mapping["customer_id"] = normalised["name"]
            if "status" not in given:
                mapping.setdefault("status", kind_of_line)
        if CHARGEBEE_INVOICE_HEADERS <= set(normalised) and "amount" in normalised and "tax" in mapping:
            mapping["amount"] = normalised["amount"]
        if ("tenure" in mapping and not {"month", "start_date", "churned"} & mapping.keys() and "status" in mapping
                and "status" not in given):
            # a snapshot's status beside its tenure says who left (Maven's telecom 'Customer_Status': Churned,
            # Stayed, Joined): read as a subscription status, its 1,839 churners paid on through the as-of month
            # (MRR 448,559 for 311,326)
            mapping["churned"] = mapping.pop("status")
        if "month" in mapping or "start_date" in mapping or "tenure" not in mapping:
            mapping.pop("tenure", None)  # tenure and churned flag only for snapshot files without dates
            mapping.pop("churned", None)
        if says_monthly(mapping.get("amount", "")) or says_annual(mapping.get("amount", "")):
            mapping.pop("interval", None)  # already per month, for all the seats
            mapping.pop("interval_count", None)
            mapping.pop("quantity", None)
            for name in LINE_FIELDS:
                mapping.pop(name, None)
        if (short_header(mapping.get("amount", "")) in ("planamount", "subtotal", *TOTAL_HEADERS)
                and "quantity" in mapping and "quantity" not in given):
            # an amount for all the units, never multiplied by the quantity again: Chargebee's 'plan_amount'
            # (plan_unit_price × plan_quantity: 3 seats of 25 write 75; times 'plan_quantity' again a 3-seat plan
            # was MRR 225), FastSpring's subscription 'subtotal' beside its unit 'price' and 'quantity'
            mapping.pop("quantity")
        if "tax" in mapping and "amount" in mapping:
            # MRR is the invoice's total less its tax (after discounts, without tax), never an amount with tax in
            # it ('Amount Paid'); a tax column beside any other amount is not subtracted
            total = next((c for c in columns if short_header(c) == "total" and c not in mapping.values()), None)
            if mapping["amount"] == normalised.get("amount") and CHARGEBEE_INVOICE_HEADERS <= set(normalised):
                pass  # Chargebee's 'Amount' is its total
            elif total is not None or short_header(mapping.get("amount", "")) in TOTAL_HEADERS:
                mapping["amount"] = total or mapping["amount"]
            else:
                mapping.pop("tax")
        if (normalise_header(mapping.get("amount", "")).startswith("detailsadjustedtotals") and "amount" not in given
                and "detailstotalstotal" in normalised):
            # Paddle Billing's transactions (the tax step above took the first other 'total'): its
            # 'details.adjusted_totals' are empty unless a refund, a chargeback or a credit adjusted the transaction;
            # its 'details.totals' always hold the billed totals. Those are the amount and its tax; the adjusted ones
            # replace them where written (revenue_lines.paddle_adjusted)
            mapping["amount"] = normalised["detailstotalstotal"]
            if "tax" not in given and "detailstotalstax" in normalised:
                mapping["tax"] = normalised["detailstotalstax"]
        amount = normalise_header(mapping.get("amount", ""))
        if "shipping" in mapping and amount not in TOTAL_HEADERS and ("total" not in amount or "subtotal" in amount):
            mapping.pop("shipping")  # only a total holds the shipping; a subtotal or a line's amount does not
        _parts_in_the_amounts_currency(mapping, columns, given)
    return mapping


# A currency code at the end of a normalised header, after 'in' or not ('Income_in_USD', 'subtotal_usd')
_CURRENCY_SUFFIX = re.compile(r"(in)?(usd|eur|gbp|chf|cad|aud|jpy|sek|nok|dkk|pln|inr|brl)$")


def currency_twin(amount: str, part: str, columns: list[str]) -> str | None:
    """The twin of `part` in the currency `amount`'s header names ('Tax_in_USD' for 'Tax' beside
    'Transaction_Amount_in_USD'), when the file has one and `part` names no currency itself; else None."""
    suffix = _CURRENCY_SUFFIX.search(normalise_header(amount))
    normalised_part = normalise_header(part)
    if not suffix or not normalised_part or _CURRENCY_SUFFIX.search(normalised_part):
        return None
    normalised = _by_name(columns)
    return normalised.get(normalised_part + suffix[0]) or normalised.get(normalised_part + suffix[2])


def _parts_in_the_amounts_currency(mapping: dict[str, str], columns: list[str], given: dict[str, str]) -> None:
    """An amount in a currency its header names, beside a tax (refund, shipping) column in the buyer's currency and
    that column's twin in the amount's (FastSpring's revenue report: 'Transaction_Amount_in_USD', 'Tax' in the
    buyer's EUR and 'Tax_in_USD'): the twin is the part subtracted (19 EUR came off 130 USD, for 20.75)."""
    for name in LINE_PARTS:
        if name in mapping and name not in given:
            twin = currency_twin(mapping.get("amount", ""), mapping[name], columns)
            if twin is not None and twin not in mapping.values():
                mapping[name] = twin


# Fields only a help-desk export has; with a ticket id and a status or created time they make a file tickets
# (before NPS and CSAT: a ticket export's satisfaction column must not make it a survey file).
TICKET_ONLY = {"first_reply_at", "solved_at", "first_reply_time", "first_reply_time_business", "resolution_time",
               "resolution_time_business", "priority", "reopens", "escalated"}


def _is_tickets(columns: list[str]) -> bool:
    found = _detect_ticket_mapping(columns).keys()
    return "ticket_id" in found and bool({"status", "created_at"} & found) and bool(TICKET_ONLY & found)


def _guess_kind(columns: list[str], labels: dict[str, str] | None = None) -> str | None:
    if _is_tickets(columns):
        return "tickets"
    revenue = detect_mapping("revenue", columns, labels)
    nps = detect_mapping("nps", columns, labels)
    # a sales export with a review's rating and no answer date (Gumroad's 'Rating') is sales, not a survey
    sales = {"customer_id", "month", "amount"} <= revenue.keys() and "response_date" not in nps
    if "score" in nps and not sales:
        return "nps"
    if {"amount", "start_date", "end_date"} <= revenue.keys():
        return "revenue"  # a subscription list with amounts
    # A satisfaction column ("Satisfaction Score", "Stars") makes CSAT only when nothing else fits better: a
    # customers file may carry one beside its churn columns (ties go to the earlier kind).
    scores = {k: len(KIND_HINTS[k] & detect_mapping(k, columns, labels).keys()) for k in KIND_HINTS}
    best = max(scores, key=lambda k: scores[k])
    if scores[best] == 0:
        return None
    if scores["revenue"] == 2:
        return "revenue"
    return best


def detect_kind(columns: list[str], labels: dict[str, str] | None = None) -> str:
    kind = _guess_kind(columns, labels)
    if kind is None:
        raise UnknownKindError(
            "Could not tell whether this is an NPS, CSAT, customers, revenue or support tickets export from its "
            "columns: "
            + ", ".join(columns[:100]) + (" …" if len(columns) > 100 else "")
            + ". Choose the kind and map the columns by hand.")
    return kind
