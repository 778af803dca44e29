#!/usr/bin/env bash
# Runs the whole test suite on every other supported Node line (the current one runs it in `npm test`),
# with Node taken from the npm registry: `npx -y -p node@<line>`. Prints the version really used, and
# fails if it is not the line asked for. Lines older than supported (18, 20.18) must be refused by the
# launcher. Usage: scripts/test-node-lines.sh [line ...] (default: 22 24)
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

# Lines older than engines (>=20.19): the launcher refuses them in one line and exit 2, before loading anything.
for line in 18 20.18; do
  echo "=== Node ${line}: npm run quickstart is refused ==="
  set +e
  output=$(npx -y -p "node@${line}" -c "node scripts/launch.mjs scripts/quickstart.ts --list" 2>&1)
  code=$?
  set -e
  echo "$output"
  if [ "$code" -eq 2 ] && [ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ] &&
    printf '%s' "$output" | grep -q "needs Node.js 20.19 or later (found ${line}\."; then
    echo "=== Node ${line}: refused as expected (exit 2, one line) ==="
  else
    echo "=== Node ${line}: expected one line and exit 2, got exit ${code} ===" >&2
    status=1
  fi
done

lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(22 24)
for line in "${lines[@]}"; do
  echo "=== Node ${line}: npx -y -p node@${line} ==="
  start=$(date +%s)
  # One shell under npx, so `node` below is the same binary for the check and for the tests.
  if npx -y -p "node@${line}" -c "set -e
      version=\$(node --version)
      echo \"node --version: \$version (\$(command -v node))\"
      case \"\$version\" in v${line}.*) ;; *) echo \"expected Node ${line}, got \$version\" >&2; exit 3;; esac
      node node_modules/vitest/vitest.mjs run"; then
    echo "=== Node ${line}: passed in $(( $(date +%s) - start )) s ==="
  else
    echo "=== Node ${line}: FAILED after $(( $(date +%s) - start )) s ===" >&2
    status=1
  fi
done
exit $status
