"""Who may see and change what: roles, the allow-list in secrets, and the pages and actions of each role.

Pure Python (no Streamlit): the app (gate.py) hands in the signed-in user's claims and the `[access]` section
of `.streamlit/secrets.toml`; everything here is decided from those alone, so it is unit-tested directly.

The allow-list (see .streamlit/secrets.example.toml):

    [access]
    admins   = ["ana@acme.com"]                 # manage access and board links, and everything analysts do
    analysts = ["bo@acme.com", "@data.acme.com"] # upload, map, roll back, delete versions, create board links
    viewers  = ["@acme.com"]                    # read the role pages
    [access.pages]                              # optional: a viewer sees only these pages (+ the Glossary)
    "cmo@acme.com" = ["cmo"]

An entry is an e-mail address or `@domain` (everyone whose address is at exactly that domain, not its
subdomains). An address listed by name wins over its domain; the same entry under two roles is a
configuration error (refused at start, never guessed). Addresses compare case-insensitively. A provider that
says the address is not verified (`email_verified = false`) gets no access: a domain rule must not admit an
address anyone could type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

ROLES = ("admin", "analyst", "viewer")  # most rights first
LIST_KEYS = {"admins": "admin", "analysts": "analyst", "viewers": "viewer"}

# Page ids, in navigation order (ui.NAV's URL paths; the default page "" is "ceo"), plus the admin page.
ROLE_PAGES = ("ceo", "cfo", "cmo", "cio", "service")
ALL_PAGES = (*ROLE_PAGES, "data", "glossary", "links")
PAGES = {
    "admin": frozenset(ALL_PAGES),
    "analyst": frozenset((*ROLE_PAGES, "data", "glossary")),
    "viewer": frozenset((*ROLE_PAGES, "glossary")),
}
ALWAYS = frozenset({"glossary"})  # definitions only, no data; every page links to it

ACTIONS = ("upload", "rollback", "delete", "preset_save", "themes_edit", "link_create", "link_revoke",
           "access_view")
CAN = {
    "admin": frozenset(ACTIONS),
    "analyst": frozenset({"upload", "rollback", "delete", "preset_save", "themes_edit", "link_create"}),
    "viewer": frozenset(),
}

_ADDRESS = re.compile(r"^[^@\s]+@([a-z0-9-]+(\.[a-z0-9-]+)+)$")
_DOMAIN = re.compile(r"^@([a-z0-9-]+(\.[a-z0-9-]+)+)$")


class AccessConfigError(ValueError):
    """The [access] section cannot be used as written; the message names the entry."""


@dataclass(frozen=True)
class User:
    """Who is using the app and what they may do. `email` is None only in local (no sign-in) mode."""

    email: str | None
    name: str
    role: str
    pages: frozenset[str] = field(default_factory=frozenset)
    local: bool = False

    def can(self, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        return action in CAN[self.role]

    def sees(self, page: str) -> bool:
        return page in self.pages

    @property
    def actor(self) -> str:
        """How writes record this user: the signed-in address, or 'local user' without sign-in."""
        return self.email or "local user"


LOCAL_USER = User(email=None, name="local user", role="admin", pages=PAGES["admin"] - {"links"}, local=True)


@dataclass(frozen=True)
class AccessList:
    rules: Mapping[str, str]                  # entry (address or @domain) -> role
    limits: Mapping[str, frozenset[str]]      # entry -> pages a viewer is limited to

    def rule_for(self, email: str) -> str | None:
        """The entry that decides for this address: the address itself, else its domain; None if neither."""
        address = normalise_address(email)
        if address is None:
            return None
        if address in self.rules:
            return address
        domain = "@" + address.rsplit("@", 1)[1]
        return domain if domain in self.rules else None

    def resolve(self, email: str | None, name: str | None = None, email_verified: object = None) -> User | None:
        """The user for these identity claims, or None when they are not on the list."""
        if email is None or email_verified is False or str(email_verified).lower() == "false":
            return None
        entry = self.rule_for(email)
        if entry is None:
            return None
        role = self.rules[entry]
        pages = PAGES[role]
        if role == "viewer":
            address = normalise_address(email)
            limit = self.limits.get(address) or self.limits.get("@" + address.rsplit("@", 1)[1])
            if limit is not None:
                pages = (pages & limit) | ALWAYS
        address = normalise_address(email)
        return User(email=address, name=(name or "").strip() or address, role=role, pages=frozenset(pages))

    def entries(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(entry, role, page limit) for the admin page, admins first."""
        order = {r: i for i, r in enumerate(ROLES)}
        return sorted(((e, r, tuple(p for p in ALL_PAGES if p in self.limits.get(e, ())))
                       for e, r in self.rules.items()), key=lambda t: (order[t[1]], t[0]))


def normalise_address(email: object) -> str | None:
    """Lower-cased, trimmed address with exactly one @ and a dotted domain; None for anything else."""
    text = str(email or "").strip().lower()
    return text if _ADDRESS.match(text) else None


def _entry(raw: object, where: str) -> str:
    text = str(raw).strip().lower()
    if "*" not in text and (_DOMAIN.match(text) or _ADDRESS.match(text)):  # '*@x' is no wildcard: '@x' is
        return text
    raise AccessConfigError(f"{where}: {str(raw)[:80]!r} is neither an e-mail address nor '@domain'")


def parse(section: Mapping | None) -> AccessList:
    """The allow-list from the secrets' [access] section (a mapping). Unknown keys, malformed entries, an
    entry under two roles or an unknown page name are refused with a message that names them."""
    section = dict(section or {})
    unknown = set(section) - set(LIST_KEYS) - {"pages"}
    if unknown:
        raise AccessConfigError(f"[access]: unknown key(s) {', '.join(sorted(map(str, unknown)))}; expected "
                                "admins, analysts, viewers, pages")
    rules: dict[str, str] = {}
    for key, role in LIST_KEYS.items():
        values = section.get(key, [])
        if isinstance(values, str) or not isinstance(values, (list, tuple)):
            raise AccessConfigError(f"[access] {key} must be a list of addresses, e.g. {key} = [\"a@b.com\"]")
        for raw in values:
            entry = _entry(raw, f"[access] {key}")
            if entry in rules and rules[entry] != role:
                raise AccessConfigError(f"[access]: {entry} is listed as both {rules[entry]} and {role}")
            rules[entry] = role
    limits: dict[str, frozenset[str]] = {}
    for raw, pages in dict(section.get("pages", {})).items():
        entry = _entry(raw, "[access.pages]")
        if isinstance(pages, str) or not isinstance(pages, (list, tuple)):
            raise AccessConfigError(f"[access.pages] {entry} must be a list of page names")
        names = {str(p).strip().lower() for p in pages}
        bad = names - set(ALL_PAGES)
        if bad:
            raise AccessConfigError(f"[access.pages] {entry}: unknown page(s) {', '.join(sorted(bad))}; pages are "
                                    + ", ".join(ALL_PAGES))
        limits[entry] = frozenset(names)
    return AccessList(rules, limits)


def page_id(url_path: str) -> str:
    """ui.NAV's URL path ('' for the default page) as a page id."""
    return url_path or "ceo"
