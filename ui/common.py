"""What the Streamlit pages share: one core per server process."""

from __future__ import annotations

import os

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import streamlit as st

from moien.assistants.core.engine import Core


@st.cache_resource(show_spinner=False)
def get_core() -> Core:
    """One core (and so one model instance) per server process, shared by every browser session."""
    return Core()
