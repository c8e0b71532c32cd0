#!/usr/bin/env bash
# Regenerates fuzz/seeds/ and fuzz/keys/ from the RFC 7520 vectors.
exec python3 "$(dirname "$0")/seed.py" "$@"
