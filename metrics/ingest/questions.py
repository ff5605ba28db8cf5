"""Questions ingest asks the analyst instead of guessing: one mechanism for every kind of doubt.

When a column's meaning cannot be read from the file with certainty (its score scale, which status values mean
"churned", the unit of a tenure column, the encoding, which sheet, whether the first row is a header …), a step
asks a `Question`: a stable key, the prompt, the allowed answers with labels, a proposal drawn from the evidence
and the evidence itself (counts per value, ranges, a preview). The analyst's answers arrive in
`Options.answers` (Data page widgets, `metrics.load --answer KEY=VALUE`, or a saved preset) and always win.

Two strengths of doubt:
- `must_confirm=False`: the proposal is used unless the analyst answers otherwise; it is shown beside the
  preview and stated in the warnings, so nothing is decided out of sight (e.g. the encoding, missing tokens).
- `must_confirm=True`: no figure may come from the file until the analyst answers (e.g. a 1–5 column uploaded as
  NPS, status words never seen before). prepare() runs every step it can, then raises `NeedsAnswerError`
  carrying every question asked, so all of them are shown at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from metrics.errors import InvalidOptionError, NeedsAnswerError

Answer = str | list[str]


@dataclass(frozen=True)
class Question:
    key: str                              # stable id, e.g. "scale:Score", "churned_values:Status", "encoding"
    prompt: str                           # plain text (never Markdown): what the analyst is asked
    choices: tuple[str, ...]              # allowed answers (codes)
    labels: dict[str, str] = field(default_factory=dict)  # code -> words shown for it
    proposal: Answer | None = None        # the answer the evidence points to (None: no safe proposal)
    detail: str = ""                      # the evidence, plain text: counts per value, range, preview
    multi: bool = False                   # the answer is a subset of `choices` (a list)
    must_confirm: bool = False            # True: nothing is stored or computed until the analyst answers

    def label(self, code: str) -> str:
        return self.labels.get(code, code)

    def code_for(self, typed: str) -> str:
        """The code an answer typed as words stands for: a choice's label, or its label's first words (up to ' (' or
        ': ', e.g. 'MM/DD/YYYY' for '%m/%d/%Y'), compared without case; `typed` itself when none or several fit."""
        def short(label: str) -> set[str]:
            return {label.casefold(), label.split(" (")[0].casefold(), label.split(": ")[0].casefold()}
        fits = [c for c in self.choices if typed.strip().casefold() in short(self.label(c))]
        return fits[0] if len(fits) == 1 else typed

    def describe(self, answer: Answer | None) -> str:
        if answer is None:
            return "not answered"
        if isinstance(answer, list):
            return ", ".join(self.label(a) for a in answer) or "none"
        return self.label(answer)


class Questions:
    """The questions one upload asked, and the answers in force (the analyst's, else the proposals)."""

    def __init__(self, answers: dict[str, Answer] | None = None):
        # None is no answer (the question stays open, so settle() still refuses); anything but text or a list of
        # text is refused here, by its key, rather than failing deep in a check
        self.answers: dict[str, Answer] = {k: v for k, v in (answers or {}).items() if v is not None}
        for key, value in self.answers.items():
            if not (isinstance(value, str) or isinstance(value, list) and all(isinstance(p, str) for p in value)):
                raise InvalidOptionError(f"The answer to '{key}' must be text or a list of texts, not {value!r}.")
        self.asked: list[Question] = []

    def ask(self, question: Question) -> Answer | None:
        """Record the question; return the analyst's answer, else the proposal (None while it must be confirmed
        and is unanswered: the caller carries on without that figure and settle() refuses at the end)."""
        self.asked = [q for q in self.asked if q.key != question.key] + [question]
        given = self.answers.get(question.key)
        if given is None:
            return None if question.must_confirm else question.proposal
        parts = given if isinstance(given, list) else [given]
        if question.multi and not isinstance(given, list):
            parts = [p for p in given.split(",") if p]  # from the command line: comma-separated
            given = self.answers[question.key] = parts
        if any(p not in question.choices for p in parts):  # typed as its words ("MM/DD/YYYY"), not its code
            parts = [question.code_for(p) for p in parts]
            given = self.answers[question.key] = parts if isinstance(given, list) else parts[0]
        bad = [p for p in parts if p not in question.choices]
        if bad or (not question.multi and len(parts) != 1):
            raise InvalidOptionError(
                f"{bad[0] if bad else given!r} is not an answer to “{question.prompt}”; choose "
                + ("any of" if question.multi else "one of") + ": "
                + ", ".join(c if question.label(c) == c else f"{c} ({question.label(c).split(': ')[0].split(' (')[0]})"
                            for c in question.choices) + ".")
        return given

    def effective(self) -> dict[str, Answer]:
        """key -> the answer used for every question asked (for presets and the stored mapping text)."""
        out = {}
        for q in self.asked:
            answer = self.answers.get(q.key, None if q.must_confirm else q.proposal)
            if answer is not None:
                out[q.key] = answer
        return out

    def unanswered(self) -> list[Question]:
        return [q for q in self.asked if q.must_confirm and q.key not in self.answers]

    def settle(self) -> None:
        """Refuse (NeedsAnswerError, every question attached) while a must-confirm question is unanswered."""
        if missing := self.unanswered():
            raise NeedsAnswerError(missing, list(self.asked))
