#!/usr/bin/env bash
# The long reliability runs: a sync process SIGKILLed 50 times over a 300-order backlog, and a
# fault soak of 500 orders and 200 shipments with seeded faults on both emulators.
#
#     .venv/bin/pytest tests/reliability -m slow -s -q
#
# is the whole command; this script runs it from the repository root, keeps the full output in
# $RELIABILITY_LOG (default: desktop-sync-reliability.log in the temp folder; the emulators
# print a trace for each connection a killed child leaves half-open) and ends with the
# figures each run printed: trials, kills, faults injected, orders, shipments, duplicates and
# losses. Takes 10-20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
log="${RELIABILITY_LOG:-${TMPDIR:-/tmp}/desktop-sync-reliability.log}"
status=0
QT_QPA_PLATFORM=offscreen .venv/bin/pytest tests/reliability -m slow -s -q -p no:cacheprovider \
  "$@" >"$log" 2>&1 || status=$?
echo "== figures (full output in $log) =="
grep -E '^(crash|soak|two instances):' "$log" || true
tail -n 1 "$log"
exit "$status"
