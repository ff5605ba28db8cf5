"""Reading an amount column with certainty: one currency, one decimal convention, currency units or cents.

Each is settled by the values or asked (metrics.ingest.questions); a column that cannot be one figure is refused:
- **Currencies**: a currency column of the file (Currency, Currency Code …) naming more than one currency, or
  amounts carrying more than one currency's sign ($, €, £, ¥, USD, EUR, GBP, CHF), is refused: the amounts
  cannot be added into one ARR (a Stripe export of EUR and USD invoices read as one sum in "$").
- **Decimal convention** (decimal_comma): 1.234,56 or 1,234.56, decided for the column. A column that
  writes both (€1.200,00 beside $1,200.00) is refused. A column whose every dotted amount has exactly three
  digits after the dot and no comma anywhere (1.200, 12.500, 49) may be whole amounts with a thousands dot or
  decimals to three places: asked, must confirm ("1.200" was read as 1.2 where it meant 1,200 euros).
- **Cents**: a column of whole numbers that are all multiples of 100 with a median from 1,000 to 100,000,000
  (4900, 19900: Stripe's API and Sigma write cents), or of whole numbers beside Stripe's customer ids ('cus_…',
  1999 for 19.99), may be cents: asked, must confirm, unless the analyst said so already (--cents, the Data page's
  box). Amounts in a currency without a minor unit (JPY, KRW …: ZERO_DECIMAL) are whole units: nothing asked.
- **The currency shown** (ask_currency): the one the file names, else asked (USD proposed; must confirm when the
  amounts are written the European way), stored with the upload for the pages' sign (definitions.currency_sign).
The evidence is read from at most SAMPLE rows where a sample suffices (a question is only ever asked, never
answered, by it); the currency signs are counted over the whole column with plain `contains` tests.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from metrics.ingest.checks import _AMOUNT_CLEAN, _amount_sql
from metrics.ingest.mapping import normalise_header, short_header
from metrics.ingest.model import counted
from metrics.ingest.questions import Question
from metrics.store import quote_ident

if TYPE_CHECKING:
    from metrics.ingest.checks import _Checker

SAMPLE = 20_000
CURRENCY_HEADERS = {"currency", "currencycode", "currencyiso", "isocurrency", "curr", "ccy"}
SIGNS = ("$", "€", "£", "¥", "USD", "EUR", "GBP", "CHF")
CENTS_MEDIAN = (1_000, 100_000_000)  # the median amount that makes whole multiples of 100 look like cents
CENTS_HEADER = "cents"  # a header ending so ('amount_in_cents') says its amounts are cents
# currencies without a minor unit, as Stripe lists its "zero-decimal currencies": an amount in them is whole units
# (Stripe's API writes 5000 for ¥5,000, Paddle's lowest unit of JPY is one yen), never cents
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF",
                "XOF", "XPF"}


CURRENCY_ENDINGS = ("currency", "currencycode", "currencyisocode", "currencyiso")


def currency_columns(columns: list[str], amount: str) -> list[str]:
    """The file's currency columns ('Currency', 'Customer Currency', 'Currency ISO Code', Zuora's
    'Account.Currency'); of several, those that share a word with the amount's header (App Store: 'Proceeds
    Currency' for 'Developer Proceeds', not the 'Customer Currency' the buyer paid in)."""
    found = [c for c in columns if normalise_header(c) in CURRENCY_HEADERS
             or normalise_header(str(c).rsplit(".", 1)[-1]) in CURRENCY_HEADERS
             or normalise_header(c).endswith(CURRENCY_ENDINGS)]
    words = set(re.findall(r"[a-z0-9]+", amount.lower())) - {"amount", "total", "currency"}
    shared = [c for c in found if words & set(re.findall(r"[a-z0-9]+", str(c).lower()))]
    return shared or found


def one_currency_column(chk: _Checker, columns: list[str], amount: str = "") -> str | None:
    """Refuse a file whose currency column names more than one currency; the one it names (EUR), else None. An
    exact header was required before: 'Buyer Currency', 'Currency ISO Code', 'Account.Currency' went unread and
    USD, EUR and JPY amounts were added into one MRR."""
    # an amount whose header ends in a currency code (Lemon Squeezy's 'subtotal_usd', 'Amount (EUR)') is in that
    # currency, whatever a currency column says of the file's other amounts (refused as mixed before)
    if code := re.search(r"(?:^|[^A-Za-z])(" + "|".join(CURRENCIES[:-1]) + r")\W*$", amount.strip(), re.IGNORECASE):
        return code[1].upper()
    named = None
    found_columns = currency_columns(columns, amount)
    for column in found_columns:
        if column == amount:
            continue
        col = quote_ident(column)
        found = chk.con.execute(f"SELECT upper(trim({col})) AS c, count(*) FROM raw WHERE nullif(trim({col}), '') "
                                "IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
        if normalise_header(column) not in CURRENCY_HEADERS and not all(re.fullmatch("[A-Z]{3}", c) for c, _ in found):
            continue  # not codes: Google Play's 'Amount (Merchant Currency)' is an amount
        if len(found) > 1:
            listed = ", ".join(f"{c}: {counted(n, 'row')}" for c, n in found)
            chk.refuse(column, f"upper(trim({col})) IN (SELECT unnest(?::VARCHAR[]))",
                       f"name another currency than the rest ({listed}): amounts in different currencies cannot be "
                       "added into one MRR or ARR. Convert them to one currency (or upload one file per currency "
                       "into separate workspaces) and upload again", [[c for c, _ in found[1:]]])
        if (found and len(found_columns) == 1 and normalise_header(column) in CURRENCY_HEADERS
                and amount in columns):
            # an amount with no currency beside amounts in one: Business Central leaves 'Currency Code' empty for
            # its local currency (read as the USD of the one foreign invoice, and added to it). The file's one plain
            # currency column only: a refund's currency is empty where nothing was refunded (Mollie)
            chk.refuse(column, f"nullif(trim({col}), '') IS NULL AND nullif(trim({quote_ident(amount)}), '') IS NOT "
                       "NULL", f"are empty beside amounts, while other rows name {found[0][0]}: an empty currency is "
                       "often the company's own (Business Central's local currency), another than the one named, and "
                       "amounts in different currencies cannot be added. Fill in the currency (or convert the "
                       "amounts to one) and upload again")
        named = named or (found[0][0] if found else None)
    return named


def one_currency_sign(chk: _Checker, column: str) -> str | None:
    """Refuse an amount column whose cells carry more than one currency's sign; the one they carry ($, €, CHF …),
    else None."""
    col = quote_ident(column)
    # only cells that are not plain numbers can carry a sign: a cheap cast test first (5M amounts: 0.06 s, where
    # counting eight signs over every cell took 0.23 s)
    counts = chk.con.execute("SELECT " + ", ".join(f"count(*) FILTER (contains({col}, '{s}'))" for s in SIGNS)
                             + f" FROM raw WHERE try_cast({col} AS DOUBLE) IS NULL").fetchone()
    # $ inside USD / € beside EUR are one currency: USD and $ count together, as do EUR and €, GBP and £
    same = {"USD": "$", "EUR": "€", "GBP": "£"}
    by_currency: dict[str, int] = {}
    for sign, n in zip(SIGNS, counts, strict=True):
        if n:
            key = same.get(sign, sign)
            by_currency[key] = max(by_currency.get(key, 0), n)
    if len(by_currency) > 1:
        ranked = sorted(by_currency.items(), key=lambda kv: -kv[1])
        major = ranked[0][0]
        chk.refuse(column, " OR ".join(f"contains({col}, '{s}')" for s in SIGNS if same.get(s, s) != major),
                   "carry another currency's sign than the rest ("
                   + ", ".join(f"{c}: {counted(n, 'row')}" for c, n in ranked)
                   + "): amounts in different currencies cannot be added into one MRR or ARR. Convert them to one "
                   "currency and upload again")
    return next(iter(by_currency), None)


# currencies written with a dollar sign: '$' beside any of them is no contradiction
_DOLLARS = ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN")


def sign_beside_column(chk: _Checker, column: str, named: str | None, signed: str | None) -> None:
    """Refuse amounts whose sign names another currency than the file's currency column: '€100' beside 'USD' (a
    workbook's euro-formatted amounts beside a currency column saying USD) was stored as USD, the sign unread. Which
    one is right the file cannot say."""
    col = quote_ident(column)
    shown = chk.format_signs.get(column, "")  # a workbook's currency format whose sign the text cannot carry
    if named and (shown.upper() in CURRENCIES and shown.upper() != named.upper()
                  or shown.lower().startswith("kr") and named.upper() not in ("SEK", "NOK", "DKK", "ISK")):
        chk.refuse(column, f"nullif(trim({col}), '') IS NOT NULL",
                   f"are formatted as {shown} in the workbook while the file's currency column names "
                   f"{named.upper()}: which currency the amounts are in the file cannot say. Make the two agree (the "
                   "cells' currency format, or the currency column) and upload again")
    code = _CODE_OF_SIGN.get(signed or "", signed)
    if not named or not code or code == named.upper() or (signed == "$" and named.upper() in _DOLLARS) or (
            signed == "¥" and named.upper() == "CNY"):
        return
    chk.refuse(column, f"try_cast({col} AS DOUBLE) IS NULL AND contains({col}, ?)",
               f"carry the sign {signed} while the file's currency column names {named.upper()}: which currency the "
               "amounts are in the file cannot say. Make the two agree (the cells' currency format in a workbook, or "
               "the currency column) and upload again", [signed])


def decimal_comma(chk: _Checker, column: str) -> bool:
    """Whether the column writes amounts as 1.234,56 (decided for the whole column, so 22.368 is not read as 22,368
    in a column of dot decimals); a column that writes both 1.234,56 and 1,234.56 is refused (read either way,
    some are wrong). One scan serves the vote and the refusal."""
    col = quote_ident(column)
    # Every decimal-comma form holds a comma: a column without one is settled by a plain scan (5M rows: 0.07 s
    # instead of 0.9 s of regular expressions).
    if not chk.con.execute(f"SELECT count(*) FILTER (contains({col}, ',')) FROM raw").fetchone()[0]:
        return False
    v = _AMOUNT_CLEAN.format(c=col)
    written = {"1.234,56": f"contains({col}, ',') AND regexp_matches({v}, ',[0-9]{{1,2}}$|\\.[0-9]{{3}},')",
               "1,234.56": f"contains({col}, ',') AND regexp_matches({v}, '\\.[0-9]{{1,2}}$|,[0-9]{{3}}\\.')"}
    # '0,250' is a decimal comma too: no thousands group starts with 0 (a German duration export of 0,250 h was read
    # as 250 h beside 2,750 read as 2,750 h)
    comma, dot, comma_written, dot_written = chk.con.execute(
        f"SELECT count(*) FILTER (regexp_matches({v}, ',[0-9]{{1,2}}$|,[0-9]{{4,}}$|\\.[0-9]{{3}},|^-?0,[0-9]')),"
        f" count(*) FILTER (regexp_matches({v}, '\\.[0-9]{{1,2}}$|\\.[0-9]{{4,}}$|,[0-9]{{3}}\\.')),"
        f" count(*) FILTER ({written['1.234,56']}), count(*) FILTER ({written['1,234.56']}) FROM raw").fetchone()
    if comma_written and dot_written:
        form = "1.234,56" if comma_written <= dot_written else "1,234.56"
        chk.refuse(column, written[form], f"are written as {form} while other amounts of the column use the other "
                   f"convention ({comma_written:,} rows with a decimal comma, {dot_written:,} with a decimal point): "
                   "read either way, some amounts would be a hundred or a thousand times off. Write every amount "
                   "one way and upload again")
    return comma > dot


def thousands_dot(chk: _Checker, column: str, what: str = "amounts") -> bool:
    """Whether a column without commas writes whole amounts with a thousands dot (1.200 = 1,200): asked when
    every dotted amount of the sample has exactly three digits after its dot; else False (a decimal point).
    `what` names the values in the question (amounts, durations)."""
    col = quote_ident(column)
    v = _AMOUNT_CLEAN.format(c="v")
    dotted, three, example = chk.con.execute(
        f"SELECT count(*), count(*) FILTER (regexp_full_match({v}, '[0-9]{{1,3}}(\\.[0-9]{{3}})+')), "
        f"min({v}) FILTER (regexp_full_match({v}, '[0-9]{{1,3}}(\\.[0-9]{{3}})+')) "  # cleaned: no sign
        f"FROM (SELECT {col} AS v FROM raw WHERE contains({col}, '.') LIMIT {SAMPLE})").fetchone()
    if not dotted or three < dotted:
        return False
    one = what.rstrip("s")
    return _either(chk, f"thousands_dot:{column}", f"What is the dot in the {what} of '{column}'?",
                   ("decimal", f"a decimal point ('{example}' is {float(example):,.3f})"),
                   ("thousands", f"a thousands separator ('{example}' is {int(example.replace('.', '')):,})"),
                   f"Every {one} with a dot has exactly three digits after it (e.g. '{example}') and no {one} has "
                   f"a comma: they may be whole {what} written 1.200 for 1,200 (as in Germany or Italy), or "
                   "decimals to three places.")


def thousands_comma(chk: _Checker, column: str) -> bool:
    """Whether a semicolon-separated file's amounts written 1,234 (every amount with a comma has exactly three digits
    after it, none has a dot) hold a decimal comma (1,234 = 1.234): asked, must confirm. A semicolon is the
    separator Excel writes where the comma is the decimal mark (Germany, France, Italy …), so there '5,678' is
    5.678 as often as 5,678; read as thousands without asking, such a file's MRR was a thousand times too large.
    A comma-separated file's 1,234 stays 1,234 (the decimal-comma countries do not write that)."""
    if chk.delimiter != ";":
        return False
    col = quote_ident(column)
    v = _AMOUNT_CLEAN.format(c="v")
    commas, three, dots, example = chk.con.execute(
        f"SELECT count(*) FILTER (contains(v, ',')), "
        f"count(*) FILTER (regexp_full_match({v}, '-?[0-9]{{1,3}}(,[0-9]{{3}})+')), "
        f"count(*) FILTER (contains(v, '.')), "
        f"min({v}) FILTER (regexp_full_match({v}, '[0-9]{{1,3}}(,[0-9]{{3}})+')) "
        f"FROM (SELECT {col} AS v FROM raw WHERE {col} IS NOT NULL LIMIT {SAMPLE})").fetchone()
    if not commas or three < commas or dots or example is None:
        return False
    return _either(chk, f"thousands_comma:{column}", f"What is the comma in the amounts of '{column}'?",
                   ("thousands", f"a thousands separator ('{example}' is {int(example.replace(',', '')):,})"),
                   ("decimal", f"a decimal comma ('{example}' is {float(example.replace(',', '.')):,.3f})"),
                   f"The file is separated by semicolons, as Excel writes it where the comma is the decimal mark, "
                   f"and every amount with a comma has exactly three digits after it (e.g. '{example}') and no "
                   "amount has a dot: they may be decimals to three places, or whole amounts written 1,200 for "
                   "1200.")


def _either(chk: _Checker, key: str, prompt: str, first: tuple[str, str], second: tuple[str, str],
            detail: str) -> bool:
    """Ask a two-way question that must be confirmed (no proposal: the values cannot tell); True for `second`."""
    answer = chk.questions.ask(Question(key, prompt, (first[0], second[0]), dict((first, second)), None, detail,
                                        must_confirm=True))
    return answer == second[0]


BAREMETRICS_IDS = ("planoid", "customeroid", "subscriptionoid")


def _formatted_unit(chk: _Checker, column: str, amount_sql: str) -> bool:
    """Whether a column's own formatted twin shows its amounts ÷ 100 (Lemon Squeezy's API: 'total' 999 in cents
    beside 'total_formatted' "$9.99"; read as units an order of 9.99 was 999, and no multiple of 100 made it asked):
    true when every formatted amount of the sample, read with a decimal point or a decimal comma, is the amount ÷ 100.
    Otherwise nothing is told here (the other checks decide)."""
    twin = chk.column_named((normalise_header(column) + "formatted",))
    if twin is None:
        return False
    dot, comma = _amount_sql(quote_ident(twin)), _amount_sql(quote_ident(twin), True)
    n, cents = chk.con.execute(
        f"SELECT count(*), count(*) FILTER (abs({dot} * 100 - a) < 0.5 OR abs({comma} * 100 - a) < 0.5) "
        f"FROM (SELECT {amount_sql} AS a, {quote_ident(twin)} FROM raw WHERE isfinite({amount_sql}) AND "
        f"{amount_sql} <> 0 LIMIT {SAMPLE})").fetchone()
    return bool(n) and cents == n


def in_cents(chk: _Checker, column: str, amount_sql: str, ids: str | None = None) -> bool:
    """Whether the column's whole numbers are cents: asked when the sample's amounts are all whole multiples of
    100 (at least 10 of them) with a median from 1,000 to 100,000,000: a price from 10.00 to 1,000,000.00 in
    cents. Smaller whole amounts (plans of 100 or 500 a month) are read as units without a question. Asked too when
    the customer ids (column `ids`) are Stripe's ('cus_…') and every amount is written as a whole number: Stripe's
    API writes cents whatever the last digits (1999 for 19.99), its dashboard's exports write 19.99."""
    if normalise_header(column).endswith(CENTS_HEADER):
        return True  # the header states the unit (Recurly's 'unit_amount_in_cents'): nothing to ask
    col = quote_ident(column)
    if _formatted_unit(chk, column, amount_sql):
        return True  # its formatted twin shows the amounts ÷ 100: cents, told by the file
    if chk.currency in ZERO_DECIMAL:
        # a JPY Stripe export was asked whether its 5000 was cents, argued from the cents Stripe writes for USD: for a
        # currency without cents Stripe writes whole units, and ÷ 100 every figure would be a hundred times too small
        return False
    whole = "isfinite(a) AND a = round(a) AND fmod(a, 100) = 0"  # fmod: no cast that a 1e308 cell would overflow
    stripe = f"starts_with({quote_ident(ids)}, 'cus_')" if ids else "false"
    n, hundreds, median, example, value, digits, stripe_ids = chk.con.execute(
        f"SELECT count(a), count(a) FILTER ({whole}), quantile_disc(a, 0.5), arg_min(v, a) FILTER (a > 0), "
        f"min(a) FILTER (a > 0), count(a) FILTER (regexp_full_match(v, '-?[0-9]+')), count(*) FILTER (s) "
        f"FROM (SELECT {col} AS v, {amount_sql} AS a, {stripe} AS s FROM raw "
        f"WHERE nullif({col}, '') IS NOT NULL LIMIT {SAMPLE})").fetchone()
    if ids and n and stripe_ids == n and digits == n and value is not None:
        return _either(chk, f"amount_unit:{column}", f"Are the amounts in '{column}' in currency units or in cents?",
                       ("units", f"currency units ('{example}' is {value:,.2f})"),
                       ("cents", f"cents ('{example}' is {value / 100:,.2f})"),
                       f"The customer ids are Stripe's ('cus_…') and every amount is a whole number ({n:,} amounts, "
                       f"e.g. '{example}'): Stripe's API and Sigma write amounts in cents (1999 for 19.99), which "
                       "read as units would make every figure a hundred times too large; its dashboard's exports "
                       "write 19.99.")
    # Paddle Billing's transactions as its API writes them ('details.totals.total'): amounts in the currency's
    # lowest unit ("3599" for 35.99), whatever their last digits; read as units every figure was 100 times too large
    paddle = normalise_header(column).startswith("detailstotals")
    # Baremetrics' subscription import ('plan_amount' beside its '…_oid' ids): "the amount is in cents" (its guide),
    # whatever the last digits; 1999 was read as 1,999 a month
    baremetrics = normalise_header(column) == "planamount" and chk.column_named(BAREMETRICS_IDS) is not None
    if baremetrics and value is not None:
        return _either(chk, f"amount_unit:{column}", f"Are the amounts in '{column}' in currency units or in cents?",
                       ("units", f"currency units ('{example}' is {value:,.2f})"),
                       ("cents", f"cents ('{example}' is {value / 100:,.2f})"),
                       "The file is laid out as Baremetrics' subscription import (its '…_oid' ids), whose "
                       "'plan_amount' is in cents (4900 for 49.00); read as units every figure would be a hundred "
                       "times too large.")
    # Chargebee's subscriptions as its API (and the connectors that copy it) writes them: 'plan_amount',
    # 'plan_unit_price' and 'mrr' "in cents" (its API reference; 4999 for 49.99, beside '…_in_decimal' twins for
    # the decimal ones), told from its 'billing_period_unit' column; read as units a 49.99 plan was MRR 4,999. Its
    # dashboard's exports write 49.99: asked only when every amount is written as a whole number
    chargebee = (short_header(column) in ("planamount", "planunitprice", "mrr") and n and digits == n
                 and value is not None and chk.column_named(("billingperiodunit", "subscriptionsbillingperiodunit"))
                 is not None)
    if chargebee:
        return _either(chk, f"amount_unit:{column}", f"Are the amounts in '{column}' in currency units or in cents?",
                       ("units", f"currency units ('{example}' is {value:,.2f})"),
                       ("cents", f"cents ('{example}' is {value / 100:,.2f})"),
                       f"The file is laid out as Chargebee's subscriptions ('billing_period_unit') and every amount "
                       f"is a whole number ({n:,} amounts, e.g. '{example}'): Chargebee's API writes "
                       "its plan amounts and MRR in cents (4999 for 49.99), which read as units would make every "
                       "figure a hundred times too large; its dashboard's exports write 49.99.")
    if not paddle and (n < 10 or hundreds < n or not CENTS_MEDIAN[0] <= median <= CENTS_MEDIAN[1]):
        return False
    if paddle:
        return _either(chk, f"amount_unit:{column}", f"Are the amounts in '{column}' in currency units or in cents?",
                       ("units", f"currency units ('{example}' is {value:,.2f})"),
                       ("cents", f"cents ('{example}' is {value / 100:,.2f})"),
                       f"'{column}' is named as Paddle Billing's API names a transaction's totals, which it writes in "
                       "the currency's lowest unit (3599 for 35.99); a report exported from Paddle's dashboard may "
                       "write currency units instead.")
    return _either(chk, f"amount_unit:{column}", f"Are the amounts in '{column}' in currency units or in cents?",
                   ("units", f"currency units ('{example}' is {value:,.2f})"),
                   ("cents", f"cents ('{example}' is {value / 100:,.2f})"),
                   f"Every amount read is a whole multiple of 100 ({n:,} amounts, e.g. '{example}'): Stripe's API "
                   "and Sigma write amounts in cents (4900 for 49.00), which read as units would make every figure "
                   "a hundred times too large.")


CURRENCIES = ("USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "PLN", "INR", "BRL", "other")
_CODE_OF_SIGN = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "USD": "USD", "EUR": "EUR", "GBP": "GBP",
                 "CHF": "CHF"}


# A country column's countries and the currency billed there (names as exports write them, and ISO codes): evidence for
# the currency question when nothing names it (the UCI Online Retail invoices, 91% United Kingdom, were shown in "$")
_COUNTRY_CURRENCY = {
    **dict.fromkeys(("united states", "usa", "us", "united states of america"), "USD"),
    **dict.fromkeys(("united kingdom", "uk", "gb", "great britain", "england", "scotland", "wales"), "GBP"),
    **dict.fromkeys(("germany", "deutschland", "de", "france", "fr", "spain", "es", "italy", "it", "netherlands",
                     "nl", "ireland", "eire", "ie", "austria", "at", "belgium", "be", "portugal", "pt", "finland", "fi",
                     "greece", "gr", "luxembourg", "lu"), "EUR"),
    **dict.fromkeys(("switzerland", "ch", "schweiz"), "CHF"), **dict.fromkeys(("canada", "ca"), "CAD"),
    **dict.fromkeys(("australia", "au"), "AUD"), **dict.fromkeys(("japan", "jp"), "JPY"),
    **dict.fromkeys(("sweden", "se"), "SEK"), **dict.fromkeys(("norway", "no"), "NOK"),
    **dict.fromkeys(("denmark", "dk"), "DKK"), **dict.fromkeys(("poland", "pl"), "PLN"),
    **dict.fromkeys(("india", "in"), "INR"), **dict.fromkeys(("brazil", "br", "brasil"), "BRL")}
COUNTRY_HEADERS = ("country", "countrycode", "billingcountry", "customercountry", "land", "pays", "pais")


def _country_currency(chk: _Checker) -> tuple[str, str] | None:
    """(currency, evidence) from a country column where one country holds at least half of the rows."""
    column = chk.column_named(COUNTRY_HEADERS)
    if column is None:
        return None
    row = chk.con.execute(f"SELECT lower({quote_ident(column)}) AS c, count(*) / (SELECT count(*) FROM raw) AS share "
                          f"FROM raw WHERE {quote_ident(column)} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 "
                          "LIMIT 1").fetchone()
    if row is None or row[1] < 0.5 or row[0] not in _COUNTRY_CURRENCY:
        return None
    code = _COUNTRY_CURRENCY[row[0]]
    return code, f"'{column}' is {row[0].title() if len(row[0]) > 3 else row[0].upper()} on {row[1]:.0%} of the rows"


def ask_currency(chk: _Checker, column: str, named: str | None, european: bool) -> str | None:
    """The currency the pages show the amounts in: what the file names (a currency column, the amounts' signs),
    else asked with USD proposed; must confirm when the amounts are written the European way (1.234,56 or a
    thousands dot) and nothing names the currency ("$" on a German invoice list would be a guess), or when a country
    column points to another currency (proposed: most rows' country's currency; a customer's country is evidence, not
    proof, of what it is billed in). "other": the amounts are shown without a sign."""
    code = _CODE_OF_SIGN.get(named, named) if named else None
    # a workbook whose amounts are formatted with a sign their text cannot carry (Swedish Excel's "kr", [$SEK]): a
    # code names the currency; another sign is asked, must confirm (USD proposed unasked beside a sheet showing
    # '100,00 kr' was a guess against the evidence)
    shown = None if code else chk.format_signs.get(column)
    if shown and shown.upper() in CURRENCIES:
        code, shown = shown.upper(), None
    choices = CURRENCIES if code is None or code in CURRENCIES else (code, *CURRENCIES)
    country = None if code else _country_currency(chk)
    detail = (f"The file names {code}." if code else "Nothing in the file names the currency (no currency column, "
              "no sign beside the amounts)" + ("; the amounts are written the European way" if european else "")
              + (f"; {country[1]} ({country[0]} there)." if country else "."))
    guess = country[0] if country else "USD"
    if shown:
        detail = (f"The workbook formats the amounts in '{column}' with the currency sign '{shown}', which names no "
                  "one currency: say which.")
    answer = chk.questions.ask(Question(
        f"currency:{column}", f"Which currency are the amounts in '{column}' in?", choices,
        {"other": "another currency (amounts shown without a sign)"}, code or guess, detail,
        must_confirm=code is None and (european or guess != "USD" or bool(shown))))
    return answer
