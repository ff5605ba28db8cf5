"""Build the fact tables from canonical Parquet on DuckDB or Spark, and open a build as a data version.

Examples:

  python -m metrics.build --engine duckdb --input lake/cx/2026-11-30 --output builds/2026-11-30-duckdb
  python -m metrics.build --engine spark --master spark://head:7077 --input s3a://lake/cx/2026-11-30 \\
      --output s3a://lake/cx-facts/2026-11-30
  python -m metrics.build --register data/workspace.duckdb --output builds/2026-11-30-spark
  python -m metrics.build --register new.duckdb --output builds/2026-11-30-spark --input-copy copies/cx/2026-11-30
      # a workspace that never saw the uploads: the input's rows (copied here) are imported as its versions

The input is a folder in the layout of `python -m metrics.export` (a folder per kind, partitioned by month, with
its manifest.json). Each step of the fact plan (metrics.facts: one DuckDB-dialect SELECT per fact table) runs on
the chosen engine, in order, with one progress line per step (rows, seconds); the output folder holds a folder of
Parquet per fact table and manifest.json (engine, input path, the inputs' versions, parameters, build time, rows).
Before any step, each input's row count is checked against the input manifest: a missing partition is refused,
never built into smaller numbers.

--register W opens a finished (local) build in the workspace W as a new data version, the latest: each fact's rows
become one fact part the data version reads (metrics/facts/parts.py), read-only like every part, and its source is
recorded ("Facts built on Spark from <path>", shown on the CIO page). The workspace's connection may read no files
(metrics/lockdown.py), so the rows are copied in rather than read from the Parquet at every query. Pages also read
raw rows (comments, tickets, the churn model), so the data version reads the canonical rows the build read: the
workspace's own uploads when it holds them (the same file hashes), else the build's input folder is imported, one
upload version per kind (source "lake", its rows checked against the input manifest's counts), in the same
transaction as the data version: a company whose data lives only in its lake gets a full dashboard. The input
folder is the build's recorded one, or --input-copy; an object-store input must be copied here first. With --input, the
build runs first.

Exit status: 0 built (and registered); 1 refused or failed (one line on stderr); 2 bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from metrics import cli
from metrics.engines import EngineError
from metrics.load import Refused

PROG = "python -m metrics.build"
MANIFEST = "manifest.json"
FORMAT = "cx-facts-build/1"
ENGINE_LABELS = {"duckdb": "DuckDB", "spark": "Spark"}

# The date column whose span an imported kind's upload records, as ingest records an uploaded file's.
LAKE_DATES = {"nps": "response_date", "customers": "start_date", "revenue": "month", "csat": "response_date",
              "tickets": "created_at"}

BUILDS_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshot_builds (  -- data versions whose facts were built outside the workspace
    snapshot INTEGER PRIMARY KEY, engine VARCHAR NOT NULL, engine_version VARCHAR, master VARCHAR,
    input_path VARCHAR NOT NULL, output_path VARCHAR NOT NULL, built_at TIMESTAMP NOT NULL,
    registered_at TIMESTAMP NOT NULL, manifest VARCHAR NOT NULL
);
"""


@dataclass(frozen=True)
class Plan:
    """The ordered steps (each with name, sql, params) and the function giving their parameters:
    params(query, settings), `query(sql, params) -> list[dict]` running SQL over the input views on the engine and
    `settings` the input manifest's settings (dates parsed)."""

    steps: tuple
    params: Callable[[Callable, dict], dict]


def default_plan() -> Plan:
    """The project's fact plan (metrics.facts): its steps, and its parameters from params.sql run on the engine
    over the input views, with the input's churn_known_from and customers_until and the plan's constants."""
    from metrics import facts

    def params(query, settings: dict) -> dict:
        cfrom, cuntil = settings.get("churn_known_from"), settings.get("customers_until")
        row = query(facts.PARAMS_SQL, {**facts.CONSTANTS, "cfrom": cfrom, "cuntil": cuntil})[0]
        return facts.parameters(row["first"], row["last"], row["rfirst"], row["rlast"], cfrom=cfrom, cuntil=cuntil)

    return Plan(tuple(facts.PLAN), params)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                        help="where the fact SQL runs (default duckdb)")
    parser.add_argument("--input", metavar="DIR", help="canonical Parquet in metrics.export's layout")
    parser.add_argument("--output", required=True, metavar="DIR",
                        help="the build's folder (new or empty; with --register alone: a finished build)")
    parser.add_argument("--master", metavar="URL", help="Spark master (default local[*]): spark://host:7077, yarn …")
    parser.add_argument("--register", metavar="W", help="open the build in this workspace as a new data version")
    parser.add_argument("--input-copy", metavar="DIR",
                        help="with --register: where the build's input lies now (a local copy), for a workspace "
                             "that must import its rows (default: the input the build recorded)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = cli.parse(build_parser(), argv)
    if isinstance(args, int):  # --help or a usage error
        return args
    if args.input is None and args.register is None:
        print(f"{PROG}: give --input (to build) and/or --register (to open a build in a workspace)", file=sys.stderr)
        return 2
    if args.master and args.engine != "spark":
        print(f"{PROG}: --master is for --engine spark", file=sys.stderr)
        return 2
    try:
        if args.input is not None:
            manifest = build(args.engine, args.input, args.output, master=args.master, progress=_print)
            _print(f"built {len(manifest['facts'])} fact tables on {manifest['engine_version']} in "
                   f"{manifest['seconds']:.1f} s: {args.output}")
        if args.register is not None:
            number = register(args.register, args.output, input_dir=args.input_copy or args.input, progress=_print)
            _print(f"registered as data version #{number} in {args.register}")
    except (Refused, EngineError) as exc:
        print(f"{PROG}: {' '.join(str(exc).split())}", file=sys.stderr)
        return getattr(exc, "code", 1)
    return 0


def _print(line: str) -> None:
    print(line, flush=True)


def _date(value):
    return None if value is None else dt.date.fromisoformat(value)


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


def build(engine_name: str, input_dir: str, output_dir: str, *, master: str | None = None, session=None,
          plan: Plan | None = None, now: Callable[[], dt.datetime] | None = None,
          progress: Callable[[str], None] = lambda line: None) -> dict:
    """Run the plan on the engine over `input_dir`, writing `output_dir`; returns the build's manifest."""
    import time

    from metrics import engines
    from metrics.export import read_manifest
    from metrics.store import KINDS

    clock = now or (lambda: dt.datetime.now(dt.UTC))
    source = read_manifest(input_dir)
    if missing := [k for k in KINDS if k not in source["kinds"]]:
        raise Refused(f"the input has no {', '.join(missing)} (a kind without data is an empty folder with 0 rows "
                      "in the manifest, as metrics.export writes it).")
    if not engines.is_empty(output_dir):
        raise Refused(f"{output_dir} is not empty; build into a new folder.")
    plan = plan or default_plan()
    started = time.perf_counter()
    try:
        engine = engines.make_engine(engine_name, master, session=session)
    except engines.EngineError as exc:
        raise Refused(str(exc)) from None
    except Exception as exc:  # no Java, no pyspark, an unreachable master: one line, not a traceback
        raise Refused(f"the {engine_name} engine cannot start ({type(exc).__name__}: "
                      f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    progress(f"engine: {engine.version} ({engine.master})")
    try:
        for kind, info in source["kinds"].items():
            folder = engines.join(input_dir, kind)
            engine.register_input(kind, folder if info["rows"] else None, [tuple(c) for c in info["columns"]])
        # One query for every count: on Spark each query is a job, and a job costs seconds.
        found = engine.query("SELECT " + ", ".join(f"(SELECT count(*) FROM {engines.input_view(k)}) AS {k}"
                                                   for k in source["kinds"]))[0] if source["kinds"] else {}
        for kind, info in source["kinds"].items():
            if found[kind] != info["rows"]:
                raise Refused(f"{kind}: the input holds {found[kind]:,} rows where its manifest says "
                              f"{info['rows']:,}; a partition is missing or extra. Nothing was built.")
        settings = {k: _date(v) for k, v in source.get("settings", {}).items()}
        params = plan.params(engine.query, settings)
        progress("parameters: " + ", ".join(f"{k}={_json_value(v)}" for k, v in params.items()))
        facts = {}
        for i, step in enumerate(plan.steps, 1):
            try:
                result = engines.run_step(engine, step, params, output_dir)
            except engines.EngineError as exc:
                raise Refused(str(exc)) from None
            facts[step.name] = {"rows": result.rows, "seconds": round(result.seconds, 3),
                                "grain": step.grain}
            progress(f"[{i}/{len(plan.steps)}] {step.name}: {result.rows:,} rows in {result.seconds:.1f} s")
    finally:
        engine.close()
    manifest = {
        "format": FORMAT, "engine": engine_name, "engine_version": engine.version, "master": engine.master,
        "input": _location(input_dir), "input_snapshot": source.get("snapshot"),
        "input_workspace": source.get("workspace"),
        "inputs": {k: {"versions": v["versions"], "sha256": v["sha256"], "rows": v["rows"]}
                   for k, v in source["kinds"].items()},
        "settings": source.get("settings", {}),
        "params": {k: _json_value(v) for k, v in params.items()},
        "built_at": clock().isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 3),
        "facts": facts,
    }
    # Written last: a folder with a manifest is a finished build (the dashboard's pick-up relies on it).
    engines.write_text(engines.join(output_dir, MANIFEST), json.dumps(manifest, indent=1) + "\n")
    return manifest


def _location(path: str) -> str:
    """An object-store URL as given; a local folder as its absolute path."""
    return path if "://" in path else str(Path(path).resolve())


def read_build(folder: str | Path) -> dict:
    path = Path(folder) / MANIFEST
    if "://" in str(folder):
        raise Refused(f"{folder}: copy the build to this machine first; the workspace opens local folders only.")
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise Refused(f"{folder} holds no finished build (no {MANIFEST}).") from None
    except (OSError, ValueError) as exc:
        raise Refused(f"{path} cannot be read ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise Refused(f"{path} is not a {FORMAT} manifest.")
    return manifest


def register(workspace: str, build_dir: str, *, input_dir: str | None = None,
             now: Callable[[], dt.datetime] | None = None, progress: Callable[[str], None] = lambda line: None) -> int:
    """Open a finished build in the workspace as a new data version; returns its number (see the module doc).
    `input_dir`: where the build's input lies, when the workspace must import it and it moved since the build."""
    import duckdb

    from metrics.store import Workspace

    manifest = read_build(build_dir)
    try:
        ws = Workspace(workspace)
    except duckdb.Error as exc:
        raise Refused(f"the workspace {workspace} cannot be opened ({str(exc).splitlines()[0]}); is the app or a "
                      "load using it?") from None
    try:
        return _register(ws, manifest, Path(build_dir), now or (lambda: dt.datetime.now(dt.UTC)), input_dir,
                         progress)
    finally:
        ws.close()


def _held_inputs(cur, manifest: dict) -> dict[str, list[int]] | None:
    """kind -> the workspace's upload versions holding the build's inputs (the version the build read, or another
    live one of the same kind and file hash), or None when one is missing."""
    sources: dict[str, list[int]] = {}
    for kind, info in manifest["inputs"].items():
        for version in info["versions"]:
            row = cur.execute(
                "SELECT version FROM uploads WHERE kind = ? AND sha256 = ? AND version NOT IN "
                "(SELECT version FROM deleted_versions) ORDER BY version = ? DESC, version DESC LIMIT 1",
                [kind, info["sha256"].get(str(version)), version]).fetchall()
            if not row:
                return None
            sources.setdefault(kind, []).append(row[0][0])
    return sources


def _input_folder(manifest: dict, given: str | None) -> tuple[str, dict]:
    """The build's input folder (given, or as recorded) and its manifest, checked to be what the build read."""
    from metrics.export import read_manifest

    folder = given or manifest["input"]
    if "://" in folder:
        raise Refused(f"the workspace does not hold the uploads the build read, and its input {folder} is not on this "
                      "machine: copy the folder here and pass it with --input-copy, so its rows are imported.")
    if not Path(folder).is_dir():
        raise Refused(f"the workspace does not hold the uploads the build read, and its input folder {folder} is "
                      "not readable here: pass the folder with --input-copy, so its rows are imported.")
    source = read_manifest(folder)
    for kind, info in manifest["inputs"].items():
        got = source["kinds"].get(kind, {})
        if (got.get("versions"), got.get("rows")) != (info["versions"], info["rows"]):
            raise Refused(f"{folder} is not the input the build read: {kind} holds {got.get('rows', 0):,} rows of "
                          f"versions {got.get('versions')}, the build read {info['rows']:,} of {info['versions']}.")
    return folder, source


def _import_inputs(cur, folder: str, source: dict, clock, progress) -> dict[str, list[int]]:
    """Store each kind's canonical rows from the input folder as one upload version (source "lake"), or reuse the
    version an earlier registration imported from the same files; kind -> [version]."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    from metrics.export import _folder_digest
    from metrics.facts import keys
    from metrics.schema import CANONICAL_COLUMNS, STORED_ORDER, TABLES
    from metrics.store import quote_ident

    sources: dict[str, list[int]] = {}
    for kind, info in source["kinds"].items():
        if not info["rows"]:
            continue  # a kind without data: the data version has none of it, as the build had none
        path = Path(folder) / kind
        digest = info.get("files_sha256") or _folder_digest(path)
        held = cur.execute("SELECT max(version) FROM uploads WHERE kind = ? AND sha256 = ? AND source = 'lake' AND "
                           "version NOT IN (SELECT version FROM deleted_versions)", [kind, digest]).fetchall()[0][0]
        if held is not None:
            sources[kind] = [held]
            continue
        table, cols = TABLES[kind], CANONICAL_COLUMNS[kind]
        types = dict(cur.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? AND "
                                 "database_name = current_database()", [table]).fetchall())
        # The month partition lives in the folder names (hive layout); read as text and cast to the table's type.
        rows = ds.dataset(str(path), format="parquet",
                          partitioning=ds.partitioning(pa.schema([("month", pa.string())]), flavor="hive"))
        version = cur.execute("SELECT coalesce(max(version), 0) + 1 FROM uploads").fetchall()[0][0]
        date = quote_ident(LAKE_DATES[kind])
        cur.register("lake_rows", rows)
        order = f" ORDER BY {STORED_ORDER[kind]}" if kind in STORED_ORDER else ""
        cur.execute(f"INSERT INTO {quote_ident(table)} (version, {', '.join(map(quote_ident, cols))}) SELECT ?, "
                    + ", ".join(f"CAST({quote_ident(c)} AS {types[c]}) AS {quote_ident(c)}" for c in cols)
                    + f" FROM lake_rows{order}", [version])
        cur.unregister("lake_rows")
        keys.assign(cur, table, version)
        # The span the Data and CIO pages show, as ingest records it (a revenue month runs to its last day).
        span = f"min({date})::DATE, " + (f"last_day(max({date}))" if kind == "revenue" else f"max({date})::DATE")
        count, first, last = cur.execute(f"SELECT count(*), {span} FROM {quote_ident(table)} WHERE version = ?",
                                         [version]).fetchall()[0]
        if count != info["rows"]:
            raise Refused(f"{kind}: {path} holds {count:,} rows where its manifest says {info['rows']:,}; a partition "
                          "is missing or extra. Nothing was stored.")
        settings = source.get("settings", {})
        if kind == "customers" and settings.get("customers_until"):  # the as-of date the customers file speaks to
            last = max(last, _date(settings["customers_until"]))
        cur.execute("INSERT INTO uploads (version, kind, file_name, sha256, row_count, uploaded_at, source, mapping, "
                    "first_date, last_date, uploaded_by, churn_known_from, currency) VALUES (?, ?, ?, ?, ?, ?, "
                    "'lake', '', ?, ?, ?, ?, ?)", [version, kind, f"{kind} from {_location(folder)}", digest, count,
                                                   _naive_utc(clock()), first, last, PROG,
                                                   _date(settings.get("churn_known_from")) if kind == "customers"
                                                   else None, source.get("currency") if kind == "revenue" else None])
        progress(f"imported {kind}: {count:,} rows as version #{version}")
        sources[kind] = [version]
    return sources


def _register(ws, manifest: dict, folder: Path, clock, input_dir: str | None = None,
              progress: Callable[[str], None] = lambda line: None) -> int:
    """The new data version reads one fact part per fact (metrics/facts/parts.py), each holding the build's rows;
    registering the same build again reuses its parts, as the workspace's own builds share theirs."""
    import hashlib

    import pyarrow.parquet as pq

    from metrics.facts import ORDER
    from metrics.schema import part_table, transaction
    from metrics.store import KINDS, quote_ident

    cur = ws.cursor()
    cur.execute(BUILDS_SCHEMA)
    if missing := [f for f in ORDER if f not in manifest["facts"]]:
        raise Refused(f"the build has no {', '.join(missing)}; a data version needs every fact table.")
    sources = _held_inputs(cur, manifest)
    lake = None if sources is not None else _input_folder(manifest, input_dir)
    params, location = manifest["params"], _location(str(folder))
    built_at = _naive_utc(dt.datetime.fromisoformat(manifest["built_at"]))
    with transaction(cur):
        if lake is not None:
            sources = _import_inputs(cur, *lake, clock, progress)
        number = cur.execute("SELECT coalesce(max(snapshot), 0) + 1 FROM snapshots").fetchone()[0]
        cur.executemany("INSERT INTO snapshot_sources VALUES (?, ?, ?)",
                        [[number, k, v] for k in KINDS for v in sources.get(k, ())])
        cur.execute(
            f"INSERT INTO snapshots (snapshot, {', '.join(f'{k}_version' for k in KINDS)}, created_at, first_month,"
            f" last_month, revenue_first, revenue_last) VALUES (?, {', '.join('?' * len(KINDS))}, ?, ?, ?, ?, ?)",
            [number, *(sources[k][-1] if k in sources else None for k in KINDS), _naive_utc(clock()),
             *(_date(params.get(p)) for p in ("first", "last", "rfirst", "rlast"))])
        for fact in ORDER:
            key = "build:" + hashlib.sha256(json.dumps(
                [location, manifest["engine"], manifest["built_at"], fact]).encode()).hexdigest()
            row = cur.execute("SELECT part FROM fact_parts WHERE fact = ? AND key = ?", [fact, key]).fetchone()
            if row is None:
                part = _insert_part(cur, fact, key, pq.read_table(folder / fact), manifest, location, built_at,
                                    part_table, quote_ident)
            else:
                part = row[0]
            cur.execute("INSERT INTO snapshot_parts VALUES (?, ?, ?)", [number, fact, part])
        cur.execute("INSERT INTO snapshot_builds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [number, manifest["engine"], manifest.get("engine_version"), manifest.get("master"),
                     manifest["input"], location, built_at, _naive_utc(clock()), json.dumps(manifest)])
    return number


def _insert_part(cur, fact: str, key: str, data, manifest: dict, location: str, built_at, part_table,
                 quote_ident) -> int:
    """Store a built fact's rows as a new part; its columns must be the part table's, by name (the workspace adds
    its customer keys)."""
    from metrics.facts import keys

    table = part_table(fact)
    wanted = [r[0] for r in cur.execute(f"DESCRIBE {quote_ident(table)}").fetchall()
              if r[0] not in ("part", keys.COLUMN)]
    if sorted(data.column_names) != sorted(wanted):
        raise Refused(f"{fact} in the build has the columns {', '.join(data.column_names)}; the workspace's has "
                      f"{', '.join(wanted)}.")
    # fetchall, not fetchone: DuckDB keeps a partly fetched result open, and register() refuses to run beside it
    part = cur.execute("SELECT coalesce(max(part), 0) + 1 FROM fact_parts").fetchall()[0][0]
    cols = ", ".join(quote_ident(c) for c in wanted)
    # Month-ordered, as the workspace writes its own parts, so a query for some months skips the other row groups.
    order = " ORDER BY month" if "month" in wanted else ""
    cur.register("built_rows", data)
    keys.insert(cur, table, f"SELECT ?::INTEGER AS part, {cols} FROM built_rows", [part], order)
    cur.unregister("built_rows")
    described = {"build": location, "engine": manifest["engine"], "input": manifest["input"],
                 "inputs": {k: v["versions"] for k, v in manifest["inputs"].items()}}
    cur.execute("INSERT INTO fact_parts VALUES (?, ?, ?, ?, ?, ?, ?)",
                [part, fact, key, json.dumps(described, sort_keys=True), data.num_rows, built_at,
                 manifest["facts"][fact]["seconds"]])
    return part


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    """The workspace stores UTC times without a zone."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def build_source(cur, snapshot: int | None) -> str | None:
    """'Facts built on Spark from <path> …' for a data version opened from a build; None for one the workspace
    built itself (or a workspace that never registered a build)."""
    if snapshot is None:
        return None
    if not cur.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'snapshot_builds' AND "
                       "database_name = current_database()").fetchone()[0]:
        return None  # the table is made by the first registration
    row = cur.execute("SELECT engine, engine_version, master, input_path, built_at FROM snapshot_builds "
                      "WHERE snapshot = ?", [snapshot]).fetchone()
    if row is None:
        return None
    engine, version, master, path, built_at = row
    return (f"Facts built on {ENGINE_LABELS.get(engine, engine)} from {path} ({version}, {master}, "
            f"{built_at:%Y-%m-%d %H:%M} UTC).")


if __name__ == "__main__":
    sys.exit(main())
