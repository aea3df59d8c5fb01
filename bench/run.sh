#!/bin/sh
# The benchmark in one command; see bench/README.md. Runs with caredesk's virtualenv.
cd "$(dirname "$0")/.." || exit 1
exec "${CAREDESK_PYTHON:-.venv/bin/python}" bench/run.py "$@"
