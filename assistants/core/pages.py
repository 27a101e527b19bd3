"""Starting a Streamlit page of ``moien.ui`` as a server process: one recipe for every command that serves one.

``moien serve`` (the teacher app) and the heritage plugin's ``moien heritage kiosk|staff`` use it. The page is
named by file, not imported, so the core stays free of the ``ui`` package.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: The folder of the pages (``ui/`` in a checkout, ``moien/ui`` in a wheel): a sibling of the assistants package.
PAGES = Path(__file__).resolve().parents[2] / "ui"


def page_command(page: str, host: str, port: int) -> list[str]:
    """The command that serves ``ui/<page>`` on ``host:port``: headless, no usage statistics, no developer menu —
    what a teacher, a visitor or a curator should see (the browser tests start pages with it too)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PAGES / page),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]


def run_page(page: str, host: str, port: int, extra_env: dict[str, str] | None = None) -> int:
    """Serve ``ui/<page>`` on ``host:port`` until it stops; returns Streamlit's exit code."""
    env = {**os.environ, "HAYSTACK_TELEMETRY_ENABLED": "False", **(extra_env or {})}
    return subprocess.call(page_command(page, host, port), env=env)
