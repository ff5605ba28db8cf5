"""Lock the workspace's DuckDB connection down once its schema exists.

Every query the app runs goes through `Workspace.cursor()`; none of them needs the file system, the network
or an extension: uploads are parsed by ingest on its own scratch connection and arrive as in-memory frames.
So after the schema is created the workspace connection may read and write only its own database file:

- `enable_external_access = false`: no `read_csv('/etc/passwd')`, `COPY … TO`, `ATTACH`, no http(s) reads;
- no extension installs or loads (`INSTALL`, `LOAD`, and the silent autoload a function call can trigger);
- explicit `memory_limit` and `threads`, so one heavy page cannot take the machine (the default is 80% of
  RAM and every core);
- `lock_configuration = true` last, so nothing reached through a cursor can `SET` any of this back.

DuckDB cursors share the database instance's configuration, so locking the connection locks every cursor.
"""

from __future__ import annotations

import os

import duckdb

ENV_MEMORY = "CX_DUCKDB_MEMORY"    # e.g. "4GB"
ENV_THREADS = "CX_DUCKDB_THREADS"  # e.g. "4"
# 256MB: page queries read one month or one window of the facts, and a store's fact build spills past it. DuckDB keeps
# blocks cached up to this ceiling and cannot be told to drop them under lock_configuration, so it is the server's
# floor beside Streamlit, the pages and the churn model: the 5M-line revenue upload on the Data page peaked at 1.99 GB
# with 2GB here, 1.26 GB with 512MB, 1.02 GB with 256MB (the fact build: same time within noise; page queries at
# 200,000 customers: no slower, bench_queries). The command line holds nothing else and keeps 512MB (metrics.load).
DEFAULT_MEMORY = "256MB"
DEFAULT_THREADS = 2


def settings(memory_limit: str | None = None, threads: int | None = None,
             default_memory: str = DEFAULT_MEMORY) -> list[tuple[str, object]]:
    """The settings, in the order they are applied (the lock last). Values come from the arguments, else the
    environment, else the defaults (`default_memory`: the caller's, e.g. metrics.load's); each is checked, since
    SET takes no bound parameters."""
    memory = memory_limit or os.environ.get(ENV_MEMORY) or default_memory
    count = int(threads if threads is not None else os.environ.get(ENV_THREADS) or DEFAULT_THREADS)
    number, unit = memory[:-2].strip(), memory[-2:].upper()
    if not (number.replace(".", "", 1).isdigit() and unit in ("KB", "MB", "GB", "TB")):
        raise ValueError(f"memory limit {memory!r} must look like '2GB' or '512MB'")
    if not 1 <= count <= 256:
        raise ValueError(f"threads must be between 1 and 256, not {count}")
    return [
        ("autoinstall_known_extensions", False),
        ("autoload_known_extensions", False),
        ("allow_community_extensions", False),
        ("memory_limit", f"{number}{unit}"),
        ("threads", count),
        # DuckDB's allocator (jemalloc) keeps freed memory for reuse; flushed after any task that peaked above
        # this, the process gives it back (peak of the churn model's training at 200,000 customers: 1.18 ->
        # 1.03 GB with this alone)
        ("allocator_flush_threshold", "32MB"),
        ("allocator_background_threads", True),
        ("enable_external_access", False),
        ("lock_configuration", True),
    ]


def lock(con: duckdb.DuckDBPyConnection, memory_limit: str | None = None, threads: int | None = None,
         default_memory: str = DEFAULT_MEMORY) -> None:
    """Apply the settings to `con` (call once, right after the schema is created)."""
    for name, value in settings(memory_limit, threads, default_memory):
        # Names are constants above; values were checked in settings(), so the text holds nothing from outside.
        literal = ("true" if value else "false") if isinstance(value, bool) else \
            (str(value) if isinstance(value, int) else f"'{value}'")
        con.execute(f"SET {name} = {literal}")
