"""Load one export into a workspace, exactly as the Data page does: read, map, validate, store as a new version.

Example (a nightly job):

  python -m metrics.load --workspace data/workspace.duckdb --kind revenue billing.csv --cents \\
      --on-bad-rows skip --answer 'tenure_unit:tenure=months'

The column mapping is detected from the header, or taken from the mapping preset saved on the Data page for files
with the same columns (or the one named with --mapping). Every problem found is printed with its column, row
numbers and count; by default any problem rejects the file, --on-bad-rows skip stores the valid rows instead.
When the file cannot be read with certainty, the questions are printed (key, prompt, choices, proposal): answer
them with --answer KEY=VALUE (several values of a multiple choice comma-separated) and run again. The columns read
for each field are printed; choose another with --column FIELD=HEADER.

A file whose exact bytes are already the current version of its kind is not stored again.

Exit status: 0 stored; 1 refused, nothing stored (one line on stderr says why); 2 bad usage.
The workspace is a DuckDB file: close the app that has it open first (DuckDB lets one process write).

Memory: the file is read from disk by DuckDB (never held whole in memory), parsed in a connection limited to
CX_INGEST_MEMORY (default 512MB) and stored with the workspace limited to CX_DUCKDB_MEMORY (default 512MB);
both spill to disk past their limit (the parse to CX_INGEST_SCRATCH or the system's temp folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from metrics import cli

PROG = "python -m metrics.load"
CLI_MEMORY = "512MB"  # DuckDB's ceiling for a load (the command line's process holds nothing else)
KIND_CHOICES = ("nps", "customers", "revenue", "csat", "tickets")


class Refused(Exception):
    """The command stops: `code` 1 (a refusal, nothing stored) or 2 (bad usage)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def parse_answer(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE")
    return key.strip(), value.strip()


def answer_text(text: str) -> str:
    """An --answer as written: split into key and value once the questions asked are known (split_answers)."""
    parse_answer(text)  # KEY=VALUE, or a usage error now
    return text.strip()


def split_answers(texts: list[str], keys) -> dict[str, str]:
    """--answer texts as {key: value}, each split after the longest key of a question asked (`keys`) that it starts
    with, else at its first '='. A key may hold '=' itself: the status 'Closed=Fixed' asks
    'ticket_status:closed=fixed', which a split at the first '=' never answered (the key read 'ticket_status:closed',
    the value 'fixed=solved'), run after run."""
    out = {}
    for text in texts:
        key = max((k for k in keys if text.startswith(k) and text[len(k):].lstrip().startswith("=")), key=len,
                  default=None)
        if key is None:
            key, value = parse_answer(text)
        else:
            value = text[len(key):].lstrip()[1:].strip()
        out[key] = value
    return out


def _unused(answers: dict[str, str], asked, result: dict) -> None:
    """A note naming the answers whose key no question asked has (a typo answers nothing: said, not dropped)."""
    if unused := sorted(answers.keys() - {q.key for q in asked}):
        result.setdefault("notes", []).append(
            "No question has the key " + ", ".join(repr(k) for k in unused) + "; that answer was not used.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", metavar="FILE", help="the CSV export to load")
    parser.add_argument("--workspace", required=True, metavar="W", help="the workspace file (DuckDB)")
    parser.add_argument("--kind", required=True, choices=KIND_CHOICES, help="what the file holds")
    parser.add_argument("--mapping", metavar="PRESET", help="the name of a mapping preset saved on the Data page "
                                                            "(default: the one saved for this file's columns)")
    parser.add_argument("--as-of", type=parse_date, metavar="DATE",
                        help="the date the export was taken (YYYY-MM-DD): snapshot churn files, subscription lists "
                             "and surveys without a date column need it")
    parser.add_argument("--on-bad-rows", choices=("reject", "skip"), default="reject",
                        help="reject the file when any row is bad (default), or store the valid rows only")
    parser.add_argument("--append", action="store_true",
                        help="NPS and CSAT files: add the file as another source of its kind (its own version, "
                             "removable on its own; answers in several files counted once) instead of replacing "
                             "the current data")
    parser.add_argument("--leave-sample", action="store_true",
                        help="the workspace holds the bundled sample company: set it aside and start your "
                             "company's own data with this file (the sample is never mixed with your files)")
    parser.add_argument("--answer", type=answer_text, action="append", default=[], metavar="KEY=VALUE",
                        help="answer a question the file raised (repeatable; multiple choices comma-separated)")
    parser.add_argument("--column", type=parse_answer, action="append", default=[], metavar="FIELD=HEADER",
                        help="use the file's column HEADER for FIELD (e.g. customer_id='Custom Data 1'), over the "
                             "detected mapping and a preset; FIELD= (nothing after =) leaves the field unused")
    parser.add_argument("--cents", action="store_true", help="amounts are in cents (divided by 100)")
    parser.add_argument("--uploaded-by", metavar="NAME", help="recorded with the version, as on the Data page")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--today", type=parse_date, help=argparse.SUPPRESS)  # tests: the clock for "future" dates
    return parser


def main(argv: list[str] | None = None) -> int:
    args = cli.parse(build_parser(), argv)
    if isinstance(args, int):  # --help or a usage error
        return args
    result: dict = {"file": args.file, "kind": args.kind, "stored": False}
    try:
        run(args, result)
        code = 0
    except Refused as exc:
        result["refused"], code = " ".join(str(exc).split()), exc.code
    except Exception as exc:  # a fault of ours, not of the file: still one line, never a traceback
        result["refused"], code = f"failed unexpectedly ({type(exc).__name__}: {' '.join(str(exc).split())})", 1
    show(result, args.json)
    if code:
        print(f"{PROG}: {result['refused']}", file=sys.stderr)
    return code


def run(args: argparse.Namespace, result: dict) -> None:
    """Read, validate and store; fills `result` (what show() prints) and raises Refused when it stops."""
    import duckdb

    from metrics import ingest
    from metrics.errors import IngestError
    from metrics.ingest import session
    from metrics.store import APPENDABLE, KIND_LABELS, KINDS, StoreError

    if args.kind not in KINDS:
        raise Refused(f"kind {args.kind!r} is not supported by this installation yet (it stores: "
                      f"{', '.join(KINDS)}); nothing was stored.")
    if args.append and args.kind not in APPENDABLE:
        raise Refused(f"--append adds another source of a response kind ({', '.join(APPENDABLE)}); a {args.kind} "
                      "file replaces the current data of its kind. Nothing was stored.", 2)
    path = Path(args.file)
    if not path.is_file():
        raise Refused(f"no such file: {args.file}", 2)
    try:
        with path.open("rb"):  # read by ingest from disk (never held whole in memory); here: is it readable?
            pass
    except OSError as exc:
        raise Refused(f"cannot read {args.file}: {exc.strerror or exc}", 2) from None
    data = path
    answers = split_answers(args.answer, ())
    from metrics.store import Workspace  # here: `--help` stays fast

    try:
        # DuckDB's memory: CX_DUCKDB_MEMORY, else 512MB (the app's server keeps 256MB: it holds Streamlit and pages too)
        ws = Workspace(args.workspace, default_memory=CLI_MEMORY)
    except duckdb.Error as exc:
        raise Refused(f"the workspace {args.workspace} cannot be opened ({str(exc).splitlines()[0]}); is the app "
                      "or another load using it?") from None
    opened = None
    try:
        try:  # read once; prepare() below reuses the table when the read-level answers stay the same
            opened = ingest.open_file(data, path.name, answers)
            seen = opened.seen
            preset = session.find_preset(ws, seen, args.mapping)
            saved = (preset or {}).get("settings", {}).get("answers", {})
            if saved:  # a preset's read-level answers (encoding, sheet, header row) decide the columns too
                opened.close()
                opened = ingest.open_file(data, path.name, {**saved, **answers})
                seen = opened.seen
        except IngestError as exc:
            raise Refused(f"{path.name} was rejected: {exc}") from None
        except LookupError as exc:
            raise Refused(str(exc), 2) from None
        if preset is not None:
            result["preset"] = preset["name"]
            if preset["kind"] != args.kind:
                if args.mapping:
                    raise Refused(f"the preset {args.mapping!r} is for {KIND_LABELS.get(preset['kind'])} files, "
                                  f"not {KIND_LABELS[args.kind]}.", 2)
                result["preset"] = None
                result.setdefault("notes", []).append(
                    f"The preset “{preset['name']}” saved for these columns is for {KIND_LABELS.get(preset['kind'])}; "
                    "not used.")
        columns = chosen_columns(args.kind, args.column, seen.columns)
        for attempt in range(3):  # answers that reveal further questions whose keys hold '=' too: bounded
            options = session.options(preset, args.kind, mapping=columns, as_of=args.as_of,
                                      amount_in_cents=args.cents, skip_invalid=args.on_bad_rows == "skip",
                                      answers=answers, today=args.today)
            try:
                prepared, failure = ingest.prepare(data, path.name, options, opened=opened), None
                asked = prepared.questions
            except IngestError as exc:
                prepared, failure, asked = None, exc, getattr(exc, "asked", [])
            # an answer whose key holds '=' is split right once its question is known: prepared again with it (the
            # file read anew: the table read before went with the first attempt)
            resplit = split_answers(args.answer, {q.key for q in asked})
            if resplit == answers or attempt == 2:
                break
            answers = resplit
            if opened is not None:
                opened.close()
                opened = None
        _unused(answers, asked, result)
        if failure is not None:
            describe_failure(failure, options.answers, result)
            raise Refused(f"{path.name} was rejected; nothing was stored. {failure}") from None
        describe_prepared(prepared, result)
        if (unseen := session.before_shown(ws, prepared)) is not None:
            result["warnings"].append(unseen)
        found = session.already_stored(ws, prepared)
        if found is not None:
            note = session.already_stored_text(found, prepared.kind)
            if found[0] == "current":
                raise Refused(f"{note} Nothing was stored.")
            result.setdefault("notes", []).append(note)
        previous = ws.current_versions().get(prepared.kind)
        if ws.holds_sample() and not args.leave_sample:
            raise Refused("the workspace's current data is the bundled sample company; your files are never mixed "
                          "with it. Add --leave-sample to start your company's own data (the sample stays "
                          "readable as a demo). Nothing was stored.")
        try:
            snap = ws.commit([prepared.to_upload(uploaded_by=(args.uploaded_by or "").strip() or None)],
                             leave_sample=args.leave_sample, append=args.append)
        except StoreError as exc:
            raise Refused(f"{path.name}: {exc}") from None
        version = snap.versions[prepared.kind]
        result.update(stored=True, version=version, data_version=snap.snapshot,
                      change=ingest.stored_summary(ws, version, previous, [
                          v for v in snap.sources[prepared.kind] if v != version] if args.append else None))
    finally:
        if opened is not None:
            opened.close()  # closing twice is harmless (prepare() closed it when it took it over)
        ws.close()


def chosen_columns(kind: str, pairs: list[tuple[str, str]], headers: list[str]) -> dict[str, str]:
    """--column FIELD=HEADER pairs as a mapping; Refused (bad usage) naming the fields or headers there are when a
    field is not one of the kind's or a header is not in the file (it is never matched loosely: the analyst named
    it)."""
    from metrics.ingest.mapping import FIELDS

    fields = [name for name, _label, _required in FIELDS[kind]]
    chosen = {}
    for field, header in pairs:
        if field not in fields:
            raise Refused(f"--column {field}=…: {kind} files have no field {field!r} (their fields: "
                          f"{', '.join(fields)}).", 2)
        if header and header not in headers:
            raise Refused(f"--column {field}={header}: the file has no column {header!r} (columns: "
                          f"{', '.join(repr(h) for h in headers)}).", 2)
        chosen[field] = header
    return chosen


def _question(q, answer) -> dict:
    if q.multi and isinstance(answer, str):  # as given on the command line, before prepare() split it
        answer = [a for a in answer.split(",") if a]
    return {"key": q.key, "prompt": q.prompt, "choices": list(q.choices),
            "labels": {c: q.label(c) for c in q.choices if q.label(c) != c}, "proposal": q.proposal,
            "answer": answer, "multi": q.multi, "must_confirm": q.must_confirm, "detail": q.detail}


def _problems(report) -> list[dict]:
    return [{"column": p.column, "problem": p.reason, "rows": p.count,
             "first_rows": [{"row": c.row, "value": c.value} for c in p.cells]} for p in report.problems]


def describe_failure(exc, answers: dict, result: dict) -> None:
    from metrics.errors import NeedsAnswerError

    report = getattr(exc, "report", None)
    if report is not None:
        result.update(total_rows=report.total_rows, rejected_rows=report.rejected_rows, problems=_problems(report))
    if isinstance(exc, NeedsAnswerError):
        missing = {q.key for q in exc.questions}
        result["questions"] = [_question(q, answers.get(q.key, None if q.must_confirm else q.proposal))
                               | {"unanswered": q.key in missing} for q in exc.asked]


def describe_prepared(prepared, result: dict) -> None:
    result.update(kind=prepared.kind, sha256=prepared.sha256, rows=prepared.row_count, summary=prepared.summary,
                  layout=prepared.layout, mapping=prepared.mapping, warnings=list(prepared.warnings))
    if prepared.report is not None:
        result.update(total_rows=prepared.report.total_rows, rejected_rows=prepared.report.rejected_rows,
                      problems=_problems(prepared.report))
    result["questions"] = [_question(q, prepared.answers.get(q.key)) | {"unanswered": False}
                           for q in prepared.questions]


def show(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2, default=str, ensure_ascii=False))
        return
    lines = []
    if "summary" in result:
        lines.append(f"{result['file']}: read as {result['kind']}: {result['summary']}.")
    if result.get("mapping"):  # which column became which field: change one with --column FIELD=HEADER
        lines.append("columns: " + "; ".join(f"{f} = {c!r}" for f, c in result["mapping"].items() if c))
    for w in result.get("warnings", []):
        lines.append(f"warning: {w}")
    if result.get("problems"):
        from metrics.definitions import plural  # here: the command line starts without the metric layer

        lines.append(f"Validation: {result['rejected_rows']:,} of {plural(result['total_rows'], 'row')} rejected")
        for p in result["problems"]:
            first = "; ".join(f"row {c['row']}: {c['value'][:40]!r}" for c in p["first_rows"])
            lines.append(f"  column {p['column']!r}: {p['rows']:,} row(s) {p['problem']} (first: {first})")
    if result.get("questions"):
        lines.append("Questions (answer with --answer KEY=VALUE; several values comma-separated):")
        for q in result["questions"]:
            state = ("NEEDS AN ANSWER" if q["unanswered"] else
                     f"answer used: {_text(q['answer'])}" if q["answer"] is not None else "not answered")
            choices = ", ".join(f"{c} ({q['labels'][c]})" if c in q["labels"] else c for c in q["choices"])
            lines.append(f"  {q['key']}: {q['prompt']}")
            lines.append(f"      choices: {choices}" + (" (any of)" if q["multi"] else ""))
            lines.append(f"      proposed: {_text(q['proposal'])} · {state}")
            if q["detail"]:
                lines.append(f"      {q['detail']}")
    for note in result.get("notes", []):
        lines.append(f"note: {note}")
    if result["stored"]:
        n = result.get("rejected_rows", 0)
        skipped = f" ({n:,} rejected row{'' if n == 1 else 's'} skipped)" if result.get("problems") else ""
        lines.append(f"Stored as version {result['version']}{skipped}; data version #{result['data_version']}.")
        lines.append(f"  {result['change']}")
    else:
        lines.append("Nothing was stored.")
    print("\n".join(lines))


def _text(answer) -> str:
    if answer is None or answer == []:  # an empty multiple choice is an answer too: none of the choices
        return "none"
    return ",".join(answer) if isinstance(answer, list) else str(answer)


if __name__ == "__main__":
    sys.exit(main())
