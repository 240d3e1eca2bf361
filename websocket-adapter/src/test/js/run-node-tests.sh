#!/bin/sh
# Runs the *.test.mjs files of a directory (default: this script's, the browser client's unit tests) with
# Node's built-in test runner. Called by Maven in the test phase of sessionfeed-websocket-adapter and
# sessionfeed-examples (exec-maven-plugin); skips with a message when Node is missing.
#   usage: run-node-tests.sh [directory]
set -eu
cd "${1:-$(dirname "$0")}"
if [ "${SKIP_TESTS:-false}" = "true" ] || [ "${MAVEN_TEST_SKIP:-false}" = "true" ]; then
  echo "[sessionfeed] JS tests in $(pwd) skipped (skipTests / maven.test.skip)"
  exit 0
fi
if ! command -v node >/dev/null 2>&1; then
  echo "[sessionfeed] WARNING: 'node' not found on PATH: SKIPPING the JS tests in $(pwd) (install Node.js 18+ to run them)"
  exit 0
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
  echo "[sessionfeed] WARNING: Node.js $(node --version) is older than 18 (no built-in test runner): SKIPPING the JS tests in $(pwd)"
  exit 0
fi
echo "[sessionfeed] JS tests in $(pwd) with Node.js $(node --version)"
exec node --test --test-reporter=spec ./*.test.mjs
