"""moien heritage: a Dublin Core / EDM record model, importers, enrichment with provenance, and search.

No UI and no language model live here: ``assistants/heritage`` answers visitors from these records and
``ui/kiosk_app.py`` / ``ui/staff_app.py`` show them.

* ``moien.heritage.model``   — records: source values (never overwritten) and enrichments beside them
* ``moien.heritage.store``   — the SQLite record store under ``$MOIEN_HOME/heritage`` (idempotent upserts)
* ``moien.heritage.importers`` — OAI-PMH, Dublin Core XML, EDM RDF/XML, LIDO, METS/MODS, CSV/JSON + mapping
* ``moien.heritage.enrich``  — languages, date intervals, keywords, authority links, links between records
* ``moien.heritage.search``  — the Haystack search pipeline: BM25 + multilingual embeddings, fused (RRF), on an
  index on disk (``search.embedded``) or an OpenSearch server (``search.opensearch``)

The package stands on its own: it never imports the assistant core. Settings arrive as values
(``search.SearchConfig``, an authority table's path) and the language identifier as a callable
(``enrich.LanguageDetector``), passed in by ``assistants/heritage`` and the apps.
"""

VERSION = "0.1.0"
