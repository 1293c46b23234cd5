#!/usr/bin/env bash
# `npm test`: installs what a fresh machine lacks, builds, starts the local S3
# (unless one is already running, e.g. under `npm start`), runs every suite and
# stops only what it started. Each runner prints its own summary.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob

bash local/install-deps.sh
npm run --silent build:worker
npm run --silent build:amd

started_s3=0
cleanup() { if [ "$started_s3" = 1 ]; then bash local/s3/rgw.sh stop; fi; }
trap cleanup EXIT
if ! bash local/s3/rgw.sh status >/dev/null 2>&1; then
  bash local/s3/rgw.sh start
  started_s3=1
fi
set -a
eval "$(bash local/s3/rgw.sh env)"
set +a

status=0
echo "== typecheck"
npm run --silent typecheck || status=1
echo "== PHPUnit (Moodle shell classes)"
phpunit -c test/php/phpunit.xml || status=1
echo "== node:test (edge, local stack, contract, end to end)"
node --import tsx --test --test-reporter=spec --test-concurrency=2 test/**/*.test.ts || status=1
echo "== @web/test-runner (components in Chromium)"
wtr_log=$(mktemp)
npx wtr --config test/components/web-test-runner.config.mjs 2>&1 | tee "$wtr_log" || status=1
# wtr's own count sits inside a progress bar; repeat it as a plain closing line.
summary=$(grep -o '[0-9]* passed, [0-9]* failed' "$wtr_log" | tail -1 || true)
rm -f "$wtr_log"
echo "components: ${summary:-no summary from wtr}"
[ -n "$summary" ] || status=1
exit $status
