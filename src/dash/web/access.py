"""Who may see the data: anyone, holders of a shared password, or viewers logged in by OIDC.

Set in Streamlit secrets (``.streamlit/secrets.toml``, or the Secrets box on Community Cloud):

- nothing: the instance is open to whoever can reach it;
- ``[access]`` ``password = "…"``: one shared password, asked once per browser session;
- an ``[auth]`` section: Streamlit's OpenID Connect login (``st.login``; needs Authlib).

The password sits in a section, not at the top level, because Streamlit copies top-level secrets
into environment variables. ``web.layout.page_header`` calls ``require`` before anything reads the
database, so no page, sidebar choice or download exists for a viewer who has not passed.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

SECTION = "access"
GRANTED = "_access_granted"
REFUSED = "_access_refused"
FORM = "access_form"
FIELD = "access_password"


def _secrets() -> Mapping[str, Any] | None:
    """The app's secrets; {} when there are none; None when a secrets file exists but is broken."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except FileNotFoundError:  # Streamlit's "no secrets found" and "cannot parse" both land here
        files = st.get_option("secrets.files") or []
        return None if any(Path(f).is_file() for f in files) else {}


def mode() -> str:
    """'open', 'password', 'login' (OIDC), or 'broken' (secrets unreadable: fail closed)."""
    secrets = _secrets()
    if secrets is None:
        return "broken"
    if "auth" in secrets:
        return "login"
    section = secrets.get(SECTION)
    if isinstance(section, Mapping) and section.get("password"):
        return "password"
    return "open"


def require() -> None:
    """Stop the page here, before any data is read, unless this viewer may see the data."""
    how = mode()
    if how == "open":
        return
    if how == "broken":
        st.error(
            "The app's secrets file cannot be read, so access control cannot be checked: no data "
            "is shown until the administrator fixes `.streamlit/secrets.toml`."
        )
        st.stop()
    if how == "login":
        _require_login()
    else:
        _require_password(str(st.secrets[SECTION]["password"]))


def _providers() -> list[str | None]:
    auth = st.secrets["auth"]
    named = [name for name, value in auth.items() if isinstance(value, Mapping)]
    return named or [None]  # [auth] alone is one provider; [auth.name] sections are several


def _require_login() -> None:
    if st.user.get("is_logged_in"):
        st.sidebar.button("Log out", on_click=st.logout, key="access_logout")
        return
    st.info("This dashboard is private: log in to see it.", icon="🔒")
    for provider in _providers():
        st.button(
            f"Log in with {provider}" if provider else "Log in",
            on_click=st.login,
            args=(provider,),
            type="primary",
            key=f"access_login_{provider or 'default'}",
        )
    st.stop()


def _require_password(expected: str) -> None:
    if st.session_state.get(GRANTED):
        return
    if st.session_state.pop(REFUSED, False):
        st.error("Wrong password: the data stays hidden until the right one is entered.")
    # What was typed leaves the session (pop) and the browser (clear_on_submit) at once.
    with st.form(FORM, clear_on_submit=True):
        st.markdown("This dashboard is private. Enter the password you were given.")
        st.text_input("Password", type="password", key=FIELD)
        submitted = st.form_submit_button("Enter", type="primary")
    if submitted:
        given = str(st.session_state.pop(FIELD, ""))
        granted = hmac.compare_digest(given.encode(), expected.encode())
        st.session_state[GRANTED if granted else REFUSED] = True
        st.rerun()
    st.stop()
