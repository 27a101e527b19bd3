"""moien's Rasa custom actions, run by a real rasa-sdk action server (``moien rasa-actions``).

This folder is put on ``PYTHONPATH`` of the Rasa virtual environment (Python 3.10), and rasa-sdk loads
``moien_rasa_actions`` from it as a top-level module. It is a package only so that it ships inside moien's wheel;
moien itself never imports it (rasa-sdk cannot be installed beside moien: its pins conflict with moien's).
"""

from pathlib import Path

#: The folder ``moien rasa-actions`` puts on the action server's ``PYTHONPATH``.
FOLDER = Path(__file__).resolve().parent
#: The module rasa-sdk loads (``python -m rasa_sdk --actions moien_rasa_actions``).
MODULE = "moien_rasa_actions"
