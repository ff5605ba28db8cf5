"""Long work as a job: run in a worker thread, with its step and progress, a Cancel that stops it, and no second
start for the same key. No Streamlit here: the Data page draws a job, `python -m metrics.load` does not need one.

- A job's work function gets the Job: `job.step(name, fraction)` between steps (raises Cancelled once cancel
  was asked), `job.watch(con)` for every DuckDB connection or cursor it runs queries on, so cancel() can
  `interrupt()` a running query. Interrupt is repeated by the monitor while the job is still running, in case
  it landed between two queries.
- Jobs.start(key, …) returns the job already registered under `key` (running or finished) instead of starting
  it again: a rerun of the page with the same file and choices finds its job.
- Closed tab: the page calls job.beat() on every run while it shows the job; a running job not seen for
  `idle_seconds` is cancelled by the monitor ("nobody is watching"), and a finished one not seen for
  `keep_seconds` is dropped (its result freed).
- Whatever the work was doing when cancelled, a Workspace commit rolls back whole (store.Workspace._transaction):
  a cancelled upload stores nothing.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from metrics import memory

RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"
# How long a page waits for a job within one run before it shows progress and Cancel instead (a small file is read,
# checked and stored within the run that asked for it). CX_UPLOAD_WAIT overrides it (tests: 0).
WAIT_SECONDS = float(os.environ.get("CX_UPLOAD_WAIT") or 2.0)


class Cancelled(Exception):
    """The job was cancelled; nothing it was doing is kept."""


@dataclass(eq=False)
class Job:
    key: str
    label: str
    state: str = RUNNING
    step_name: str = "starting"
    fraction: float = 0.0
    result: Any = None
    error: BaseException | None = None
    reason: str = ""  # why it was cancelled, in words
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    seen: float = field(default_factory=time.monotonic)
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _watched: list = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def step(self, name: str, fraction: float) -> None:
        """Between two steps: stop here if cancelled, else record the step."""
        if self._cancel.is_set():
            raise Cancelled(self.reason)
        self.step_name, self.fraction = name, max(self.fraction, min(fraction, 1.0))

    def watch(self, con) -> None:
        """A connection or cursor the work runs queries on (interrupted by cancel())."""
        with self._lock:
            self._watched.append(con)
        if self._cancel.is_set():
            self._interrupt()

    def cancel(self, reason: str = "cancelled") -> None:
        if not self.running:
            return
        self.reason = self.reason or reason
        self._cancel.set()
        self._interrupt()

    def _interrupt(self) -> None:
        with self._lock:
            watched = list(self._watched)
        for con in watched:
            with contextlib.suppress(Exception):  # a connection already closed has nothing to interrupt
                con.interrupt()

    def beat(self) -> None:
        self.seen = time.monotonic()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to `timeout` seconds for the job to end; whether it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def _run(self, work: Callable[[Job], Any]) -> None:
        try:
            result = work(self)
        except BaseException as exc:  # noqa: BLE001 — every ending is recorded, the page words it
            self.error = exc
            self.state = CANCELLED if self._cancel.is_set() or isinstance(exc, Cancelled) else FAILED
        else:
            self.result = result
            # Finished before the interrupt landed: the work is complete (a commit that returned is stored).
            self.state = DONE
        finally:
            self.finished = time.monotonic()
            with self._lock:
                self._watched.clear()
            memory.release()  # an upload's parsed rows and Arrow batches: the server process lives on


class Jobs:
    """The jobs of one process, by key."""

    def __init__(self, idle_seconds: float = 20.0, keep_seconds: float = 900.0, tick: float = 1.0):
        self.idle_seconds, self.keep_seconds, self.tick = idle_seconds, keep_seconds, tick
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._monitor: threading.Thread | None = None

    def start(self, key: str, label: str, work: Callable[[Job], Any], replaces: str | None = None) -> Job:
        """The job under `key`, started now if there is none. `replaces`: a key prefix whose other jobs are
        superseded by this one (cancelled if running, dropped): e.g. the same file read with other choices."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None:
                job.beat()
                return job
            if replaces is not None:
                for other in [k for k in self._jobs if k.startswith(replaces)]:
                    self._jobs.pop(other).cancel("replaced by newer choices")
            job = Job(key, label)
            job._thread = threading.Thread(target=job._run, args=(work,), name=f"job {label}", daemon=True)
            self._jobs[key] = job
            self._ensure_monitor()
        job._thread.start()
        return job

    def get(self, key: str) -> Job | None:
        job = self._jobs.get(key)
        if job is not None:
            job.beat()
        return job

    def find(self, prefix: str) -> list[Job]:
        with self._lock:
            return [j for k, j in self._jobs.items() if k.startswith(prefix)]

    def forget(self, key: str) -> None:
        with self._lock:
            job = self._jobs.pop(key, None)
        if job is not None:
            job.cancel("forgotten")

    def _ensure_monitor(self) -> None:
        if self._monitor is None or not self._monitor.is_alive():
            self._monitor = threading.Thread(target=self._watch, name="job monitor", daemon=True)
            self._monitor.start()

    def _watch(self) -> None:
        while True:
            time.sleep(self.tick)
            now = time.monotonic()
            with self._lock:
                jobs = list(self._jobs.items())
            for key, job in jobs:
                if job.running and job.cancelled:
                    job._interrupt()  # again: an interrupt between two queries does not stop the next one
                elif job.running and now - job.seen > self.idle_seconds:
                    job.cancel("nobody was watching it any more (the page was closed)")
                elif not job.running and now - max(job.seen, job.finished or 0) > self.keep_seconds:
                    with self._lock:
                        if self._jobs.get(key) is job:
                            del self._jobs[key]
            with self._lock:
                if not self._jobs:
                    self._monitor = None
                    return


    def stop_all(self, seconds: float = 10.0) -> None:
        """Cancel every running job and wait for it (at exit: a worker thread must not be inside DuckDB when the
        interpreter shuts down, which aborts the process)."""
        with self._lock:
            running = [j for j in self._jobs.values() if j.running]
        for job in running:
            job.cancel("the server is shutting down")
        deadline = time.monotonic() + seconds
        for job in running:
            job.wait(max(0.0, deadline - time.monotonic()))


JOBS = Jobs()
atexit.register(JOBS.stop_all)
