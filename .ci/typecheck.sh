#!/usr/bin/env bash
# mypy over the installed import names. Why a view: mypy names modules after the files it reads, and the folders
# (assistants/, heritage/…) are importable as moien.assistants, moien.heritage… only through the package map in
# setup.py, which mypy does not read. build/typecheck/moien/ holds one symbolic link per folder, so mypy sees the
# same names as Python does; its messages name files under that view, whose paths after moien/ are the real ones.
set -euo pipefail
cd "$(dirname "$0")/.."
MYPY=${MYPY:-.venv/bin/mypy}
PY=${PY:-.venv/bin/python}
view=build/typecheck
rm -rf "$view" && mkdir -p "$view/moien"
for f in moien/*.py; do ln -s "$PWD/$f" "$view/moien/$(basename "$f")"; done
for d in assistants curriculum_graph heritage documents connectors ui; do ln -s "$PWD/$d" "$view/moien/$d"; done
cd "$view"
exec "$PWD/../../$MYPY" --config-file ../../pyproject.toml --python-executable "$PWD/../../$PY" \
  --cache-dir ../.mypy_cache -p moien "$@"
