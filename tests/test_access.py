"""Roles and the allow-list (access.py): who gets which role, which pages and which actions."""

from __future__ import annotations

import pytest

import access
from access import AccessConfigError, parse

SECTION = {
    "admins": ["Ana@Acme.com"],
    "analysts": ["bo@acme.com", "@data.acme.com"],
    "viewers": ["@acme.com", "cmo@acme.com", "board@partner.org"],
    "pages": {"cmo@acme.com": ["cmo"], "@partner.org": ["ceo", "cfo"]},
}
ACL = parse(SECTION)


@pytest.mark.parametrize("email, role", [
    ("ana@acme.com", "admin"),
    ("  ANA@ACME.COM ", "admin"),          # case and spaces do not matter
    ("bo@acme.com", "analyst"),           # the address wins over its domain (@acme.com: viewer)
    ("cy@data.acme.com", "analyst"),
    ("dee@acme.com", "viewer"),
    ("board@partner.org", "viewer"),
])
def test_roles_come_from_the_address_then_its_domain(email, role):
    assert ACL.resolve(email).role == role


@pytest.mark.parametrize("email", [
    "eve@evil.com", "eve@acme.com.evil.com", "eve@evilacme.com", "eve@sub.acme.com",  # not the domain itself
    "ana@acme.com@evil.com", "@acme.com", "acme.com", "", None, "ana@acme", "a b@acme.com",
    "other@partner.org",  # only board@ is listed there; a page limit is not an admission
])
def test_everyone_else_is_not_on_the_list(email):
    assert ACL.resolve(email) is None


def test_an_unverified_address_gets_nothing():
    assert ACL.resolve("ana@acme.com", email_verified=False) is None
    assert ACL.resolve("ana@acme.com", email_verified="false") is None
    assert ACL.resolve("ana@acme.com", email_verified=True).role == "admin"


def test_pages_per_role_and_viewer_limits():
    assert ACL.resolve("ana@acme.com").pages == set(access.ALL_PAGES)
    assert ACL.resolve("bo@acme.com").pages == {"ceo", "cfo", "cmo", "cio", "service", "data", "glossary"}
    assert ACL.resolve("dee@acme.com").pages == {"ceo", "cfo", "cmo", "cio", "service", "glossary"}
    assert ACL.resolve("cmo@acme.com").pages == {"cmo", "glossary"}  # the Glossary is always there
    assert ACL.resolve("board@partner.org").pages == {"ceo", "cfo", "glossary"}  # a limit by domain


def test_a_page_limit_never_widens_a_viewer():
    acl = parse({"viewers": ["v@acme.com"], "pages": {"v@acme.com": ["cmo", "data", "links"]}})
    assert acl.resolve("v@acme.com").pages == {"cmo", "glossary"}


def test_actions_per_role():
    admin, analyst, viewer = (ACL.resolve(e) for e in ("ana@acme.com", "bo@acme.com", "dee@acme.com"))
    assert all(admin.can(a) for a in access.ACTIONS)
    assert [a for a in access.ACTIONS if analyst.can(a)] == ["upload", "rollback", "delete", "preset_save",
                                                              "themes_edit", "link_create"]
    assert not any(viewer.can(a) for a in access.ACTIONS)
    with pytest.raises(ValueError):
        viewer.can("everything")


def test_local_user_is_a_single_admin_without_the_links_page():
    user = access.LOCAL_USER
    assert user.local and user.actor == "local user" and user.can("upload")
    assert "links" not in user.pages and "data" in user.pages


def test_names_and_actor():
    user = ACL.resolve("Ana@Acme.com", name="  Ana Lyst ")
    assert (user.name, user.actor) == ("Ana Lyst", "ana@acme.com")
    assert ACL.resolve("dee@acme.com", name=None).name == "dee@acme.com"


@pytest.mark.parametrize("section, words", [
    ({"admins": "ana@acme.com"}, "must be a list"),
    ({"admins": ["ana@acme.com"], "viewers": ["ANA@acme.com"]}, "both admin and viewer"),
    ({"viewers": ["acme.com"]}, "neither an e-mail address nor '@domain'"),
    ({"viewers": ["@acme"]}, "neither"),
    ({"viewers": ["*@acme.com"]}, "neither"),
    ({"owners": ["a@b.com"]}, "unknown key(s) owners"),
    ({"viewers": ["a@b.com"], "pages": {"a@b.com": ["cmo", "secret"]}}, "unknown page(s) secret"),
    ({"viewers": ["a@b.com"], "pages": {"a@b.com": "cmo"}}, "list of page names"),
])
def test_configuration_errors_name_the_entry(section, words):
    with pytest.raises(AccessConfigError, match=None) as err:
        parse(section)
    assert words in str(err.value)


def test_empty_section_admits_nobody():
    assert parse(None).resolve("ana@acme.com") is None
    assert parse({}).entries() == []


def test_entries_for_the_admin_page():
    assert ACL.entries()[0] == ("ana@acme.com", "admin", ())
    assert ("cmo@acme.com", "viewer", ("cmo",)) in ACL.entries()


def test_page_ids_follow_ui_nav():
    import ui

    unknown = {access.page_id(url) for *_rest, url in ui.NAV} - set(access.ALL_PAGES)
    assert not unknown, f"add the new page(s) {unknown} to access.PAGES, or no role will see them"
