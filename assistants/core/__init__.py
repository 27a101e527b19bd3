"""The shared assistant core: every message passes through it, whatever the channel or the assistant.

Plugins build on ``assistant`` (the contract), ``types`` (what flows through a turn) and ``plugins`` (the hooks);
channels on ``engine.Core``. The core never imports an assistant or a domain package.
"""
