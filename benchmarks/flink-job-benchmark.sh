#!/bin/bash
# Runs FlinkJobBenchmark case by case (job x store), Aloft and Flink's ForSt back to back in each JMH run
# so that load changes hit both, and records the load average every 30 s beside each log.
#
# Flink's ForSt (forstjni) leaves non-daemon native threads behind: a JMH fork running it never exits,
# even when JMH forces it. This script kills such a fork 15 s after it reported its last iteration (its
# pid is in the FLINK-JOB line each iteration prints); JMH then reports "VM prematurely exited" for it,
# and the numbers are the iteration lines.
#
# Usage: benchmarks/flink-job-benchmark.sh OUTPUT_DIR [CASE...]   (cases: keyed-local sql-local
# failover-local keyed-remote sql-remote failover-remote; default: all). Build the jar first:
#   ./mvnw -B -pl benchmarks -am package -DskipTests
set -u
out=${1:?output directory}; shift
cases=${*:-keyed-local sql-local failover-local keyed-remote sql-remote failover-remote}
jar=$(dirname "$0")/target/benchmarks.jar
mkdir -p "$out"

watch_forks() { # LOG JMH_PID: kill each fork 15 s after the score line of its last iteration
  local log=$1 pid=$2; declare -A seen
  while kill -0 "$pid" 2>/dev/null; do
    for fork in $(awk '/^Iteration +3:/ { last = 1; match($0, /pid=[0-9]+/); p = substr($0, RSTART + 4, RLENGTH - 4); next }
                       /^Iteration/ { last = 0 }
                       /^[0-9.]+ ms\/op$/ { if (last && p != "") print p; last = 0 }' "$log"); do
      if [ -z "${seen[$fork]:-}" ]; then
        seen[$fork]=1
        (sleep 15; kill -0 "$fork" 2>/dev/null && kill "$fork" && echo "killed fork $fork after its last iteration" >> "$log.kills") &
      fi
    done
    sleep 1
  done
}

for c in $cases; do
  job=${c%-*}; store=${c#*-}; log=$out/$c.log
  rm -f "$log" "$log.kills"; uptime > "$log.load"
  java -jar "$jar" FlinkJobBenchmark -p records=1000000 -p job="$job" -p store="$store" -wi 1 -i 3 > "$log" 2>&1 &
  pid=$!
  watch_forks "$log" "$pid" &
  while kill -0 "$pid" 2>/dev/null; do uptime >> "$log.load"; sleep 30; done
  uptime >> "$log.load"
done
