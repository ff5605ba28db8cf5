"""Write a workspace's current canonical tables as Parquet: the input of `python -m metrics.build`.

Example:

  python -m metrics.export --workspace data/workspace.duckdb --output lake/cx/2026-11-30

Layout (the same a data lake gives the build): a folder per kind, partitioned by month,

  DIR/manifest.json
  DIR/revenue/month=2026-01-01/data_0.parquet     (revenue: its own month column)
  DIR/nps/month=2026-01-01/…                      (nps, csat: the response date's month)
  DIR/customers/month=…/…                         (customers: the start date's month)
  DIR/tickets/month=…/…                           (tickets: the creation month)

Each kind holds exactly the rows the workspace's own fact build reads for the data version (the latest one, or
--snapshot N): its input view `in_<kind>` (metrics/facts/parts.py input_sql), so every source of an appended
response kind, an answer present in several sources once, row_number ordering the answers across sources. A kind
without data is an empty folder (0 rows), so a build always finds every kind. manifest.json names the data
version, each kind's versions with their file hashes, columns and types, row counts and sums (to check a copy),
and the settings the facts need that the rows cannot tell: the customer list's churn_known_from (churn before that
month is not in the file) and the data version's month range.

Exit status: 0 written; 1 refused (no data, the folder is not empty, the workspace cannot be opened; one line on
stderr); 2 bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

from metrics import cli
from metrics.load import Refused

PROG = "python -m metrics.export"
MANIFEST = "manifest.json"
FORMAT = "cx-canonical-parquet/1"

# The month each kind is partitioned by (SQL over the kind's canonical columns). Revenue's own month column is
# the partition itself: it lives in the folder name, as a lake's month-partitioned table has it.
PARTITION_MONTH = {
    "revenue": "month",
    "nps": "date_trunc('month', response_date)::DATE",
    "csat": "date_trunc('month', response_date)::DATE",
    "customers": "date_trunc('month', start_date)::DATE",
    "tickets": "date_trunc('month', created_at)::DATE",
}
# Per kind, the columns whose sums the manifest records (a copy is checked against them, see check_sums()).
SUM_COLUMNS = {"revenue": ("mrr",), "nps": ("score",), "csat": ("score",), "customers": (), "tickets": ("reopens",)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", required=True, metavar="W", help="the workspace file (DuckDB)")
    parser.add_argument("--output", required=True, metavar="DIR", help="a new or empty folder")
    parser.add_argument("--snapshot", type=int, metavar="N", help="the data version (default: the latest)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = cli.parse(build_parser(), argv)
    if isinstance(args, int):  # --help or a usage error
        return args
    try:
        manifest = export(args.workspace, args.output, args.snapshot)
    except Refused as exc:
        print(f"{PROG}: {' '.join(str(exc).split())}", file=sys.stderr)
        return exc.code
    for kind, info in manifest["kinds"].items():
        print(f"{kind}: {info['rows']:,} rows (versions {', '.join(map(str, info['versions']))})")
    print(f"data version #{manifest['snapshot']} written to {args.output}")
    return 0


def export(workspace: str, output: str, snapshot: int | None = None, *, now: dt.datetime | None = None) -> dict:
    """Write the data version's canonical rows under `output` (see the module doc); returns the manifest."""
    import duckdb

    from metrics.store import KINDS, Workspace

    out = Path(output)
    if out.exists() and any(out.iterdir()):
        raise Refused(f"{output} is not empty; export into a new folder (a build reads every file in it).")
    try:
        ws = Workspace(workspace)
    except duckdb.Error as exc:
        raise Refused(f"the workspace {workspace} cannot be opened ({str(exc).splitlines()[0]}); is the app or "
                      "a load using it?") from None
    try:
        snap = ws.snapshot(snapshot)
        if snap is None or snap.first_month is None:
            raise Refused(f"the workspace has no data version {snapshot or ''} with data to export.".replace("  ", " "))
        out.mkdir(parents=True, exist_ok=True)
        # The workspace's own connection may not write files (metrics/lockdown.py): its rows stream as Arrow into a
        # scratch connection, which writes the Parquet.
        scratch = duckdb.connect()
        try:
            kinds = {kind: _export_kind(ws, scratch, snap, kind, out / kind) for kind in KINDS}
        finally:
            scratch.close()
        customers, revenue = snap.sources.get("customers"), snap.sources.get("revenue")
        info = ws.upload_info(customers[-1]) if customers else None
        money = ws.upload_info(revenue[-1]) if revenue else None
        manifest = {
            "format": FORMAT,
            "workspace": str(Path(workspace).resolve()),
            "snapshot": snap.snapshot,
            "exported_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
            "kinds": kinds,
            "settings": {
                "churn_known_from": _iso(info and info.get("churn_known_from")),
                # the customers file's as-of date, which the facts' months reach (facts.PARAMETERS["cuntil"])
                "customers_until": _iso(info and info.get("last_date")),
                "first_month": _iso(snap.first_month), "last_month": _iso(snap.last_month),
                "revenue_first": _iso(snap.revenue_first), "revenue_last": _iso(snap.revenue_last),
            },
            # the revenue's currency: how the pages show amounts, not a setting of the facts (those are dates)
            "currency": money and money.get("currency"),
        }
        (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        return manifest
    finally:
        ws.close()


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def _export_kind(ws, scratch, snap, kind: str, folder: Path) -> dict:
    from metrics.facts.parts import input_sql
    from metrics.store import quote_ident

    versions = tuple(snap.sources.get(kind, ()))
    # The rows the workspace's own fact build reads for this data version: its input view, the one definition.
    sql, params = input_sql(f"in_{kind}", versions)
    cur = ws.cursor()
    types = [[r[0], r[1]] for r in cur.execute(f"DESCRIBE {sql}", params).fetchall()]
    reader = ws.cursor().sql(sql, params=params).to_arrow_reader()
    scratch.register("rows_in", reader)
    partition = PARTITION_MONTH[kind]
    data_cols = ", ".join(quote_ident(c) for c, _ in types if c != partition)
    scratch.execute(f"CREATE OR REPLACE TEMP TABLE rows_out AS SELECT {data_cols}, {partition} AS month "
                    "FROM rows_in")
    scratch.unregister("rows_in")
    rows = scratch.execute("SELECT count(*) FROM rows_out").fetchone()[0]
    sums = {c: _plain(scratch.execute(f"SELECT sum({quote_ident(c)}) FROM rows_out").fetchone()[0])
            for c in SUM_COLUMNS[kind]}
    folder.mkdir(parents=True, exist_ok=True)
    if rows:
        # COPY's target is a path, which DuckDB cannot take as a parameter: quoted as a string literal. ORDER BY
        # keeps each file's rows in a stable order, so the same data exports to the same bytes.
        target = "'" + str(folder).replace("'", "''") + "'"
        scratch.execute(f"COPY (SELECT * FROM rows_out ORDER BY ALL) TO {target} "
                        "(FORMAT parquet, PARTITION_BY (month), FILENAME_PATTERN 'data_{i}', OVERWRITE_OR_IGNORE)")
    scratch.execute("DROP TABLE rows_out")
    return {"versions": list(versions),
            "sha256": {str(v): (ws.upload_info(v) or {}).get("sha256") for v in versions},
            "rows": rows, "sums": sums, "columns": types, "partition": "month",
            "files_sha256": _folder_digest(folder)}


def _plain(value):
    """A JSON-safe number: Decimal sums as their exact text (cents stay exact), ints as ints."""
    if value is None or isinstance(value, int):
        return value
    return str(value)


def _folder_digest(folder: Path) -> str:
    """One SHA-256 over every file under `folder` (relative path and bytes, in path order)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_manifest(folder: str | Path) -> dict:
    """The manifest of an exported folder; Refused when it is missing or of another format."""
    from metrics.engines import EngineError, join, read_text

    path = join(str(folder), MANIFEST)
    try:
        manifest = json.loads(read_text(path))
    except EngineError as exc:
        raise Refused(str(exc)) from None
    except FileNotFoundError:
        raise Refused(f"{folder} has no {MANIFEST}: export it with {PROG} (or write one in that format).") from None
    except (OSError, ValueError) as exc:
        raise Refused(f"{path} cannot be read ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise Refused(f"{path} is not a {FORMAT} manifest (format {manifest.get('format')!r}).")
    return manifest


if __name__ == "__main__":
    sys.exit(main())
