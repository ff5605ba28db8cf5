"""Data (analysts): upload exports, map their columns, see what will be stored or rejected, keep the history."""

import dataclasses
import hashlib
import uuid
from pathlib import Path

import streamlit as st

import gate
import theme_editor
import ui
from metrics import ingest, jobs
from metrics.definitions import plural
from metrics.errors import IngestError, MissingColumnError, NeedsAnswerError, UnknownKindError
from metrics.ingest import session
from metrics.ingest.engine import READ_KEYS
from metrics.ingest.questions import Question
from metrics.store import APPENDABLE, KIND_LABELS, StoreError

ui.ensure_router()
st.title("Data · Upload exports")
st.caption("Upload an export (CSV, TSV, XLSX or gzip) of NPS responses, CSAT answers, customers / churn, revenue "
           "or support tickets: survey tools (Qualtrics, SurveyMonkey, Delighted, Typeform, Hotjar), billing (Stripe "
           "subscriptions or invoices, ChartMogul customers), help desks (Zendesk, Freshdesk, Intercom, HubSpot) or "
           "your own spreadsheet. Each upload replaces the current data of its kind as a new version "
           "(a response file can instead be added beside the current ones); "
           "earlier versions stay available and can be restored below. "
           f"Files up to {ingest.MAX_UPLOAD_BYTES // 2**20} MB.")
ui.notices(None)

NOT_USED = "— not used —"
REJECT, SKIP = "Reject the file (store nothing)", "Store the valid rows and skip the rejected ones"


OWN, KEEP = "own", "keep"
SAMPLE_CHOICES = {OWN: "Start your company's own workspace (the sample stays viewable as a demo data version)",
                  KEEP: "Keep exploring the sample (nothing is stored)"}


# ---- uploads as jobs (metrics.jobs): read, check and store run in a worker thread; a run waits up to
# jobs.WAIT_SECONDS for them, then shows progress and Cancel and polls until the job ends.
def job_prefix(fkey: str, step: str) -> str:
    token = st.session_state.setdefault("upload_session", uuid.uuid4().hex[:12])  # jobs are per browser session
    return f"{token}:{fkey}:{step}:"


def digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:16]


def run_job(prefix: str, choices, label: str, work) -> jobs.Job | None:
    """The job for these choices, started once (a rerun finds it); None while it runs (progress shown)."""
    job = jobs.JOBS.start(prefix + digest(choices), label, work, replaces=prefix)
    if job.running:
        job.wait(jobs.WAIT_SECONDS)
    if job.running:
        progress(job)
        return None
    return job


@st.fragment(run_every=1.0)
def progress(job: jobs.Job) -> None:
    """A running job: its step, a Cancel button, and a poll each second (the beat that keeps it alive: a closed tab
    stops beating and the job is cancelled)."""
    job.beat()
    if not job.running:
        st.rerun()
    st.progress(job.fraction, text=f"{ui.md_escape(job.label)}: {job.step_name}…")
    st.button("Cancel", key=f"cancel_{job.key}", on_click=job.cancel, args=("cancelled on this page",),
              help="Stops the work; nothing is stored (a store in progress is rolled back whole).")


def ended(job: jobs.Job, name: str) -> bool:
    """A cancelled or unexpectedly failed job, shown (with a way to start again); True when it was one."""
    if job.state == jobs.CANCELLED:
        st.warning(f"**{ui.md_escape(name)}**: {ui.md_escape(job.reason)}; nothing was stored.",
                   icon=":material/cancel:")
        st.button("Read it again", key=f"again_{job.key}", on_click=jobs.JOBS.forget, args=(job.key,))
        return True
    if job.state == jobs.FAILED and not isinstance(job.error, IngestError | StoreError):
        st.error(f"**{ui.md_escape(name)}** could not be processed ({type(job.error).__name__}: "
                 f"{ui.md_escape(str(job.error).splitlines()[0] if str(job.error) else '')}); nothing was stored.",
                 icon=":material/block:")
        st.button("Try again", key=f"again_{job.key}", on_click=jobs.JOBS.forget, args=(job.key,))
        return True
    return False


def drawn_with(fkey: str, questions: list[Question], kind: str | None, reported: bool) -> dict:
    """The widget values a file's check was drawn with: its questions' answers, its mapping, the rejected-rows choice
    and the page's kind, as-of date and cents. Only the keys of widgets drawn in this run: a question no longer
    asked loses its widget state when the run ends, which is no change of the analyst's."""
    keys = ["upload_kind", "upload_as_of", "upload_cents", *([f"choice_{fkey}"] if reported else []),
            *(f"ans_{fkey}_{q.key}" for q in questions),
            *(f"confirm_{fkey}_{q.key}" for q in questions if q.multi and q.must_confirm),
            *(f"map_{fkey}_{kind}_{name}" for name, _label, _required in ingest.FIELDS.get(kind, ()))]
    return {key: st.session_state.get(key) for key in keys}


def store(prepared: ingest.Prepared, previous: int | None, fkey: str, all_keys: list[str], spooled: str,
          drawn: dict) -> None:
    """Start storing one validated file (a callback: runs before the widgets); a small one is stored within this
    run, a larger one shows progress and Cancel until it is. Onto sample data only after the analyst chose to start
    the company's own workspace."""
    if any(st.session_state.get(key) != value for key, value in drawn.items()):
        # The button's arguments are those of the run that drew it: an answer changed and Store pressed before the
        # file was checked again would store the check made with the earlier answer (a yearly line's months).
        st.session_state["store_stale"] = (
            "Nothing was stored: your choices changed after this file was checked, so the button showed the earlier "
            "reading. The file is checked again with your choices below; press Store once it shows them.")
        return
    ws = ui.workspace()
    who = gate.uploader()  # the signed-in address, else the typed name (local mode)
    leave_sample = st.session_state.get("sample_choice") == OWN
    if leave_sample and ws.holds_sample():
        previous = None  # the company's first version of this kind: nothing to compare with the sample
    append = prepared.kind in APPENDABLE and st.session_state.get(f"append_{fkey}") == APPEND
    prefix = job_prefix(fkey, "store")
    job = jobs.JOBS.start(prefix + prepared.sha256[:16], f"Storing {prepared.file_name}",
                          session.store_work(ws, prepared.to_upload(uploaded_by=who), leave_sample=leave_sample,
                                             append=append), replaces=prefix)
    st.session_state[f"storing_{fkey}"] = (job.key, prepared, previous, append, all_keys, spooled)
    job.wait(jobs.WAIT_SECONDS)
    if not job.running:
        finish_store(fkey)


def finish_store(fkey: str) -> None:
    """A store job that has ended: the new data version, or why nothing was stored. When every file of the drop
    is stored, the uploader starts empty again; a refusal or a failed write becomes the page's error."""
    key, prepared, previous, append, all_keys, spooled = st.session_state.pop(f"storing_{fkey}")
    job = jobs.JOBS.get(key)
    jobs.JOBS.forget(key)
    if job is None or job.state == jobs.CANCELLED:
        reason = job.reason if job is not None else "the store was interrupted"
        st.session_state["store_error"] = (f"Nothing was stored: {reason}. The workspace is exactly as it was; "
                                           "store the file again when you are ready.")
        return
    if job.state == jobs.FAILED:
        exc = job.error
        st.session_state["store_error"] = str(exc) if isinstance(exc, StoreError) else (
            f"Nothing was stored: storing failed unexpectedly ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}). The workspace is exactly as it was.")
        return
    snap = job.result
    session.release(Path(spooled))
    Path(spooled).unlink(missing_ok=True)
    for step in ("inspect", "prepare"):  # their results (the file's checked rows) are not needed any more
        for done_job in jobs.JOBS.find(job_prefix(fkey, step)):
            jobs.JOBS.forget(done_job.key)
    ws = ui.workspace()
    gate.record("upload", f"{prepared.file_name} as {prepared.kind} version {snap.versions[prepared.kind]}")
    ui.show_version(snap.snapshot)
    ui.warm(snap.snapshot)  # analyse its comments and train its churn model now, in the background
    version = snap.versions[prepared.kind]
    n = prepared.report.rejected_rows if prepared.report else 0
    skipped = f" ({n:,} rejected row{'' if n == 1 else 's'} skipped)" if prepared.report else ""
    summary = ingest.stored_summary(ws, version, previous, [v for v in snap.sources[prepared.kind] if v != version]
                                    if append else None)
    message = (
        f"Stored {ui.md_escape(prepared.file_name)} as version {version}{skipped}; the dashboard now shows data "
        f"version #{snap.snapshot}.  \n**{KIND_LABELS[prepared.kind]} version {version}:** "
        + ui.md_escape(summary))
    done = st.session_state.setdefault("stored_files", {})
    done[fkey] = message
    if all(k in done for k in all_keys):
        st.session_state["uploads_done"] = st.session_state.get("uploads_done", 0) + 1  # a fresh, empty uploader
        ui.forget_uploads(st.session_state.get("upload_sha", {}))
        st.session_state["stored"] = "  \n\n".join(done[k] for k in all_keys)
        st.session_state["stored_files"] = {}


REPLACE, APPEND = "replace", "append"


def append_choice(kind: str, fkey: str) -> bool:
    """For response files when the current data already has the kind: replace it (the default), or add the
    file as another source of the same kind (another survey year); asked in the look of ask(). Returns whether
    the file is to be added."""
    current = ui.workspace().snapshot()
    sources = current.sources.get(kind, ()) if current else ()
    if kind not in APPENDABLE or not sources or ui.workspace().holds_sample():
        return False
    label = KIND_LABELS[kind]
    have = f"version {sources[0]}" if len(sources) == 1 else "versions " + ", ".join(map(str, sources))
    choices = {REPLACE: f"Replace the current {label} ({have})",
               APPEND: f"Add as another source of {label} (keeps {have}; e.g. another survey year)"}
    key = f"append_{fkey}"
    if key not in st.session_state:
        st.session_state[key] = REPLACE
    st.selectbox(f"The data already has {label}: replace them or add this file?", list(choices), key=key,
                 format_func=choices.get)
    st.caption("Added files stay separate versions, each removable on its own; an answer found in several files "
               "(same response id and date, or same customer and date) counts once, from the latest file.")
    return st.session_state[key] == APPEND


def sample_choice() -> str | None:
    """Asked once, before the first of the company's files is stored onto the sample company: start the
    company's own workspace, or keep exploring the sample. Returns the answer (None: not answered yet)."""
    st.markdown("**The dashboard holds the sample company** · your answer decides where your files go")
    st.selectbox("Store your files as your company's own data?", list(SAMPLE_CHOICES), key="sample_choice",
                 index=None, format_func=SAMPLE_CHOICES.get, placeholder="Choose…")
    st.caption("Your data is never mixed with the fictional sample: your own workspace holds only the kinds you "
               "upload (pages say what is not uploaded yet); the sample stays selectable in the sidebar.")
    return st.session_state.get("sample_choice")


def save_preset(signature: str, kind: str, settings: dict, name_key: str) -> None:
    name = (st.session_state.get(name_key) or "").strip() or "Unnamed preset"
    ui.workspace().save_preset(signature, name, kind, settings)
    gate.record("preset_save", f"{name} ({kind})")
    st.session_state["preset_saved"] = f"Saved the mapping as preset “{ui.md_escape(name)}”; files with the same " \
                                       "columns will use it automatically."


def history_action(action, version_key: str):
    """Run a Workspace history action on the chosen version; a refusal becomes the page's error message.
    Returns (version, result) or None when refused."""
    version = int(st.session_state.get(version_key))
    try:
        return version, action(version)
    except (ValueError, StoreError) as exc:
        st.session_state["history_error"] = str(exc)
        return None


def roll_back(version_key: str) -> None:
    done = history_action(ui.workspace().rollback, version_key)
    if done is None:
        return
    version, snap = done
    gate.record("rollback", f"version {version} → data version #{snap.snapshot}")
    ui.show_version(snap.snapshot)
    st.session_state["history_done"] = (f"Rolled back: version {version} is current again, as data version "
                                        f"#{snap.snapshot}.")


def remove_source(version_key: str) -> None:
    done = history_action(ui.workspace().remove_source, version_key)
    if done is None:
        return
    version, snap = done
    gate.record("delete", f"version {version} removed as a source → data version #{snap.snapshot}")
    ui.show_version(snap.snapshot)
    st.session_state["history_done"] = (f"Removed version {version} as a source; the current data is data version "
                                        f"#{snap.snapshot}.")


def delete(version_key: str) -> None:
    done = history_action(ui.workspace().delete_version, version_key)
    if done is None:
        return
    version, removed = done
    gate.record("delete", f"version {version}")
    if st.session_state.get("v") in removed:
        st.session_state.pop("v")
    gone = ""
    if removed:
        numbers = ", ".join(f"#{n}" for n in removed)
        gone = f"; data version {numbers}, which used it, is now empty" if len(removed) == 1 else \
            f"; data versions {numbers}, which used it, are now empty"
    st.session_state["history_done"] = f"Deleted version {version}{gone}."


for key, show in (("stored", st.success), ("preset_saved", st.success)):
    if key in st.session_state:
        show(st.session_state.pop(key), icon=":material/save:")
if "store_error" in st.session_state:  # our own text (a refusal or a failed write), no file content
    st.error(st.session_state.pop("store_error"), icon=":material/block:")
if "store_stale" in st.session_state:
    st.warning(st.session_state.pop("store_stale"), icon=":material/sync_problem:")

AS_OF_FIELDS = ("response_date", "start_date")  # required fields the as-of date can stand in for
KIND_CHOICES = {"Detect from the columns": None,
                **{label: kind for kind, label in KIND_LABELS.items() if kind in ingest.FIELDS}}
left, right = st.columns([2, 1])
with left:
    kind_label = st.selectbox("What is in the file?", list(KIND_CHOICES), key="upload_kind")
    uploads = st.file_uploader("CSV exports (one or several)",
                               type=["csv", "txt", "tsv", "xlsx", "gz"], accept_multiple_files=True,
                               key=f"upload_file_{st.session_state.get('uploads_done', 0)}")
with right:
    as_of = st.date_input("As-of date", value=None, key="upload_as_of", max_value=ui.today(),
                          help="The date the export was taken. Snapshot churn files (tenure + churned flag, no dates): "
                               "start = as-of month − tenure, churners churned on it. Subscription lists: running "
                               "subscriptions count through its month (default: the latest date in the file; set it "
                               "when the export was taken later). "
                               "Surveys without a date column: every response gets this date.")
    cents = st.checkbox("Amounts are in cents", key="upload_cents", help="Divides every amount by 100 (Stripe).")
    if gate.user().local:  # signed in: the address is recorded instead
        st.text_input("Uploaded by", key="uploaded_by", placeholder="your name, for the history",
                      help="Recorded with each version you store (local mode: no sign-in).")


def mapping_step(seen: ingest.Inspection, kind: str, fkey: str, preset: dict | None) -> tuple[dict, dict]:
    """One selectbox per canonical field (seeded from a saved preset, else from detection); returns the mapping
    shown and the fields the analyst changed. Only those are passed on as chosen by hand: a field left as detected
    stays the pipeline's to judge (a Xero invoice total repeated on each line is read from the line amounts; passed
    on as chosen, the page stored 430 for 200)."""
    detected = seen.mapping(kind)
    saved = session.saved_settings(preset, kind).get("mapping", {})
    options = [NOT_USED, *seen.columns]
    mapping, changed = {}, {}
    cols = st.columns(3)
    for i, (name, label, required) in enumerate(ingest.FIELDS[kind]):
        key = f"map_{fkey}_{kind}_{name}"
        if key not in st.session_state:
            start = saved.get(name) if saved else detected.get(name)  # a preset is the whole confirmed mapping
            st.session_state[key] = start if start in seen.columns else NOT_USED
            st.session_state[f"seed_{key}"] = st.session_state[key]
        choice = cols[i % 3].selectbox(f"{label[0].upper()}{label[1:]}{' *' if required else ''}", options, key=key,
                                       format_func=lambda c: c if c not in seen.labels else f"{c} · {seen.labels[c]}")
        mapping[name] = "" if choice == NOT_USED else choice
        if choice != st.session_state.get(f"seed_{key}", choice):
            changed[name] = mapping[name]
    return mapping, changed


def given_answers(fkey: str) -> dict:
    """The analyst's answers to this file's questions, from the widgets of the previous run (see ask())."""
    prefix, answers = f"ans_{fkey}_", {}
    for key, value in st.session_state.items():
        if not (isinstance(key, str) and key.startswith(prefix)) or value is None:
            continue
        qkey = key[len(prefix):]
        if isinstance(value, list) and not st.session_state.get(f"confirm_{fkey}_{qkey}", True):
            continue  # a must-confirm choice of several values counts once the analyst ticks "Confirm"
        answers[qkey] = value
    return answers


def ask(questions: list[Question], fkey: str) -> None:
    """One widget per question. A must-confirm question starts unanswered (its proposal named in the placeholder),
    so nothing is stored until the analyst has chosen; the others start at their proposal."""
    st.markdown("**Questions about this file** · your answers decide how it is read")
    for q in questions:
        key = f"ans_{fkey}_{q.key}"
        prompt = ui.md_escape(q.prompt)  # widget labels render Markdown; column names come from the file
        if q.multi:
            if key not in st.session_state:
                st.session_state[key] = list(q.proposal or [])
            st.multiselect(prompt, list(q.choices), key=key, format_func=q.label)
            if q.must_confirm:
                st.checkbox("Confirm this choice", key=f"confirm_{fkey}_{q.key}", value=False)
        else:
            if key not in st.session_state:
                st.session_state[key] = None if q.must_confirm else q.proposal
            proposed = f"Choose… (proposed: {q.describe(q.proposal)})" if q.proposal is not None else "Choose…"
            st.selectbox(prompt, list(q.choices), key=key, format_func=q.label, placeholder=proposed)
        if q.detail:
            st.caption(ui.md_escape(q.detail))


def file_sha(upload) -> str:
    """The sha256 of an uploaded file's bytes, hashed once per upload rather than on every rerun (127 MB: 0.2 s).
    getvalue() is the uploader's own bytes; getbuffer() would copy them (BytesIO unshares its buffer)."""
    known = st.session_state.setdefault("upload_sha", {})
    if upload.file_id not in known:
        known[upload.file_id] = hashlib.sha256(upload.getvalue()).hexdigest()
    return known[upload.file_id]


def file_key(upload) -> str:
    return file_sha(upload)[:12]


def inspect_job(path: Path, name: str, fkey: str, answers: dict) -> jobs.Job | None:
    read = {k: v for k, v in answers.items() if k in READ_KEYS}  # the only answers reading the file depends on
    return run_job(job_prefix(fkey, "inspect"), read, f"Reading {name}",
                   session.inspect_work(path, name, read, path.parent))


def unchanged_answers(prefix: str, options: ingest.Options) -> dict:
    """The choices that decide a check's outcome: answers that merely repeat the proposal of a question that need
    not be confirmed (the widgets start there) change nothing, so showing them does not check the file again."""
    last = next((j for j in jobs.JOBS.find(prefix) if not j.running), None)
    asked = (getattr(last.result, "questions", None) or getattr(last.error, "asked", None) or []) if last else []
    same = {q.key for q in asked if not q.must_confirm and options.answers.get(q.key) == q.proposal}
    choices = dataclasses.asdict(options)
    choices["answers"] = {k: v for k, v in options.answers.items() if k not in same}
    return choices


def handle(upload, all_keys: list[str]) -> None:
    """The whole flow for one file: read, map, validate, report, preview, store."""
    fkey = file_key(upload)
    if fkey in st.session_state.get("stored_files", {}):
        st.success(st.session_state["stored_files"][fkey], icon=":material/save:")
        return
    if f"storing_{fkey}" in st.session_state:  # a store started in an earlier run
        job = jobs.JOBS.get(st.session_state[f"storing_{fkey}"][0])
        if job is not None and job.running:
            progress(job)
            return
        finish_store(fkey)
        st.rerun()  # its message is shown at the top of the page
    ws = ui.workspace()
    # Spooled to a file beside the workspace: read from disk by DuckDB, never copied again in memory.
    path, _sha = session.spool(upload.getvalue(), session.spool_folder(ws), file_sha(upload))
    seen = None
    # Read-level answers (encoding, sheet, header row) shape the columns the mapping step offers: the analyst's
    # own, then a preset's saved for the same columns.
    job = inspect_job(path, upload.name, fkey, given_answers(fkey))
    if job is None or ended(job, upload.name):
        return
    if job.error is None:
        seen = job.result
        saved = (session.find_preset(ws, seen) or {}).get("settings", {}).get("answers", {})
        if saved:
            job = inspect_job(path, upload.name, fkey, {**saved, **given_answers(fkey)})
            if job is None or ended(job, upload.name):
                return
            seen = job.result if job.error is None else None
    if seen is None:
        st.error(f"**{ui.md_escape(upload.name)} was rejected; nothing was stored.**  \n{ui.md_escape(job.error)}",
                 icon=":material/block:")
    if seen is not None:
        preset = session.find_preset(ws, seen)
        kind = session.choose_kind(KIND_CHOICES[kind_label], preset, seen)
        skip = st.session_state.get(f"choice_{fkey}") == SKIP
        prepared, error = None, None
        messages = st.container()  # filled after prepare(): the verdict, then the validation report and choice,
        report_box = st.container()  # above the mapping step
        mapping, changed = {}, {}
        if kind is not None:
            with st.expander("**Column mapping** · confirm or change where each field comes from", expanded=True):
                st.caption(f"Read as a **{ui.md_escape(seen.tool)}** file with {seen.header_rows} header row(s) and "
                           f"{len(seen.columns)} columns. * = required."
                           + (f" Using the saved preset “{ui.md_escape(preset['name'])}”"
                              + (" (amounts in cents)." if preset["settings"].get("amount_in_cents") else ".")
                              if preset else ""))
                mapping, changed = mapping_step(seen, kind, fkey, preset)
        options = session.options(preset, kind, mapping=changed, as_of=as_of, amount_in_cents=cents,
                                  skip_invalid=skip, answers=given_answers(fkey), today=ui.today())
        prefix = job_prefix(fkey, "prepare")
        job = run_job(prefix, unchanged_answers(prefix, options), f"Checking {upload.name}",
                      session.prepare_work(path, upload.name, options, path.parent))
        if job is None or ended(job, upload.name):
            return
        prepared, error = (job.result, None) if job.error is None else (None, job.error)
        with messages:
            if error is not None:
                st.error(f"**{ui.md_escape(upload.name)} was rejected; nothing was stored.**  \n{ui.md_escape(error)}",
                         icon=":material/block:")
                if isinstance(error, UnknownKindError):
                    st.info("Choose what is in the file above; then map its columns.")
                elif isinstance(error, MissingColumnError):
                    # the as-of date stands in for a survey's response date and (with tenure) a start date only
                    st.info("Choose the missing column in the mapping below"
                            + (" (or set the as-of date, right)." if error.field in AS_OF_FIELDS else "."))
                elif isinstance(error, NeedsAnswerError):
                    st.info("Answer the questions below; the file is read again with your answers.")
            else:
                st.success(f"**{ui.md_escape(upload.name)}** reads as **{KIND_LABELS[prepared.kind]}**: "
                           f"{ui.md_escape(prepared.summary)}.", icon=":material/check_circle:")
                if stored := session.already_stored(ws, prepared):
                    st.warning(session.already_stored_text(stored, prepared.kind) + " See the history below.")
                warnings = [*prepared.warnings, *filter(None, [session.before_shown(ws, prepared)])]
                if warnings:
                    st.warning("\n".join(f"- {ui.md_escape(w)}" for w in warnings), icon=":material/info:")
                if differs := session.read_otherwise(kind, mapping, prepared):
                    # the answers or the file's rules changed a column's role: the selectboxes below still show
                    # what was mapped ('Customer id = ID' beside answers stored as response numbers)
                    st.caption("Read otherwise than mapped below (by your answers or the rules above): "
                               + ui.md_escape(differs) + ".")
        report = prepared.report if prepared is not None else getattr(error, "report", None)
        questions = prepared.questions if prepared is not None else getattr(error, "asked", [])
        if questions:
            with report_box:
                ask(questions, fkey)
        if report is not None:
            with report_box:
                st.markdown(f"**Validation: {report.rejected_rows:,} of {plural(report.total_rows, 'row')} rejected**")
                if report.capped:
                    st.caption(f"The download holds the first {ingest.REJECTED_SHOWN:,} rows of each problem; the "
                               "counts cover every row.")
                st.dataframe(report.table(), hide_index=True, width="stretch")
                with st.container(horizontal=True, vertical_alignment="bottom"):
                    st.radio("What to do with this file", [REJECT, SKIP], key=f"choice_{fkey}", horizontal=True)
                    st.download_button("Download rejected rows (CSV)", report.rejected_csv(), key=f"rejected_{fkey}",
                                       file_name="rejected_rows.csv", mime="text/csv",
                                       help="Row numbers as in your file; cells that start like a formula are "
                                            "quoted so a spreadsheet shows them as text.")
        if prepared is not None:
            st.markdown("**First rows as they will be stored**")
            preview = prepared.preview(20)
            for col in preview.select_dtypes("datetime").columns:
                # as text: dates beside "—" in one column are not one Arrow type (Streamlit logged a traceback)
                preview[col] = preview[col].dt.strftime("%Y-%m-%d")
            # an empty cell is stored empty: shown as "—", not as the word None
            st.dataframe(preview.astype(object).where(preview.notna(), "—"), hide_index=True, width="stretch")
            with st.popover("Save this mapping as a preset"):
                name_key = f"preset_name_{fkey}"
                st.text_input("Preset name", key=name_key, value=(preset or {}).get("name", ""))
                settings = session.preset_settings(prepared, options.amount_in_cents)
                st.button("Save preset", key=f"save_preset_{fkey}", on_click=save_preset,
                          args=(seen.signature, prepared.kind, settings, name_key))
            adding = append_choice(prepared.kind, fkey)
            label = (f"Add as another {KIND_LABELS[prepared.kind]} source" if adding
                     else f"Store as the new {KIND_LABELS[prepared.kind]} version")
            if prepared.report:
                n = prepared.report.rejected_rows
                label += f" (skipping {n:,} row{'' if n == 1 else 's'})"
            choice = st.session_state.get("sample_choice") if ws.holds_sample() else OWN
            if choice == KEEP:
                st.info("Nothing is stored: the dashboard keeps showing the sample company. Change the answer above "
                        "to store this file as your own data.", icon=":material/info:")
            else:
                st.button(label, type="primary", key=f"store_{fkey}", on_click=store, disabled=choice is None,
                          args=(prepared, ws.current_versions().get(prepared.kind), fkey, all_keys, str(path),
                                drawn_with(fkey, questions, kind, report is not None)),
                          help="Answer the question about the sample company above first." if choice is None
                          else None)


def handle_all(files: list) -> None:
    known_sha = st.session_state.get("upload_sha", {})  # only the files in the uploader now
    st.session_state["upload_sha"] = {f.file_id: known_sha[f.file_id] for f in files if f.file_id in known_sha}
    first: dict[str, object] = {}  # each content once: a file's widgets and jobs are keyed by its content
    for f in files:
        first.setdefault(file_key(f), f)
    for f in files:
        if (kept := first[file_key(f)]) is not f:
            copy = ("was added again" if f.name == kept.name
                    else f"has the same content as **{ui.md_escape(kept.name)}**")
            st.info(f"**{ui.md_escape(f.name)}** {copy}: the content is read and stored once. Remove the copy from "
                    "the uploader with its ✕.", icon=":material/content_copy:")
    files = list(first.values())
    keys = list(first)
    if files and ui.workspace().holds_sample():
        sample_choice()
    if len(files) == 1:
        handle(files[0], keys)
    elif files:
        st.caption(f"{len(files)} files: each is checked and stored on its own tab, as its own version.")
        for tab, upload in zip(st.tabs([ui.md_escape(f.name) for f in files]), files, strict=True):
            with tab:
                handle(upload, keys)


handle_all(uploads or [])
# The page's globals outlive this run (its callbacks hold them, in Streamlit's widget state, until the session's
# next run): the files go from them, or a stored file's bytes would stay in memory (127 MB for 5M revenue lines).
del uploads


theme_editor.editor()
st.subheader("Upload history")
for key, show in (("history_done", st.success), ("history_error", st.error)):
    if key in st.session_state:
        show(st.session_state.pop(key))  # our own text: version numbers, no user input
ws = ui.workspace()
history = ws.history()
events = ws.snapshot_events()
if not events.empty:
    st.caption("Roll backs and sources: " + "; ".join(f"#{r.snapshot} {ui.md_escape(r.detail)}"
                                          for r in events.head(5).itertuples()))
live = history[history.status != "deleted"]
if not live.empty:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        labels = {int(r.version): f"v{r.version} · {KIND_LABELS[r.kind]} · {r.file_name} · "
                                  f"{r.uploaded_at:%Y-%m-%d %H:%M}"
                  for r in live.itertuples()}  # no status here: a kept selection would show a stale one
        st.selectbox("Version to roll back to or delete", list(labels), format_func=labels.get, key="history_version",
                     width=460)
        st.button("Roll back to this version", key="rollback", on_click=roll_back, args=("history_version",),
                  help="Makes this version the current data of its kind again, as a new data version (recorded).")
        chosen = labels.get(st.session_state.get("history_version"), "the chosen version")
        # Each asks once more, naming the version: a click on the wrong row would otherwise change the data at once.
        if any(len(v) > 1 for v in (ws.snapshot().sources if ws.snapshot() else {}).values()):
            with st.popover("Remove this source…"):
                st.markdown(f"Take **{ui.md_escape(chosen)}** out of the current data? A new data version without "
                            "it is made (recorded); the other files of its kind stay, and the earlier data version "
                            "stays choosable in the sidebar.")
                st.button("Remove this source", key="remove_source", on_click=remove_source,
                          args=("history_version",), type="primary")
        in_use = set(live.version[live.status == "in use"].astype(int))
        with st.popover("Delete this version…"):
            if st.session_state.get("history_version") in in_use:
                st.markdown(f"**{ui.md_escape(chosen)}** is in use by the current data, so it cannot be deleted: "
                            "roll back or upload a replacement first.")
            else:
                st.markdown(f"Delete the rows of **{ui.md_escape(chosen)}**? This cannot be undone. The data versions "
                            "that used it stay listed but empty; the history keeps the file's name, hash and counts.")
            st.button("Delete this version", key="delete_version", on_click=delete, args=("history_version",),
                      type="primary", disabled=st.session_state.get("history_version") in in_use)
ui.upload_history()
