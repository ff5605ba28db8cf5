"""Revenue checks that read the file before the revenue preparer: which column is a line's amount (an invoice's
total repeated on its lines, an order's amount repeated on its item rows), an order's further line items, payments and
credit notes beside charges, identical lines."""

from __future__ import annotations

from metrics.errors import InvalidOptionError
from metrics.ingest.checks import _amount_sql, _Checker, _keep_or_reject, _repeat, _repeats, left_out_counts
from metrics.ingest.mapping import (
    BUYER_EMAIL_HEADERS,
    SYNONYMS,
    currency_twin,
    normalise_header,
    says_monthly,
    says_without_tax,
)
from metrics.ingest.model import counted
from metrics.ingest.questions import Question
from metrics.ingest.sqltext import _blank, sql_words
from metrics.store import quote_ident

# Amount headers of a monthly figure (as mapping.py tells MRR columns: 'mrr' or 'monthly' in the header): one
# line per customer and month, so a repeated line is the same line exported twice. Any other amount (sales,
# amount paid, total) is a purchase: identical lines are repeat purchases.
MONTHLY_AMOUNT_WORDS = ("mrr", "monthly")
# Headers of a column that identifies each row: Stripe's 'id' (an invoice in its invoice export, a line in its line
# items export), a payment or transaction id. Not an invoice number: it repeats on each line of an invoice, and two
# alike lines of one invoice may be two of the same item.
LINE_ID_HEADERS = ("id", "transactionid", "txnid", "chargeid", "paymentid", "lineitemid", "invoicelineitemid",
                   "invoiceitemid")


# A line's own amount beside the invoice's total: Xero's 'LineAmount', Zoho Books' 'Item Total'
LINE_AMOUNT_HEADERS = ("lineamount", "itemtotal", "lineitemtotal", "linetotal")


def _line_amounts(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> bool:
    """An invoice export with one row per line (Xero: 'LineAmount', 'TaxAmount') repeats the invoice's 'Total' on
    each of its lines: read as the amount, a two-line invoice counted twice (Beta: 180 + 180 − 30 for 150). When the
    lines add up to the totals, the line amounts are read instead: without their tax when line + line tax makes the
    total, less the line tax when the lines alone make it. Left as mapped when the sums do not tell. Returns
    whether the line amounts are read (their tax then settled by the sums)."""
    line, invoice = chk.column_named(LINE_AMOUNT_HEADERS), chk.column_named(("invoicenumber", "invoiceno", "invoiceid"))
    total = mapping.get("amount")
    if not (line and invoice and total) or normalise_header(total) != "total":
        return False
    line_tax = chk.column_named(("taxamount", "linetaxamount", "itemtaxamount"))

    def num(col: str | None) -> str:
        return f"coalesce({_amount_sql(quote_ident(col))}, 0)" if col else "0"

    invoices, without_tax, with_tax = chk.con.execute(f"""
        SELECT count(*), count(*) FILTER (abs(lines + taxes - total) < 0.005),
               count(*) FILTER (abs(lines - total) < 0.005) FROM (
            SELECT sum({num(line)}) AS lines, sum({num(line_tax)}) AS taxes, any_value({num(total)}) AS total
            FROM raw GROUP BY {quote_ident(invoice)} HAVING count(DISTINCT {num(total)}) = 1)""").fetchone()
    if not invoices or (without_tax < invoices and with_tax < invoices) or (line_tax is None and with_tax < invoices):
        return False
    mapping["amount"] = line
    mapping.pop("tax", None)
    if with_tax == invoices and line_tax and without_tax < invoices:
        mapping["tax"] = line_tax
    warnings.append(f"'{total}' repeats the invoice's total on each of its lines: each line's '{line}' is read "
                    "instead" + (f", less its '{line_tax}'." if line_tax and mapping.get("tax") == line_tax else
                                 f" (with '{line_tax}' it adds up to the total: the lines are without tax)."
                                 if line_tax else "."))
    return True


def _tax_beside(chk: _Checker, mapping: dict[str, str], given: dict[str, str], warnings: list[str]) -> None:
    """A tax column beside a line amount that is not a total (Braintree's 'Tax Amount' beside 'Amount Submitted For
    Settlement'): whether the amount holds the tax the header does not say, and mapping dropped the tax silently (a
    charge of 100 + 20 tax was MRR 120). Asked when the tax column holds amounts other than 0, must be confirmed:
    'included' subtracts it."""
    amount = mapping.get("amount")
    if amount is None or "month" not in mapping or "tax" in mapping or "tax" in given or says_monthly(amount):
        return
    if says_without_tax(amount):  # 2Checkout's 'NetPrice' beside its 'VAT', Odoo's 'Untaxed Amount'
        return
    tax = chk.column_named(tuple(SYNONYMS["tax"]))
    if tax is None or tax in mapping.values() or tax in chk.hidden:
        return
    # the tax in the amount's currency (FastSpring's 'Tax_in_USD' beside 'Transaction_Amount_in_USD'), not the
    # buyer's ('Tax' in EUR: 19 came off 130 USD for 20.75)
    tax = currency_twin(amount, tax, chk.file_columns()) or tax
    taxed, example = chk.con.execute(
        f"SELECT count(*) FILTER (t <> 0), arg_min(v, _row) FILTER (t <> 0) FROM "
        f"(SELECT _row, {quote_ident(tax)} AS v, {_amount_sql(quote_ident(tax))} AS t FROM raw)").fetchone()
    if not taxed:
        return
    answer = chk.questions.ask(Question(
        f"tax_in:{amount}", f"Does '{amount}' include the tax in '{tax}'?", ("included", "excluded"),
        {"included": f"yes: '{amount}' is what the customer paid, tax in it (the tax is subtracted: MRR excludes tax)",
         "excluded": f"no: '{amount}' is without tax, or '{tax}' is another tax (on a fee), not the sale's"},
        None, f"{counted(taxed, 'row')} {'has' if taxed == 1 else 'have'} a tax other than 0 (e.g. '{example}'). A "
              "payment processor's amount is usually what was charged, tax in it (Braintree), and MRR excludes tax.",
        must_confirm=True))
    if answer == "included":
        mapping["tax"] = tax
    elif answer == "excluded":
        warnings.append(f"'{tax}' is not subtracted from '{amount}', as answered: the amounts are read without tax.")


def _order_lines(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """Shopify's orders export writes one row per line item and the order's own columns (customer, dates, totals)
    on its first row only: each further row repeats the order's number (the file's first column) and leaves the
    customer, date and amount empty. Refused as empty cells, a two-item order rejected the file; such rows add
    nothing to the order's total on its first row, so they are left out, counted."""
    fields = [mapping[f] for f in ("customer_id", "amount", "month") if f in mapping]
    order = next(iter(chk.file_columns()), None)
    if len(fields) < 3 or order is None or order in mapping.values():
        return
    key = quote_ident(order)
    empty = " AND ".join(_blank(quote_ident(c)) for c in fields)
    further = (f"_row IN (SELECT _row FROM (SELECT _row, {key} AS k, lag({key}) OVER (ORDER BY _row) AS above, "
               f"{empty} AS empty FROM raw) WHERE empty AND k <> '' AND k = above)")
    if not chk.count_where(empty) or not (n := chk.count_where(further)):  # the window only when rows are empty
        return
    chk.leave_out(further)
    warnings.append(f"{counted(n, 'row')} {'continues' if n == 1 else 'continue'} the order above (the same "
                    f"'{order}', no customer, date or amount: an order's further line items, its own columns on "
                    f"its first row only): left out, the order's '{mapping['amount']}' is on its first row.")


# A column naming the order a row belongs to (WooCommerce 'Order Number', 'Order ID')
ORDER_HEADERS = ("ordernumber", "orderid", "orderno", "ordername")


def _order_amount_repeated(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """An orders export with one row per item may repeat the order's own amount on every item row (WooCommerce's
    'Order Total Amount'): summed, a two-item order counted twice (100 for 50). When the amount's header names the
    order (or a total) and every order with several rows carries one amount, customer and date on all of them, the
    order is read once, from its first row, and the others are left out, counted."""
    order = chk.column_named(ORDER_HEADERS)
    fields = [mapping[f] for f in ("customer_id", "amount", "month") if f in mapping]
    header = normalise_header(mapping.get("amount", ""))
    if (order is None or len(fields) < 3 or order in mapping.values()
            or not (header.startswith("order") or header in ("total", "subtotal"))):
        return
    key = quote_ident(order)
    same = ", ".join(f"count(DISTINCT coalesce({quote_ident(c)}, ''))" for c in fields)
    orders, alike = chk.con.execute(
        f"SELECT count(*), count(*) FILTER (alike) FROM (SELECT greatest({same}) = 1 AS alike FROM raw "
        f"WHERE {key} <> '' GROUP BY {key} HAVING count(*) > 1)").fetchone()
    if not orders or alike < orders:
        return
    later = (f"_row IN (SELECT _row FROM (SELECT _row, row_number() OVER (PARTITION BY {key} ORDER BY _row) AS k "
             f"FROM raw WHERE {key} <> '') WHERE k > 1)")
    n = chk.count_where(later)
    chk.leave_out(later)
    warnings.append(f"'{mapping['amount']}' repeats its order's amount on each of the order's item rows ("
                    f"{counted(orders, 'order')} over several rows, by '{order}'): each order is read once, from its "
                    f"first row; {counted(n, 'further row')} left out.")


# The id a shop writes for a checkout without an account (BigCommerce: 0 for every guest)
GUEST_IDS = ("0", "-1", "guest")


def _guest_ids(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """A shop writes one id (BigCommerce: 0) for every guest checkout: read as written, every guest buyer is one
    customer (two buyers' orders made one customer's month). When that id stands for several emails, asked: each
    guest read by their email, or those rows refused."""
    cid, email = mapping.get("customer_id"), chk.column_named(BUYER_EMAIL_HEADERS)
    if not cid or not email or email == cid:
        return
    col, mail = quote_ident(cid), quote_ident(email)
    guest = f"{col} IN {sql_words(GUEST_IDS)} AND {mail} <> ''"
    rows, buyers, written = chk.con.execute(f"SELECT count(*), count(DISTINCT lower({mail})), any_value({col}) "
                                            f"FROM raw WHERE {guest}").fetchone()
    if buyers < 2:
        return
    answer = chk.questions.ask(Question(
        f"guest_ids:{cid}", f"'{cid}' is {written} on {counted(rows, 'row')} of {buyers:,} different buyers in "
        f"'{email}' (checkouts without an account). How should they be read?", ("email", "refuse"),
        {"email": f"Each by their '{email}' (one customer per buyer)",
         "refuse": f"Refuse those rows (read as written, all {buyers:,} buyers would be one customer)"},
        "email", f"The other rows' ids in '{cid}' stay as they are."))
    if answer == "email":
        chk.con.execute(f"UPDATE raw SET {col} = lower({mail}) WHERE {guest}")
        verb = "is" if rows == 1 else "are"
        warnings.append(f"{counted(rows, 'row')} with '{cid}' {written} (guest checkouts) {verb} read by the buyer's "
                        f"'{email}': {buyers:,} customers, not one.")
    else:
        chk.flag(cid, guest, f"are {written} for {buyers:,} different buyers in '{email}' (guest checkouts): one "
                 "customer if read as written")


# Yes/no columns saying a sale was taken back whole (Gumroad: 'Fully Refunded?', 'Disputed?' beside 'Dispute Won?')
# FastSpring's revenue report: 'Chargeback_True_False' (a chargeback: left out); its 'Return_True_False' says the
# order had a return, which may be part of it: asked (left out whole, or refused)
REFUNDED_FLAGS, DISPUTED_FLAGS, DISPUTE_WON_FLAGS = (("fullyrefunded",), ("disputed", "chargedback",
                                                                          "chargebacktruefalse"), ("disputewon",))
RETURN_FLAGS = ("returntruefalse",)
# Business Central's posted sales invoices: 'Cancelled' Yes is an invoice reversed by a corrective credit memo, which
# the invoice list does not hold (counted, a cancelled invoice stayed revenue)
CANCELLED_FLAGS = ("cancelled", "canceled")
# FastSpring's revenue report: 'Subscription_True_False' says whether the order was a subscription's; beside
# subscription orders, the others are one-off sales (a product bought once), no recurring revenue
SUBSCRIPTION_FLAGS = ("subscriptiontruefalse",)
RETURNED = {"left_out": "each flagged sale was refunded in full: left out (no revenue)",
            "refuse": "some are partial returns: refuse the file (export the refunded amounts to read them)"}
_TRUE, _FLAG_WORDS = ("1", "true", "yes", "y"), ("0", "1", "true", "false", "yes", "no", "y", "n", "")


def _yes_no_column(chk: _Checker, mapping: dict[str, str], headers: tuple[str, ...],
                   words: tuple[str, ...] = _FLAG_WORDS) -> str | None:
    """The column of one of `headers`, not mapped to a field, whose every cell is one of `words` (yes/no); else None."""
    col = chk.column_named(headers)
    if col is None or col in mapping.values():
        return None
    values = chk.con.execute(f"SELECT count(*) FILTER (lower({quote_ident(col)}) NOT IN {sql_words(words)})"
                             " FROM raw").fetchone()[0]
    return None if values else col


def square_partial_refunds(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """Square's transactions export: a refund by amount (a partial refund) is its own 'Refund' row with 'Net Sales'
    0.00 and the money given back in 'Partial Refunds' (Square's glossary: its Refunds and Net Sales exclude partial
    refunds; its sales summary takes them off between Net Sales and Total Collected). Read by 'Net Sales' alone, a
    20.00 refund of a 90.00 sale was never taken off. The partial refund is the row's amount (its text, so the
    file's own number format reads it); a row holding both a net sale and a partial refund is refused by row (which
    part of it was refunded the file does not say)."""
    amount = mapping.get("amount")
    partial = chk.column_named(("partialrefunds", "partialrefund"))
    if amount is None or partial is None or normalise_header(amount) != "netsales" or partial in mapping.values():
        return
    a, r = quote_ident(amount), quote_ident(partial)
    refunded = f"coalesce({_amount_sql(r)}, 0) <> 0"  # zero whichever the decimal mark ('0.00', '0,00')
    net_zero = f"coalesce({_amount_sql(a)}, 0) = 0"
    chk.flag(partial, f"{refunded} AND NOT {net_zero}",
             f"hold a partial refund beside a net sale in '{amount}' (which part of the sale was refunded is not "
             "said): export the refund as its own row")
    n = chk.count_where(f"{refunded} AND {net_zero}")
    if n:
        chk.con.execute(f"UPDATE raw SET {a} = {r} WHERE {refunded} AND {net_zero}")
        warnings.append(f"{counted(n, 'partial refund')} in '{partial}' (on rows with no net sale) "
                        f"{'is' if n == 1 else 'are'} taken off the customer's revenue: Square's '{amount}' leaves "
                        "refunds by amount out.")


def paddle_adjusted(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """Paddle Billing's transactions flattened from its API: 'details.adjusted_totals' holds the totals after the
    refunds, chargebacks and credits adjusting a transaction (empty when none did: "null if no adjustments"), its
    'details.totals' the totals as billed. Unread, the adjusted column was taken as the amount, with the billed tax
    subtracted (a refunded 108.00 with 18.00 tax became −18.00) and every transaction not adjusted refused. A
    transaction's amount and tax are its adjusted ones where written, the billed ones otherwise; said."""
    amount, tax = mapping.get("amount"), mapping.get("tax")
    if amount is None or normalise_header(amount) != "detailstotalstotal":
        return
    adjusted = chk.column_named(("detailsadjustedtotalstotal",))
    adjusted_tax = chk.column_named(("detailsadjustedtotalstax",))
    if adjusted is None or (tax is not None and adjusted_tax is None):
        return
    where = f"NOT {_blank(quote_ident(adjusted))}"
    # said for the transactions whose adjusted total differs from the billed one (a connector may copy the billed
    # totals into the adjusted ones when nothing adjusted them)
    n = chk.count_where(f"{where} AND {_amount_sql(quote_ident(adjusted))} IS DISTINCT FROM "
                        f"{_amount_sql(quote_ident(amount))}")
    if not chk.count_where(where):
        return
    sets = [f"{quote_ident(amount)} = {quote_ident(adjusted)}"]
    if tax is not None:
        sets.append(f"{quote_ident(tax)} = coalesce(nullif(trim({quote_ident(adjusted_tax)}), ''), '0')")
    chk.con.execute(f"UPDATE raw SET {', '.join(sets)} WHERE {where}")
    if n:
        warnings.append(f"{counted(n, 'transaction')} adjusted by a refund, a chargeback or a credit "
                        f"{'is' if n == 1 else 'are'} read at {'its' if n == 1 else 'their'} adjusted totals "
                        f"('{adjusted}'" + (f" less '{adjusted_tax}'" if tax is not None else "")
                        + f"), not as billed ('{amount}').")


def _taken_back(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """Sales a yes/no column says were refunded in full, or lost to a dispute (a chargeback not won), are no
    revenue: left out, counted by reason. Unread, Gumroad's refunded sales and lost chargebacks counted whole."""
    def says(col: str) -> str:
        return f"lower({quote_ident(col)}) IN {sql_words(_TRUE)}"

    refunded, disputed, won, cancelled = (_yes_no_column(chk, mapping, headers) for headers in
                                          (REFUNDED_FLAGS, DISPUTED_FLAGS, DISPUTE_WON_FLAGS, CANCELLED_FLAGS))
    if {"start_date", "tenure"} & mapping.keys():
        # a subscription list's 'Cancelled' Yes is a subscription that ended, whose months were paid: its end date
        # ends its revenue (left out, a cancelled subscription's every month vanished and its churn with it)
        cancelled = None
    for condition, why in ((refunded and says(refunded), f"'{refunded}' says refunded in full"),
                           (cancelled and says(cancelled), f"'{cancelled}' says cancelled (reversed)"),
                           (disputed and f"{says(disputed)} AND NOT coalesce({says(won) if won else 'false'}, false)",
                            f"'{disputed}' says disputed" + (f" and '{won}' not won" if won else "")
                            + " (a chargeback)")):
        if condition and (n := chk.count_where(condition)):
            chk.leave_out(condition)
            warnings.append(f"{counted(n, 'sale')} whose {why} {'was' if n == 1 else 'were'} left out: money taken "
                            "back is no revenue.")
    subscribed = _yes_no_column(chk, mapping, SUBSCRIPTION_FLAGS)
    if subscribed and chk.count_where(says(subscribed)) and (n := chk.count_where(f"NOT {says(subscribed)}")):
        chk.leave_out(f"NOT {says(subscribed)}")
        verb = "was" if n == 1 else "were"
        warnings.append(f"{counted(n, 'sale')} whose '{subscribed}' says not a subscription {verb} left out: a "
                        "one-off sale is no recurring revenue.")
    returned = _yes_no_column(chk, mapping, RETURN_FLAGS)
    if returned and (n := chk.count_where(says(returned))):
        # unread, FastSpring's returned orders were revenue whole; a yes/no flag cannot say how much was returned
        answer = chk.questions.ask(Question(
            f"returned:{returned}", f"Were the sales '{returned}' says returned refunded in full?", tuple(RETURNED),
            RETURNED, None, f"{counted(n, 'sale')} {'is' if n == 1 else 'are'} flagged returned in '{returned}', "
            "with no refunded amount beside: a return may take back part of a sale, and which part the file does not "
            "say. Counted whole, a refunded sale would stay revenue.", must_confirm=True))
        if answer == "refuse":
            raise InvalidOptionError(
                f"'{returned}' flags {counted(n, 'sale')} returned without saying how much was refunded: export the "
                "returns with their amounts (or the orders net of them) and upload again.")
        if answer == "left_out":
            chk.leave_out(says(returned))
            warnings.append(f"{counted(n, 'sale')} whose '{returned}' says returned {'was' if n == 1 else 'were'} "
                            "left out, as answered (refunded in full): money taken back is no revenue.")


def _total_row(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """A sales export's last row may be its totals with no label (Gumroad: no buyer, no date, each amount column's
    sum): refused as empty cells, or summed as a sale. The last row with no customer and no date whose amount is
    the sum of every other row's is that total: left out, said. (Labelled total rows are checks.py's.)"""
    fields = [mapping[f] for f in ("customer_id", "month") if f in mapping]
    if len(fields) < 2 or "amount" not in mapping:
        return
    amount = _amount_sql(quote_ident(mapping["amount"]))
    empty = " AND ".join(_blank(quote_ident(c)) for c in fields)
    # the last row alone first: the file's sum is read only when that row has no customer and no date
    last = chk.con.execute(f"SELECT _row FROM raw WHERE _row = (SELECT max(_row) FROM raw) AND {empty}").fetchone()
    if last is None:
        return
    last = int(last[0])
    value, rest = chk.con.execute(f"SELECT sum({amount}) FILTER (_row = {last}), sum({amount}) FILTER (_row <> "
                                  f"{last}) FROM raw").fetchone()
    if value is None or rest is None or value == 0 or abs(value - rest) >= 0.005:
        return
    chk.leave_out(f"_row = {last}")
    warnings.append(f"The last row (row {last}: no customer, no date, '{mapping['amount']}' {value:,.2f}, the sum of "
                    "every other row) is the file's total: left out.")


# A payment's paid flag (Paddle Classic's subscription payments: 'is_paid' 0 for an upcoming payment). Not an
# invoice's 'Paid' beside its status (Stripe's): an open invoice is billed revenue of its month (OPEN_STATUS)
PAID_FLAGS = ("ispaid",)
_NOT_PAID = ("false", "f", "no", "n", "0")


def _unpaid_rows(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """Rows a paid flag marks as not paid (Paddle Classic lists upcoming payments beside the paid ones, 'is_paid' 0):
    read as revenue, an unpaid 50 made a customer's month. Left out, counted, when the flag holds only true/false
    values (an empty cell is not known, and kept)."""
    if "status" in mapping:
        return
    flag = _yes_no_column(chk, mapping, PAID_FLAGS, _FLAG_WORDS + ("t", "f"))
    unpaid = f"lower({quote_ident(flag)}) IN {sql_words(_NOT_PAID)}" if flag else None
    if unpaid and (n := chk.count_where(unpaid)):
        chk.leave_out(unpaid)
        warnings.append(f"{counted(n, 'row')} whose '{flag}' says not paid {'was' if n == 1 else 'were'} "
                        "left out: a payment not made (an upcoming one) is no revenue.")


def _credit_notes(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """Xero writes a credit note as a positive amount with 'Sales credit note' in its 'Type': read as it stands, a
    credit of 100 was 100 of revenue. Such lines are read as negative (then netted or not, as the credits question
    asks), said."""
    # Recurly's transactions as its API writes them name the kind 'action' (purchase, refund, verify): a refund's
    # positive amount was added as revenue
    kind = chk.column_named(("type", "invoicetype", "documenttype", "transactiontype", "action"))
    if kind is None or kind in mapping.values():
        return
    amount, label = quote_ident(mapping["amount"]), quote_ident(kind)
    word = f"lower(trim({label}))"
    # Maxio (Chargify) transactions: a 'Payment' row settles the 'Charge' before it (both counted: revenue twice);
    # only beside charges, sales or invoices (a payments export of 'payment' rows alone is the revenue)
    if chk.count_where(f"{word} IN {sql_words(CHARGE_TYPES)}") and (n := chk.leave_out_values(kind, SETTLING_TYPES)[0]):
        warnings.append(f"{counted(n, 'row')} whose '{kind}' says payment {'was' if n == 1 else 'were'} left out: "
                        "a payment settles a charge of the file (counted, the revenue was counted twice).")
    # a card check or an authorization hold is no payment (Recurly's 'verify', Chargebee's 'Authorization': a $1
    # check made a customer who never paid, then churned)
    if n := chk.leave_out_values(kind, NOT_PAID_TYPES)[0]:
        warnings.append(f"{counted(n, 'row')} whose '{kind}' says authorization or card check "
                        f"{'was' if n == 1 else 'were'} left out: a hold or a check is not a payment.")
    # a store's or a processor's fee (Google Play's 'Google fee' and its refund) is the merchant's cost, and a hold
    # on the balance or its release (PayPal's 'Hold on Balance for Dispute Investigation', 'Reversal of General
    # Account Hold') moves the merchant's own money: netted, a hold and its release took a month's payment away
    held = f"{word} IN {sql_words(FEE_TYPES)} OR contains({word}, 'hold')"
    if n := chk.count_where(held):
        found = left_out_counts(chk, word, f"NOT ({held})")
        chk.leave_out(held)
        warnings.append(f"{counted(n, 'row')} whose '{kind}' says fee or hold {'was' if n == 1 else 'were'} left "
                        "out, a fee being the merchant's cost and a hold a move of the merchant's own balance, "
                        f"neither a customer's payment: {found}.")
    # Xero's 'Sales credit note', Braintree's 'credit', Maxio's 'Refund' and Chargebee's 'Payment Reversal' carry a
    # positive amount (a reversal of 119 was added)
    # (not PayPal's 'Cancellation of Payment Reversal': the money comes back; not a tax refund, written with the sign
    # it moves the revenue by: Google Play's +0.45 'Tax refund' beside the −5.00 'Charge refund')
    credit = (f"(contains({word}, 'credit') OR contains({word}, 'refund') "
              f"OR (contains({word}, 'reversal') AND NOT contains({word}, 'cancel'))) AND NOT contains({word}, 'tax') "
              f"AND {_amount_sql(amount)} > 0 AND NOT starts_with(trim({amount}), '-')")
    if n := chk.count_where(credit):
        # its tax is credited with it (Sage's and Odoo's credit notes write the VAT positive too: a −60 total with
        # +10 VAT was refused by row as a tax of the other sign)
        for part in (mapping[f] for f in ("tax", "shipping") if f in mapping):
            col = quote_ident(part)
            chk.con.execute(f"UPDATE raw SET {col} = '-' || trim({col}) WHERE {credit} AND {_amount_sql(col)} > 0 "
                            f"AND NOT starts_with(trim({col}), '-')")
        chk.con.execute(f"UPDATE raw SET {amount} = '-' || trim({amount}) WHERE {credit}")
        warnings.append(f"{counted(n, 'line')} whose '{kind}' says credit note, refund or reversal "
                        f"{'carries' if n == 1 else 'carry'} a positive '{mapping['amount']}': read as a credit "
                        "(negative).")


# Stripe's balance reports (the itemized balance change report): 'reporting_category' says what moved the balance.
# Charges and what undoes them are revenue; payouts, fees, transfers and top-ups move the merchant's own money (a
# payout of 123.05 was a credit of 123.05 asked about)
REVENUE_CATEGORIES = ("charge", "refund", "dispute", "dispute_reversal", "partial_capture_reversal", "charge_failure")


def _balance_categories(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """Rows of a balance report that are not a customer's payment (payouts, fees, transfers) left out, counted by
    category, said."""
    category = chk.column_named(("reportingcategory",))
    if category is None or category in mapping.values():
        return
    word = f"lower(trim(coalesce({quote_ident(category)}, '')))"
    keep = f"{word} IN {sql_words(REVENUE_CATEGORIES)}"
    if not (n := chk.count_where(f"NOT ({keep})")):
        return
    said = ", ".join(f"{v} {c:,}" for v, c in chk.con.execute(
        f"SELECT {word}, count(*) FROM raw WHERE NOT ({keep}) GROUP BY 1 ORDER BY 1").fetchall())
    chk.leave_out(f"NOT ({keep})")
    warnings.append(f"{counted(n, 'row')} of '{category}' {'is' if n == 1 else 'are'} no customer's payment and "
                    f"{'was' if n == 1 else 'were'} left out ({said}): payouts, fees and transfers move the "
                    "account's own money.")


# Adyen's Settlement details report: the journal types of a shopper's payment and what undoes it (docs.adyen.com,
# 'Settlement details report', column 'Type'); its other types (Fee, MerchantPayout, InvoiceDeduction,
# DepositCorrection, MiscCosts, Balancetransfer, PaidOut …) are the batch's bookings, no customer's payment
PAYMENT_JOURNAL_PREFIXES = ("settled", "refunded", "chargeback", "secondchargeback")


def _debit_credit(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> bool:
    """An amount in two columns (Adyen's 'Gross Credit (GC)' and 'Gross Debit (GC)'): a payment in the credit
    column, a refund or a chargeback in the debit one. With the credit column mapped, a refund's row had no amount
    (refused, or with bad rows skipped the refunded 80 stayed revenue): the debit is read as a credit (negative),
    then netted or not as the credits question asks. Rows of a journal 'Type' that is no shopper's payment (fees,
    payouts, invoice deductions: no customer, an amount in the debit column) are left out, counted by type.
    Returns whether the amount was read so (its sign then set by its column, not by the type's words: Adyen's
    'RefundedReversed' in the credit column is money back, not a refund)."""
    amount = mapping.get("amount")
    if amount is None or "credit" not in amount.lower():
        return False
    debit = chk.column_named((normalise_header(amount).replace("credit", "debit"),))
    if debit is None or debit in mapping.values():
        return False
    kind = chk.column_named(("type", "journaltype", "recordtype"))
    if kind and kind not in mapping.values():
        word = f"regexp_replace(lower(trim(coalesce({quote_ident(kind)}, ''))), '[^a-z]', '', 'g')"
        payment = " OR ".join(f"starts_with({word}, '{w}')" for w in PAYMENT_JOURNAL_PREFIXES)
        if n := chk.count_where(f"NOT ({payment})"):
            found = ", ".join(f"{v} ({c:,})" for v, c in chk.con.execute(
                f"SELECT {quote_ident(kind)}, count(*) FROM raw WHERE NOT ({payment}) GROUP BY 1 ORDER BY 2 DESC, 1"
            ).fetchall())
            chk.leave_out(f"NOT ({payment})")
            warnings.append(f"{counted(n, 'row')} whose '{kind}' is no shopper's payment {'was' if n == 1 else 'were'}"
                            f" left out ({found}): fees, payouts and deductions are the account's own bookings, not "
                            "revenue.")
    credit, debit_col = quote_ident(amount), quote_ident(debit)
    chk.flag(debit, f"NOT {_blank(credit)} AND NOT {_blank(debit_col)}",
             f"are filled beside an amount in '{amount}': a row is a payment (credit) or a refund or chargeback "
             "(debit), which one cannot be told")
    moved = f"{_blank(credit)} AND NOT {_blank(debit_col)}"
    if n := chk.count_where(moved):
        chk.con.execute(f"UPDATE raw SET {credit} = '-' || trim({debit_col}) WHERE {moved}")
        warnings.append(f"{counted(n, 'row')} {'has its' if n == 1 else 'have their'} amount in '{debit}' (refunds and "
                        f"chargebacks): read as {'a credit' if n == 1 else 'credits'} (negative) beside the payments "
                        f"of '{amount}'.")
    return True


CHARGE_TYPES = ("charge", "sale", "invoice")
FEE_TYPES = ("google fee", "google fee refund", "fee", "fee refund", "fees", "processing fee", "transaction fee",
             "payment fee", "apple fee")
NOT_PAID_TYPES = ("authorization", "authorisation", "verify", "verification", "card check", "auth")
SETTLING_TYPES = ("payment", "info_transaction")


def _repeated_lines(chk: _Checker, mapping: dict[str, str], whole_row: str, warnings: list[str]) -> None:
    """Revenue lines identical in every column: repeat purchases to sum, or a line exported twice to reject.
    Asked (Question "repeated_lines"), proposed from the amount's header; counted in one set-wise query."""
    if not (repeats := _repeats(chk, whole_row)):
        return
    monthly = any(word in normalise_header(mapping["amount"]) for word in MONTHLY_AMOUNT_WORDS)
    # A line that repeats its own invoice or transaction id is that line twice (two overlapping exports pasted
    # together), never a second purchase: summed, it would double the customer's month.
    ident = chk.column_named(LINE_ID_HEADERS)
    answer = chk.questions.ask(Question(
        "repeated_lines", f"{_repeat(repeats, 'line')} in every column. What are they?",
        ("sum", "reject"), {"sum": "repeat purchases: sum them with the other lines of their month",
                            "reject": "the same line exported twice: reject the repeats"},
        proposal="reject" if monthly or ident else "sum",
        detail=(f"'{ident}' identifies each line, and these repeat theirs" if ident else f"'{mapping['amount']}' "
                + ("is a monthly figure (one line per customer and month)" if monthly
                   else "reads as a purchase or invoice amount (a log with no line id)"))))
    _keep_or_reject(chk, answer == "sum", whole_row, warnings,
                    f"{_repeat(repeats, 'line')} in every column; read as repeat purchases and summed with the other "
                    "lines of their month.")
