#!/usr/bin/env bash
# Web tests: the unit tests (vitest), then the browser suite against a running Greenmarket.
#   GREENMARKET_URL        gateway to test (default http://127.0.0.1:8080)
#   CHROMIUM_PATH          browser (default /usr/bin/chromium; installed with apt-get when missing and root)
#   GREENMARKET_OPERATOR_EMAIL / GREENMARKET_OPERATOR_PASSWORD   operator console scenario
#   GREENMARKET_E2E_SKIP_UNIT=1   run only the browser suite
#   GREENMARKET_E2E_REQUIRED=1    a system that does not answer is a failure, not a skip (for CI)
#   GREENMARKET_USER_DATABASE_URL  user database for promoting the suite's operator (see e2e/operator.mjs)
#   GREENMARKET_E2E_STOP_WORKER / GREENMARKET_E2E_START_WORKER / GREENMARKET_E2E_WORKER_GROUP   see e2e/workers.mjs
# If the URL (or its API) does not answer, only the unit tests run (a failure with
# GREENMARKET_E2E_REQUIRED=1). The last line is "N passed, N failed" (unit + browser); the exit code
# is non-zero when anything failed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
URL=${GREENMARKET_URL:-http://127.0.0.1:8080}
export GREENMARKET_URL=$URL
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
export CHROMIUM_PATH=$CHROMIUM
mkdir -p test-results

if ! ./build.sh deps; then
  echo "web dependencies could not be installed (web/build.sh deps)"
  echo "0 passed, 1 failed"
  exit 1
fi

unit_passed=0
unit_failed=0
if [[ ${GREENMARKET_E2E_SKIP_UNIT:-0} != 1 ]]; then
  echo "== web unit tests (vitest)"
  npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/unit.json
  unit_rc=$?
  read -r unit_passed unit_failed < <(node -e '
    try {
      const r = require("./test-results/unit.json");
      console.log(r.numPassedTests, r.numFailedTests + (r.numTotalTestSuites && !r.success && !r.numFailedTests ? 1 : 0));
    } catch { console.log("0 1"); }')
  if [[ $unit_rc != 0 && $unit_failed == 0 ]]; then unit_failed=1; fi
  echo "unit: $unit_passed passed, $unit_failed failed"
fi

e2e_passed=0
e2e_failed=0
code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$URL/" 2>/dev/null || true)
api=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$URL/api/user/auth" 2>/dev/null || true)
if [[ -z $code || $code == 000 || ! $api =~ ^(200|401)$ ]]; then
  echo
  if [[ -z $code || $code == 000 ]]; then
    echo "== e2e: skipped — nothing answers at $URL."
  else
    echo "== e2e: skipped — $URL answers but its API does not (GET /api/user/auth → HTTP ${api:-none})."
  fi
  echo "   The browser suite needs a running system: start it (greenmarket up) and run web/e2e/run.sh again."
  if [[ ${GREENMARKET_E2E_REQUIRED:-0} == 1 ]]; then
    echo "   GREENMARKET_E2E_REQUIRED=1: counted as a failure."
    e2e_failed=1
  fi
else
  # Debian's chromium (never Playwright's own download), and a Korean font so screenshots are readable.
  missing=()
  [[ -x $CHROMIUM ]] || missing+=(chromium)
  command -v fc-list >/dev/null && [[ -z $(fc-list :lang=ko 2>/dev/null | head -n 1) ]] && missing+=(fonts-nanum)
  if [[ ${#missing[@]} -gt 0 && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "== installing ${missing[*]} (apt-get)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if [[ ! -x $CHROMIUM ]]; then
    echo "e2e: chromium not found at $CHROMIUM (apt-get install -y chromium)"
    e2e_failed=1
  else
    echo
    echo "== e2e against $URL"
    node e2e/marketplace.e2e.mjs 2>&1 | tee test-results/e2e.log
    line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' test-results/e2e.log | tail -n 1)
    if [[ -n $line ]]; then
      e2e_passed=$(sed -E 's/^e2e: ([0-9]+) passed.*/\1/' <<<"$line")
      e2e_failed=$(sed -E 's/^e2e: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
    else
      e2e_failed=1
    fi
  fi
fi

passed=$((unit_passed + e2e_passed))
failed=$((unit_failed + e2e_failed))
echo
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
