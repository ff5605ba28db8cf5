"""Print the headline figures of a workspace's latest data version, as the CEO and CFO pages show them.

Example:

  python -m metrics.report --workspace data/workspace.duckdb --month 2026-09 --json

The window is the pages' default: the 12 months ending at the latest month of the data (or at --month),
shortened when the data starts later. Figures: NPS with its 95% interval and n; CSAT (share of satisfied answers,
top two boxes, with its Wilson 95% interval, n and the mean on its own scale); logo churn (monthly, pooled over
the window, and annualised); MRR and ARR in the window's last month; NRR and GRR (trailing 12 months at that
month); churn by NPS category (category as of the window's start) with n and 95% interval; service (support
tickets: metrics.service.summary — tickets created and solved, backlog, first-response and resolution hours with
median, p90 and n, ticket CSAT with its interval and n, response, contact, reopen and escalation rates, with its own
notes; `after_ticket`: NPS and CSAT of customers before vs after a ticket, by resolution speed, from
metrics.service_value). The rules are those of
the Glossary (docs/metrics.md). A figure that cannot be measured is null (blank in text) with the reason in `notes`;
one measured on fewer than 30 responses or customers is shown, flagged too_small, with a note. `churn_risk`: the
churn model's hold-out AUC, lift and baselines and the ARR at risk over the next three months (metrics.risk; the
model is trained on each run, 10–30 s on the sample); `voice`: comment sentiment shares with coverage and the top
themes by ARR at stake (metrics.voice). `--comments` lists every comment instead (CSV, or JSON with --json).

Exit status: 0 printed; 1 refused (no data, or the month is outside the data; one line on stderr); 2 bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from pathlib import Path

from metrics import cli
from metrics.load import Refused  # one refusal type for both commands (stdlib-only import: --help stays fast)

PROG = "python -m metrics.report"
WINDOW_MONTHS = 12  # the pages' default period (ui.DEFAULT_MONTHS)


def parse_month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month as YYYY-MM") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", required=True, metavar="W", help="the workspace file (DuckDB)")
    parser.add_argument("--month", type=parse_month, metavar="YYYY-MM",
                        help="the window's last month (default: the latest month of the data)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--comments", action="store_true",
                        help="instead of the figures, list every comment of the latest data version (all months, "
                             "or the window ending at --month) with its language, sentiment, score and themes: a "
                             "formula-safe CSV (cells a spreadsheet would run as a formula start with an "
                             "apostrophe), or a JSON list with --json")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = cli.parse(build_parser(), argv)
    if isinstance(args, int):  # --help or a usage error
        return args
    try:
        if args.comments:
            frame = run(args.workspace, args.month, comments)
            if args.json:
                print(frame.assign(date=frame["date"].astype(str)).to_json(orient="records", force_ascii=False,
                                                                            indent=2))
            else:
                from metrics.ingest.export import safe_csv

                sys.stdout.write(safe_csv(frame).decode("utf-8"))
            return 0
        figures = run(args.workspace, args.month)
    except Refused as exc:
        print(f"{PROG}: {' '.join(str(exc).split())}", file=sys.stderr)
        return exc.code
    except Exception as exc:  # a fault of ours: still one line, never a traceback
        print(f"{PROG}: failed unexpectedly ({type(exc).__name__}: {' '.join(str(exc).split())})", file=sys.stderr)
        return 1
    print(json.dumps(figures, indent=2, ensure_ascii=False) if args.json else as_text(figures))
    return 0


def run(path: str, month: dt.date | None, what=None):
    import duckdb

    from metrics.store import Workspace

    if not Path(path).is_file():
        raise Refused(f"no workspace at {path}", 2)
    try:
        ws = Workspace(path)
    except duckdb.Error as exc:
        raise Refused(f"the workspace {path} cannot be opened ({str(exc).splitlines()[0]}); is the app or a "
                      "load using it?") from None
    try:
        return (what or figures)(ws, month)
    finally:
        ws.close()


def _num(value) -> float | None:
    """A plain float for JSON; None for missing values (None, NaN)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def window(first: dt.date, last: dt.date, month: dt.date | None) -> tuple[dt.date, dt.date]:
    """The pages' default period: WINDOW_MONTHS months ending at `month` (default the last), not before `first`."""
    from metrics.view import add_months

    end = month or last
    if not first <= end <= last:
        raise Refused(f"{end:%Y-%m} is outside the data, which covers {first:%Y-%m} to {last:%Y-%m}.")
    return max(first, add_months(end, -(WINDOW_MONTHS - 1))), end


def figures(ws, month: dt.date | None = None) -> dict:
    """The headline figures of the latest data version (see the module's docstring), as a JSON-ready dict."""
    from metrics import csat, nps, revenue, service, service_value, stats
    from metrics.definitions import METRICS, plural
    from metrics.ingest.model import mapped_fields
    from metrics.rules import RETENTION_MONTHS
    from metrics.view import View, add_months

    snap = ws.snapshot()
    if snap is None or snap.first_month is None:
        raise Refused("the workspace holds no data yet; load exports with python -m metrics.load.")
    start, end = window(snap.first_month, snap.last_month, month)
    view = View(snap.snapshot, start, end)
    cur = ws.cursor()
    has = {kind: version is not None for kind, version in snap.versions.items()}
    notes: list[str] = []
    out: dict = {"data_version": snap.snapshot, "versions": snap.versions,
                 "window": {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}", "months": view.months}}

    if not has["nps"]:
        out["nps"] = None
        notes.append("NPS: this data version has no NPS responses.")
    else:
        r = nps.summary(cur, view)
        ci = r.interval
        out["nps"] = None if r.n == 0 else {
            "value": ci.estimate, "low": ci.low, "high": ci.high, "n": r.n, "promoters": r.promoters,
            "passives": r.passives, "detractors": r.detractors, "too_small": r.too_small}
        if r.n == 0:
            info = ws.upload_info(snap.versions["nps"])
            span = f" (the responses cover {info['first_date']:%b %Y} – {info['last_date']:%b %Y})" \
                if info and info["first_date"] else ""
            notes.append(f"NPS: no responses in {start:%b %Y} – {end:%b %Y}{span}.")
        elif r.too_small:
            notes.append(f"NPS: n = {plural(r.n, 'response')}, fewer than {stats.MIN_COMPARABLE_N}: too small to "
                         "compare.")

    if not has.get("csat"):
        out["csat"] = None
        notes.append("CSAT: this data version has no satisfaction answers.")
    else:
        s = csat.summary(cur, view)
        out["csat"] = None if s.n == 0 else {
            "value": s.interval.estimate, "low": s.interval.low, "high": s.interval.high, "n": s.n,
            "satisfied": s.satisfied, "mean": s.mean, "scale": s.scale, "too_small": s.too_small}
        if s.n == 0:
            notes.append(f"CSAT: no satisfaction answers in {start:%b %Y} – {end:%b %Y}.")
        elif s.too_small:
            notes.append(f"CSAT: n = {plural(s.n, 'answer')}, fewer than {stats.MIN_COMPARABLE_N}: too small to "
                         "compare.")

    if not has.get("tickets"):
        out["service"] = None
        notes.append("Service: this data version has no support tickets.")
    else:
        out["service"] = service.summary(cur, view, snap.versions["tickets"])
        if has["nps"]:
            out["service"]["after_ticket"] = service_value.after_ticket_json(cur, view, snap.versions["tickets"],
                                                                             has_csat=bool(has.get("csat")))
        else:
            out["service"]["after_ticket"] = None
            out["service"]["notes"].append("after_ticket: this data version has no NPS responses to pair with tickets.")

    if not has["customers"]:
        out["logo_churn"] = None
        notes.append("Logo churn: this data version has no customer list.")
    else:
        c = revenue.logo_churn(cur, view)
        out["logo_churn"] = None if not c.active_start else {
            "monthly": c.monthly, "annual": c.annual, "churned": c.churned, "active_at_month_starts": c.active_start}
        if not c.active_start:
            notes.append("Logo churn: no customer was active at the start of any month of the window.")
        fields = mapped_fields((ws.upload_info(snap.versions["customers"]) or {}).get("mapping"))
        if "tenure" in fields and "start_date" not in fields:  # how ingest tells a snapshot file
            notes.append("Logo churn and churn by category: the customer list is a snapshot (tenure and a churned "
                         "flag, no dates), so every churner is dated on its as-of date and customers who left "
                         "before the export are not in it: churn is measured in the as-of month only.")

    if not has["revenue"]:
        out.update(mrr=None, arr=None, nrr=None, grr=None, retention_base=None)
        notes.append("MRR, ARR, NRR, GRR: this data version has no revenue.")
    elif (mrr := revenue.mrr_at(cur, view, end)) is None:
        # The window ends outside the revenue months (a survey export newer than the billing export): MRR there is
        # not known, never 0.
        out.update(mrr=None, arr=None, nrr=None, grr=None, retention_base=None)
        notes.append(f"MRR, ARR, NRR, GRR: the revenue data covers {snap.revenue_first:%b %Y} – "
                     f"{snap.revenue_last:%b %Y}, not {end:%b %Y} (the window ends at the latest month of any data); "
                     f"pass --month {snap.revenue_last:%Y-%m} for its figures.")
    else:
        out.update(mrr=mrr, arr=METRICS["arr"].evaluate(mrr=mrr))  # the registry's ARR rule, not a copy of it
        ret = revenue.retention(cur, view)
        if ret is None:
            out.update(nrr=None, grr=None, retention_base=None)
            base_month = add_months(end, -RETENTION_MONTHS)
            notes.append(f"NRR, GRR: not measurable, they need revenue in {base_month:%b %Y} "
                         f"({RETENTION_MONTHS} months before {end:%b %Y}); the revenue data starts in "
                         f"{snap.revenue_first:%b %Y}.")
        else:
            out.update(nrr=_num(ret.nrr), grr=_num(ret.grr),
                       retention_base={"month": f"{add_months(end, -RETENTION_MONTHS):%Y-%m}",
                                       "customers": ret.base_customers,
                                       "mrr": _num(ret.base_mrr)})
            if ret.base_customers < stats.MIN_COMPARABLE_N:
                notes.append(f"NRR, GRR: base of {plural(ret.base_customers, 'customer')}, fewer than "
                             f"{stats.MIN_COMPARABLE_N}: too small to compare.")

    out["churn_by_nps_category"] = _by_category(cur, view, has, notes)
    out.update(_voice_and_risk(cur, view, snap, has, notes))
    out["notes"] = notes
    return out


def _by_category(cur, view, has: dict, notes: list[str]) -> dict | None:
    from metrics import linkage, stats

    missing = [noun for kind, noun in (("nps", "NPS responses"), ("customers", "customer list")) if not has[kind]]
    if missing:
        notes.append(f"Churn by NPS category: this data version has no {' and no '.join(missing)}.")
        return None
    cats = linkage.by_category(cur, view)
    cats = cats[cats.customers > 0]
    if cats.empty:
        notes.append(f"Churn by NPS category: no customer was active on {view.start:%d %b %Y} (the window's "
                     "start), so no category applies.")
        return None
    out = {r.category: {"customers": int(r.customers), "churned": int(r.churned), "rate": _num(r.churn_rate),
                        "low": _num(r.churn_low), "high": _num(r.churn_high), "annual": _num(r.annual_churn),
                        "too_small": bool(r.too_small)}
           for r in cats.itertuples()}
    small = [f"{c} ({v['customers']})" for c, v in out.items() if v["too_small"]]
    if small:
        notes.append(f"Churn by NPS category: fewer than {stats.MIN_COMPARABLE_N} customers in "
                     + ", ".join(small) + ": too small to compare.")
    return out


def _voice_and_risk(cur, view, snap, has: dict, notes: list[str]) -> dict:
    """`churn_risk` (metrics.risk: the model's hold-out quality against its baselines, ARR at risk over the
    next three months) and `voice` (metrics.voice: sentiment shares, coverage, top themes by ARR at stake)."""
    from metrics import risk, risk_store, voice

    out: dict = {"churn_risk": None, "voice": None}
    if has["customers"] and has["revenue"]:
        out["churn_risk"] = risk.risk_json(risk_store.trained(cur, snap.snapshot, snap.versions))
        if not out["churn_risk"]["measurable"]:
            notes.append(f"Churn risk: not measurable ({out['churn_risk']['reason']}).")
        elif not out["churn_risk"]["beats_baselines"]:
            notes.append(f"Churn risk: the model does not beat both baselines ({out['churn_risk']['reason']}).")
    else:
        notes.append("Churn risk: needs a customer list (churn dates) and revenue.")
    if has["nps"]:
        out["voice"] = voice.summary(cur, view, snap.versions)
    else:
        notes.append("Voice: this data version has no NPS responses, so no comments.")
    return out


def comments(ws, month: dt.date | None = None):
    """Every analysed comment of the latest data version (all its months; with `month`, the 12-month window
    ending there) as voice.comments_export gives it."""
    from metrics import voice
    from metrics.view import View

    snap = ws.snapshot()
    if snap is None or snap.first_month is None:
        raise Refused("the workspace holds no data yet; load exports with python -m metrics.load.")
    start, end = window(snap.first_month, snap.last_month, month) if month else (snap.first_month, snap.last_month)
    return voice.comments_export(ws.cursor(), View(snap.snapshot, start, end), snap.versions)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def as_text(f: dict) -> str:
    from metrics.definitions import plural

    w = f["window"]
    lines = [f"Data version #{f['data_version']} · window {w['start']} to {w['end']} ({plural(w['months'], 'month')})"]
    n = f["nps"]
    lines.append("NPS           " + ("—" if n is None else
                                     f"{n['value']:+.1f} (95%: {n['low']:+.1f} to {n['high']:+.1f}) · n = {n['n']:,}"
                                     + (" · too small to compare" if n["too_small"] else "")))
    s = f.get("csat")
    lines.append("CSAT          " + ("—" if s is None else
                                     f"{s['value']:.1f}% satisfied (95%: {s['low']:.1f}% to {s['high']:.1f}%) · "
                                     f"n = {s['n']:,}"
                                     + (f" · mean {s['mean']:.2f} on {s['scale']}" if s["mean"] else "")
                                     + (" · too small to compare" if s["too_small"] else "")))
    v = f.get("service")
    if v is not None:
        res, sat = v["resolution_hours"], v["csat"]
        created = ("— tickets" if v["tickets_created"] is None else plural(v["tickets_created"], "ticket")) + " created"
        lines.append(f"Service       {created} · backlog {_money(v['backlog'])}"
                     + (f" · median resolution {res['median']:,.1f} h (p90 {res['p90']:,.1f} h, n = {res['n']:,})"
                        if res["n"] else "")
                     + (f" · ticket CSAT {sat['value']:.1f}% (n = {sat['n']:,})" if sat["n"] else ""))
        for a in v.get("after_ticket") or []:
            if a["measure"] == "nps":
                lines.append(f"  NPS after a ticket, {a['speed'].lower():<14}" + (
                    f"{a['before']:+.0f} → {a['after']:+.0f}, change {a['change']:+.1f} (95%: {a['low']:+.1f} to "
                    f"{a['high']:+.1f}, {a['verdict']}) · {plural(a['pairs'], 'customer')}" if a["change"] is not None
                    else f"— ({a['reason']})"))
        lines.extend(f"              {note}" for note in v["notes"])
    c = f["logo_churn"]
    lines.append("Logo churn    " + ("—" if c is None else
                                     f"{_pct(c['monthly'])} monthly · {_pct(c['annual'])} annualised "
                                     f"({c['churned']:,} churned of {c['active_at_month_starts']:,} active at month "
                                     "starts)"))
    lines.append(f"MRR           {_money(f['mrr'])}" + (f" ({w['end']})" if f["mrr"] is not None else ""))
    lines.append(f"ARR           {_money(f['arr'])}")
    base = f["retention_base"]
    lines.append(f"NRR           {_pct(f['nrr'])}"
                 + (f" (trailing 12 months, base {plural(base['customers'], 'customer')} in {base['month']})"
                    if base else ""))
    lines.append(f"GRR           {_pct(f['grr'])}")
    cats = f["churn_by_nps_category"]
    lines.append(f"Churn by NPS category (category as of {w['start']}-01):" + (" —" if cats is None else ""))
    for name, v in (cats or {}).items():
        interval = "" if v["low"] is None else f" (95%: {_pct(v['low'])} to {_pct(v['high'])})"
        lines.append(f"  {name:<12}{_pct(v['rate'])}{interval} · {v['churned']:,} of "
                     f"{plural(v['customers'], 'customer')}"
                     f" · {_pct(v['annual'])} annualised" + (" · too small to compare" if v["too_small"] else ""))
    r = f.get("churn_risk")
    if r and r["measurable"]:
        a, at = r["auc"], r["arr_at_risk"]
        lines.append(f"Churn model   AUC {a['estimate']:.3f} (95%: {a['low']:.3f} to {a['high']:.3f}) on "
                     f"{plural(r['n'], 'hold-out row')}; " + ("beats both baselines" if r["beats_baselines"] else
                                                      "does not beat both baselines"))
        lines.append(f"ARR at risk   {_money(at['estimate'])} (95%: {_money(at['low'])} to {_money(at['high'])}) "
                     f"of {_money(at['arr'])} ARR over the next {at['horizon_months']} months (model)")
    v = f.get("voice")
    if v and v["sentiment"]:
        s = v["sentiment"]
        lines.append(f"Comments      {v['comments']:,} · coverage {_pct(s['coverage'])} · positive "
                     f"{_pct(s['positive']['share'])} · negative {_pct(s['negative']['share'])}")
        for t in v["top_themes"][:3]:
            lines.append(f"  {t['theme']:<12}ARR at stake {_money(t['arr_at_stake'])} · "
                         f"{plural(t['mentions'], 'mention')}")
    if f["notes"]:
        lines.append("Notes:")
        lines.extend(f"  - {note}" for note in f["notes"])
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
