"""User text (file names, column and segment names, cell values) made safe to place inside Streamlit Markdown.

Streamlit renders Markdown with GitHub extensions plus its own: `:material/icon:` and emoji shortcodes,
`:red[text]` directives, `$…$` LaTeX, bare-URL and e-mail autolinks. A file named
`**[x](https://…)** :material/warning:` or a segment named `![b](http://host/beacon.png)` must show as those
characters, not as a link, an image that calls a server, or an icon. Pure Python: no Streamlit here.

How (each rule checked in chromium against Streamlit 1.67's renderer):
- a backslash before every character that starts Markdown, HTML, LaTeX or Streamlit syntax anywhere in a
  line: \\ ` * _ { } [ ] ( ) # + ! | < > ~ $ & (links and images need [ ] ( ) !, autolinks and HTML <,
  entities &, LaTeX $, directives such as :red[…] [ ]); CommonMark shows an escaped character literally;
- a backslash before - = and "1." / "1)" where they start a line (lists, rules, setext headings), so dates
  and ranges elsewhere stay as they are;
- an invisible word joiner (U+2060) inside the patterns that Streamlit's plugins find in the *parsed* text,
  after escapes are resolved, where a backslash cannot help: bare URLs (`https://`, `www.`), e-mail
  addresses (`@`), `:shortcodes:` and `:material/icons:` (after a colon followed by a letter), and ` -- `
  (typeset as an em dash). The text reads the same;
- invisible characters that can disguise text (bidi overrides as in "Trojan Source", zero-width characters,
  other control characters) are shown as `[U+202E]`, so a reader sees that they are there.
"""

from __future__ import annotations

import re
import unicodedata

WORD_JOINER = "\u2060"
_PARSED_PATTERNS = re.compile(r"(?<=:)(?=[A-Za-z_+/-]|\d+:)|(?<=@)|(?<=www)(?=\.)|(?<=-)(?=-)", re.IGNORECASE)
_ANYWHERE = re.compile(r"([\\`*_{}\[\]()#+!|<>~$&])")
_LINE_START = re.compile(r"^([ \t]*)([-=]|\d+[.)])", re.MULTILINE)


def _visible(ch: str) -> str:
    """Tabs become spaces; line breaks stay; other control and format characters are named."""
    if ch == "\t":
        return " "
    if ch in "\n":
        return ch
    if ch == "\r":
        return ""
    if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
        return f"[U+{ord(ch):04X}]"
    return ch


def md_escape(text: object) -> str:
    """`text` as Streamlit Markdown that renders exactly these characters (see the module docstring)."""
    shown = _PARSED_PATTERNS.sub(WORD_JOINER, "".join(_visible(ch) for ch in str(text)))
    escaped = _ANYWHERE.sub(r"\\\1", shown)
    return _LINE_START.sub(lambda m: m.group(1) + (("\\" + m.group(2)) if m.group(2) in "-=" else
                                                   m.group(2)[:-1] + "\\" + m.group(2)[-1]), escaped)
