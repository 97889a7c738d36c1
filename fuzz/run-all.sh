#!/usr/bin/env bash
# Runs each fuzz target for $1 seconds, one after the other, on a scratch
# corpus seeded from corpus/<target>; the libFuzzer log goes to scratch/<target>.log.
set -u
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
for t in ${@:-spec_load wire_decode extack dynamic_json}; do
  mkdir -p scratch/$t
  RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run -O -a -s none "$t" scratch/$t corpus/$t -- \
    -max_total_time="$secs" -print_final_stats=1 > scratch/$t.log 2>&1
  echo "$t exit $?" >> scratch/status
done
