#!/usr/bin/env bash
# Runs a command with the local S3's settings in its environment, starting
# the S3 first (and stopping it after) only if it was not already running.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash local/install-deps.sh
started=0
if ! bash local/s3/rgw.sh status >/dev/null 2>&1; then bash local/s3/rgw.sh start; started=1; fi
trap '[ "$started" = 1 ] && bash local/s3/rgw.sh stop' EXIT
set -a
eval "$(bash local/s3/rgw.sh env)"
set +a
"$@"
