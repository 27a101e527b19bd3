"""moien — sovereign, multilingual (lb/fr/de/en) public-sector assistants on a locally hosted model.

This package is the namespace root: every import name lives under ``moien.``. The repository's top-level
folders are mapped under it (``assistants/`` → ``moien.assistants``, ``heritage/`` → ``moien.heritage``…; see
``setup.py``). Only :mod:`moien.lang`, the vocabulary every layer shares, lives here.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("moien")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
