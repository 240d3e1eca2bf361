#!/bin/sh
# Type-checks the browser client's and the React hooks' TypeScript declarations: packs the client's npm package
# (websocket-adapter/.../META-INF/resources/sessionfeed: package.json, client.js, client.d.ts) with `npm pack`,
# installs the tarball and TypeScript into a work directory under target/, and runs `tsc --noEmit` over
# usage.ts. Called by Maven in sessionfeed-examples' test phase; skips with a message when Node.js or npm is
# missing; honours -DskipTests / -Dmaven.test.skip.
#   usage: check-types.sh <work directory>
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$1
pkg=$(cd "$here/../../../../websocket-adapter/src/main/resources/META-INF/resources/sessionfeed" && pwd)
typescript=7.0.2
if [ "${SKIP_TESTS:-false}" = "true" ] || [ "${MAVEN_TEST_SKIP:-false}" = "true" ]; then
  echo "[sessionfeed] TypeScript check skipped (skipTests / maven.test.skip)"
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "[sessionfeed] WARNING: 'node' or 'npm' not found on PATH: SKIPPING the TypeScript check (install Node.js 18+ and npm)"
  exit 0
fi
rm -rf "$work/react" "$work/usage.ts" "$work"/*.tgz
mkdir -p "$work/react"
cd "$work"
tarball=$(npm pack "$pkg" --pack-destination "$work" --silent | tail -n 1)
cp "$here/usage.ts" "$here/tsconfig.json" "$work/"
cp "$here/../../main/resources/react/useChatWebSocket.d.ts" "$work/react/"
cp "$pkg/client.d.ts" "$work/react/client.d.ts"
cat > package.json <<JSON
{ "name": "sessionfeed-ts-check", "private": true, "type": "module",
  "devDependencies": { "typescript": "$typescript", "@sessionfeed/client": "file:./$tarball" } }
JSON
# The client package is reinstalled from the fresh tarball every time; TypeScript comes from npm's cache when it has it.
rm -rf node_modules/@sessionfeed package-lock.json
npm install --prefer-offline --no-audit --no-fund --loglevel=error
echo "[sessionfeed] tsc --noEmit with TypeScript $(npx --no-install tsc --version) over usage.ts (client from $tarball)"
npx --no-install tsc -p tsconfig.json
echo "[sessionfeed] TypeScript check passed"
