#!/usr/bin/env bash
# Builds Rasa's own Python environment, .rasa-venv (git-ignored): real Rasa Open Source 3.6.21 and rasa-sdk 3.6.2,
# for `moien rasa-actions` and the Rasa end-to-end tests (`make rasa` runs this; `make test` needs it).
#
# Why a second environment: Rasa 3.6 runs only on Python < 3.11 and pins pydantic 1, websockets, grpcio… to
# versions that conflict with moien's, so it cannot live in .venv. moien talks to it over HTTP only.
#
# Idempotent: a stamp holds the hash of the requirement and lock files; when they have not changed, a second run
# is instant. The first build downloads about 1 GB (TensorFlow) and takes a few minutes.
#
# Environment: RASA_VENV (default .rasa-venv), RASA_PYTHON (a Python 3.10 to use instead of looking for one).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${RASA_VENV:-.rasa-venv}
REQUIREMENTS=tests/rasa_project/requirements-rasa.txt
CONSTRAINTS=tests/rasa_project/constraints-rasa.txt
# Rasa 3.6's metadata predates newer pip's stricter resolver; this pip installs the lock without back-tracking.
PIP_VERSION=24.3.1
STAMP=$VENV/.moien-rasa-installed
export PIP_DISABLE_PIP_VERSION_CHECK=1
export RASA_TELEMETRY_ENABLED=false

want=$(cat "$0" "$REQUIREMENTS" "$CONSTRAINTS" | sha256sum | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "==> Rasa environment is up to date ($VENV)"
  exit 0
fi

is_python310() { [ -x "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

find_python310() {
  if [ -n "${RASA_PYTHON:-}" ]; then
    is_python310 "$RASA_PYTHON" && { echo "$RASA_PYTHON"; return 0; }
    echo "RASA_PYTHON=$RASA_PYTHON is not a Python 3.10 interpreter" >&2
    return 1
  fi
  local root candidate
  if command -v pyenv >/dev/null 2>&1; then root=$(pyenv root); else root=${PYENV_ROOT:-$HOME/.pyenv}; fi
  # pyenv's 3.10 builds, newest first (3.10.13 on moien's CI machines).
  for candidate in $(ls -d "$root"/versions/3.10.* 2>/dev/null | sort -V -r); do
    is_python310 "$candidate/bin/python" && { echo "$candidate/bin/python"; return 0; }
  done
  for candidate in python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    candidate=$(command -v "$candidate" 2>/dev/null || true)
    [ -n "$candidate" ] && is_python310 "$candidate" && { echo "$candidate"; return 0; }
  done
  return 1
}

# An environment that is not Python 3.10 (or is broken) is rebuilt from scratch; a 3.10 one is updated in place.
if [ -e "$VENV" ] && ! is_python310 "$VENV/bin/python"; then
  echo "==> $VENV is not a working Python 3.10 environment: rebuilding it"
  rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
  if ! PYTHON=$(find_python310); then
    cat >&2 <<'EOF'
Rasa Open Source 3.6.21 needs Python 3.10, and none was found (looked in pyenv's versions/3.10.* and for python3.10).
Install one, then run `make rasa` again:
  pyenv install 3.10.13          # with pyenv
  apt-get install python3.10-venv  # or your system's package
or point RASA_PYTHON at a Python 3.10 interpreter.
EOF
    exit 1
  fi
  echo "==> Creating $VENV with $PYTHON ($("$PYTHON" --version 2>&1))"
  "$PYTHON" -m venv "$VENV"
fi

echo "==> Installing pip $PIP_VERSION in $VENV"
"$VENV/bin/python" -m pip install --quiet "pip==$PIP_VERSION"
echo "==> Installing Rasa Open Source and rasa-sdk, pinned ($REQUIREMENTS, $CONSTRAINTS); the first time about 1 GB"
"$VENV/bin/python" -m pip install --progress-bar on -c "$CONSTRAINTS" -r "$REQUIREMENTS"
"$VENV/bin/python" -c 'import rasa, rasa_sdk; print(f"==> Rasa {rasa.__version__}, rasa-sdk {rasa_sdk.__version__} ready")'
echo "$want" > "$STAMP"
