"""Where the fact SQL runs: DuckDB (embedded, the default) or Apache Spark (a local or cluster session).

One SQL text per fact, in DuckDB's dialect (metrics.facts). DuckDB runs it as written with its parameters bound;
Spark runs SQLGlot's transpilation of it with each parameter replaced in the parsed tree by a typed literal (a
date as DATE '…', NULL as NULL): never a second hand-written copy. Both engines read the same input (the Parquet
folders of metrics.export: a folder per kind, partitioned by month) through the same input views, `in_<kind>`
with the manifest's columns and types, and write each step's result as Parquet under `<output>/<step>/`, which
later steps then read by the step's name. Because every fact casts its outputs explicitly (DECIMAL(18,2) money,
BIGINT counts, DATE months), both engines write the same Parquet schema; tests/spark compare them row for row.

Spark settings for a local run (measured, see the README's "Facts on Spark"): few shuffle partitions (the
default 200 makes a 1M-row window query three times slower on 2 cores), 2 GB of driver memory, Arrow for the
transfer to pandas, UTC as the session time zone (DuckDB's TIMESTAMP has none) and the loopback address.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import re
import shutil
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ENGINES = ("duckdb", "spark")
INPUT_PREFIX = "in_"  # input view of kind k: in_k (the contract of metrics.facts)
LOCAL_MASTER = "local[*]"
SHUFFLE_PARTITIONS = 4
DRIVER_MEMORY = "2g"


class EngineError(Exception):
    """A step could not run on an engine; the message names the step and the engine's own reason."""


@dataclass(frozen=True)
class StepResult:
    name: str
    rows: int
    seconds: float
    path: str


def input_view(kind: str) -> str:
    return INPUT_PREFIX + kind


def _ident(name: str) -> str:
    from metrics.store import quote_ident

    return quote_ident(name)


def typed_projection(columns: Iterable[tuple[str, str]], source: str | None) -> str:
    """DuckDB SQL selecting each (name, DuckDB type) column cast to its type from `source` (a view name), or, with
    no source (a kind without rows), an empty table of those columns. The casts make both engines see the
    manifest's types whatever their Parquet readers infer (a partition folder's month is text to one reader and a
    date to another)."""
    cols = ", ".join(f"CAST({'NULL' if source is None else _ident(n)} AS {t}) AS {_ident(n)}" for n, t in columns)
    return f"SELECT {cols} FROM {_ident(source)}" if source else f"SELECT {cols} WHERE false"


def literal(value) -> str:
    """A parameter value as a typed DuckDB literal (transpiled with the rest of the SQL)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal):
        digits = -value.as_tuple().exponent if value.as_tuple().exponent < 0 else 0
        return f"CAST('{value}' AS DECIMAL(38, {digits}))"
    if isinstance(value, dt.datetime):
        return f"CAST('{value.isoformat(sep=' ')}' AS TIMESTAMP)"
    if isinstance(value, dt.date):
        return f"CAST('{value.isoformat()}' AS DATE)"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for a parameter of type {type(value).__name__}")


def to_spark(sql: str, params: Mapping[str, object] | None = None) -> str:
    """The DuckDB-dialect `sql` as Spark SQL, its `$name` parameters replaced by typed literals. SQLGlot raises on
    a construct it cannot express in Spark; a parameter the SQL uses but `params` lacks is an error too."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel

    params = dict(params or {})
    tree = sqlglot.parse_one(sql, read="duckdb")
    missing = []

    def bind(node):
        if isinstance(node, exp.Placeholder) and node.name:
            if node.name not in params:
                missing.append(node.name)
                return node
            return sqlglot.parse_one(literal(params[node.name]), read="duckdb")
        return node

    tree = tree.transform(bind)
    _check_portable(tree)
    if missing:
        raise EngineError(f"the SQL uses parameters without a value: {', '.join(sorted(set(missing)))}")
    return tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)


def _check_portable(tree) -> None:
    """Refuse what SQLGlot passes to Spark unchanged or wrongly, without an error of its own (checked on its
    source, see the README's "Facts on Spark"): ASOF joins, functions it does not know (DuckDB's to_months …,
    copied as they are) and a cast around unnest(generate_series(…)), which Spark refuses. The fact SQL is written
    without them (window functions, explicit month arithmetic), so this names the construct instead of failing
    deep in Spark or, worse, running a function of the same name that means something else."""
    from sqlglot import exp

    for join in tree.find_all(exp.Join):
        if str(join.args.get("method") or "").upper() == "ASOF":
            raise EngineError("an ASOF join has no Spark form; write it as a window over a union, or a range join")
    for func in tree.find_all(exp.Anonymous):
        raise EngineError(f"{func.name}() is not a function SQLGlot can translate to Spark; use a portable form")
    for cast in tree.find_all(exp.Cast):
        if isinstance(cast.this, exp.Explode):
            raise EngineError("a cast around unnest(…) becomes a cast around EXPLODE, which Spark refuses; cast "
                              "inside generate_series instead")


def _used(sql: str, params: Mapping[str, object]) -> dict:
    """The parameters the SQL names (DuckDB refuses values for parameters a statement does not have). A regular
    expression, not SQLGlot, so the DuckDB engine needs nothing beyond the app's own requirements."""
    names = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", sql))
    return {k: v for k, v in params.items() if k in names}


def is_url(location: str) -> bool:
    """An object-store or HDFS location (s3a://, gs://, abfss://, hdfs://…) rather than a local folder."""
    return "://" in str(location)


def join(location: str, *parts: str) -> str:
    """A location below another, for local folders and URLs alike."""
    return "/".join([str(location).rstrip("/"), *parts])


def _fs(location: str):
    """(filesystem, path) of a local folder or a URL, through fsspec (object stores need their fsspec package,
    e.g. s3fs for s3a://; Spark reads and writes the data itself through its own connectors)."""
    import fsspec

    try:
        return fsspec.core.url_to_fs(str(location))
    except (ImportError, ValueError) as exc:
        raise EngineError(f"{location} cannot be opened from this machine ({exc})") from None


def read_text(location: str) -> str:
    """A small file's text (a manifest); FileNotFoundError when it is not there."""
    fs, path = _fs(location)
    with fs.open(path, "r") as handle:
        return handle.read()


def write_text(location: str, text: str) -> None:
    fs, path = _fs(location)
    with fs.open(path, "w") as handle:
        handle.write(text)


def is_empty(location: str) -> bool:
    """Whether a folder is missing or holds nothing."""
    fs, path = _fs(location)
    return not fs.exists(path) or not fs.ls(path)


def _empty_dir(path: str) -> None:
    """A step's output folder, emptied (a local folder; an object store's is new: metrics.build checks that)."""
    if is_url(path):
        return
    if Path(path).exists():
        shutil.rmtree(path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)


class DuckDBEngine:
    """An in-memory DuckDB reading the Parquet inputs (it spills to a temporary folder past its memory limit)."""

    name = "duckdb"

    def __init__(self):
        import duckdb

        self.con = duckdb.connect()
        self.con.execute("SET enable_progress_bar = false")  # progress is ours: one line per step
        self.master = "in-process"
        self.version = f"DuckDB {duckdb.__version__}"

    def register_input(self, kind: str, folder: str | None, columns: list[tuple[str, str]]) -> None:
        raw = f"raw_{input_view(kind)}"
        if folder is not None:
            if is_url(folder):  # the workspace never loads DuckDB's network extensions (metrics/lockdown.py)
                raise EngineError(f"the DuckDB engine reads local folders; {folder} is for --engine spark")
            self.con.read_parquet(join(folder, "**", "*.parquet"), hive_partitioning=True).create_view(raw)
        self.con.execute(f"CREATE OR REPLACE VIEW {_ident(input_view(kind))} AS "
                         + typed_projection(columns, raw if folder is not None else None))

    def query(self, sql: str, params: Mapping[str, object] | None = None) -> list[dict]:
        cur = self.con.cursor()
        result = cur.execute(sql, _used(sql, params or {}))
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    def run(self, name: str, sql: str, params: Mapping[str, object], out: str) -> int:
        if is_url(out):
            raise EngineError(f"the DuckDB engine writes local folders; {out} is for --engine spark")
        _empty_dir(out)
        Path(out).mkdir()
        cur = self.con.cursor()
        cur.execute(f"CREATE OR REPLACE TEMP TABLE {_ident('step_' + name)} AS {sql}", _used(sql, params))
        target = "'" + join(out, "part-0.parquet").replace("'", "''") + "'"  # COPY takes no parameter for a path
        cur.execute(f"COPY {_ident('step_' + name)} TO {target} (FORMAT parquet)")
        rows = cur.execute(f"SELECT count(*) FROM {_ident('step_' + name)}").fetchone()[0]
        cur.execute(f"DROP TABLE {_ident('step_' + name)}")
        # Later steps read what was written, as on Spark, so both engines feed them the same thing.
        self.con.read_parquet(join(out, "*.parquet")).create_view(name)
        return rows

    def close(self) -> None:
        self.con.close()


def spark_session(master: str | None = None, *, app_name: str = "cx-facts", conf: Mapping[str, str] | None = None):
    """A SparkSession with the project's settings (see the module doc); `master` a URL or local[N]. Launched by
    spark-submit without --master here, the session takes spark-submit's master and --conf settings; the
    local tuning (few shuffle partitions, driver memory) applies to local masters only. `conf`: further settings,
    applied last (the tests' JVM options: tests/spark/spark_support.py)."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # pyspark 4.3 warns that pandas 3 is not fully supported; the build moves no data through pandas on Spark
    # (each step writes Parquet, read back with pyarrow), so the warning says nothing about these results.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    from pyspark.sql import SparkSession

    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # pyspark's own sign of a driver started by spark-submit
    builder = (SparkSession.builder.appName(app_name)
               .config("spark.sql.session.timeZone", "UTC")  # DuckDB's TIMESTAMP has no zone
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")  # the views cast
               .config("spark.ui.showConsoleProgress", "false"))  # progress is ours: one line per step
    if master or not submitted:
        builder = builder.master(master or LOCAL_MASTER)
    if (master or ("" if submitted else LOCAL_MASTER)).startswith("local"):
        builder = (builder.config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
                   .config("spark.driver.memory", DRIVER_MEMORY)
                   .config("spark.ui.enabled", "false")
                   # One machine lists its own folders faster than a Spark job does: a kind partitioned over
                   # more than 32 months (customers by start month) otherwise starts a job of a task per folder.
                   .config("spark.sql.sources.parallelPartitionDiscovery.threshold", "100000"))
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine:
    """Runs each step's transpiled SQL on a SparkSession (given, or started on `master`)."""

    name = "spark"

    def __init__(self, master: str | None = None, *, session=None):
        self._own = session is None
        self.spark = session or spark_session(master)
        self.version = f"Spark {self.spark.version}"
        self.master = self.spark.sparkContext.master

    def register_input(self, kind: str, folder: str | None, columns: list[tuple[str, str]]) -> None:
        raw = f"raw_{input_view(kind)}"
        if folder is not None:
            self.spark.read.parquet(folder).createOrReplaceTempView(raw)
        sql = typed_projection(columns, raw if folder is not None else None)
        self.spark.sql(to_spark(sql)).createOrReplaceTempView(input_view(kind))

    def query(self, sql: str, params: Mapping[str, object] | None = None) -> list[dict]:
        return [row.asDict() for row in self.spark.sql(to_spark(sql, params)).collect()]

    def run(self, name: str, sql: str, params: Mapping[str, object], out: str) -> int:
        _empty_dir(out)
        try:
            frame = self.spark.sql(to_spark(sql, params))
            frame.write.parquet(out)
        except Exception as exc:  # Spark's analysis and execution errors have no common public base class
            raise EngineError(f"{name} failed on Spark: {str(exc).splitlines()[0]}") from exc
        written = self.spark.read.parquet(out)
        written.createOrReplaceTempView(name)
        return written.count()

    def close(self) -> None:
        if self._own:
            self.spark.stop()


def make_engine(name: str, master: str | None = None, *, session=None):
    if name == "duckdb":
        if master:
            raise EngineError("--master is for the Spark engine; DuckDB runs in this process.")
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(master, session=session)
    raise EngineError(f"unknown engine {name!r} (one of {', '.join(ENGINES)})")


def run_step(engine, step, params: Mapping[str, object], out_dir: str) -> StepResult:
    """Run one step of a plan on the engine, writing `out_dir/<step.name>/`; its rows and wall seconds."""
    start = time.perf_counter()
    wanted = {k: params[k] for k in getattr(step, "params", ()) if k in params}
    out = join(out_dir, step.name)
    rows = engine.run(step.name, step.sql, wanted, out)
    return StepResult(step.name, rows, time.perf_counter() - start, out)
