"""An administration's documents (domain code: no UI, no language model, no import of the assistant core).

Files and web pages become structured sections (``parsers``), sections become chunks that remember their heading,
page or article (``chunking``), chunks live in a collection with the groups that may read it (``store``), and a
hybrid search finds them for a caller's groups only (``search``). The ``general`` assistant and ``moien docs``
build on this package.
"""
