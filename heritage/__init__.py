"""moien heritage: a Dublin Core / EDM record model, importers, enrichment with provenance, and search.

No UI and no language model live here: ``assistants/heritage`` answers visitors from these records and
``ui/kiosk_app.py`` / ``ui/staff_app.py`` show them.

* ``moien.heritage.model``   — records: source values (never overwritten) and enrichments beside them
* ``moien.heritage.store``   — the SQLite record store under ``$MOIEN_HOME/heritage`` (idempotent upserts)
* ``moien.heritage.importers`` — OAI-PMH, Dublin Core XML, EDM RDF/XML, LIDO, METS/MODS, CSV/JSON + mapping
* ``moien.heritage.enrich``  — languages, date intervals, keywords, authority links, links between records
* ``moien.heritage.index``   — the Haystack search pipeline: BM25 + multilingual embeddings, fused (RRF)
"""

VERSION = "0.1.0"
