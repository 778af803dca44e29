#!/usr/bin/env bash
# npm audit of what users install (production dependencies), failing on high or critical advisories.
# Some registries (mirrors, proxies) do not serve npm's audit endpoint: then this says so loudly and
# exits 0, because nothing was learned either way. It never reports a refused audit as a passed one.
set -uo pipefail
cd "$(dirname "$0")/.."
output=$(npm audit --omit=dev --audit-level=high 2>&1)
status=$?
printf '%s\n' "$output" | grep -v 'Unknown user config'
if [ $status -ne 0 ] && printf '%s' "$output" | grep -q 'audit endpoint returned an error'; then
  echo "npm audit: SKIPPED, NOT PASSED: the registry ($(npm config get registry 2>/dev/null)) refused the audit request." >&2
  echo "Run 'npm audit --omit=dev --audit-level=high' where the public npm registry is reachable." >&2
  exit 0
fi
exit $status
