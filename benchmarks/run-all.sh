#!/bin/bash
# Runs every benchmark table of docs/benchmarks.md, one after another, at the checked-out commit, writing
# each JMH log to OUTPUT_DIR and the load average before and after each step to OUTPUT_DIR/steps.txt.
# About 85 minutes on the 2-core machine of docs/benchmarks.md. Build the jar first:
#   ./mvnw -B -pl benchmarks -am package -DskipTests
# Usage: benchmarks/run-all.sh OUTPUT_DIR      (JAVA21 = a Java 21+ binary for the virtual-thread parts;
#                                              default: the Temurin 25 JDK's)
set -u
out=${1:?output directory}
mkdir -p "$out" && out=$(cd "$out" && pwd)   # absolute: the script runs from the repository root
J=${JAVA21:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
cd "$(dirname "$0")/.." || exit 2
B=benchmarks/target/benchmarks.jar
mkdir -p "$out"
step() { # NAME command...
  local name=$1; shift
  echo "$(date +%T) start $name: $(uptime)" >> "$out/steps.txt"
  "$@" > "$out/$name.log" 2>&1
  echo "$(date +%T) end   $name (rc $?): $(uptime)" >> "$out/steps.txt"
}
git rev-parse --short HEAD > "$out/commit.txt"
# Part 1: the three engines, then the gets against ForSt over two forks each ...
step p1 java -Daloft.bench.table="$out/p1-ratios.md" -jar $B 'FillBenchmark|CompactionBenchmark|PointGetBenchmark|PrefixScanBenchmark'
step p1-paired java -jar $B 'PointGetBenchmark' -p engine=aloft,forst -f 2
# ... and gets with 8x data with RocksDB and ForSt mapping their files too, as Aloft's file:// provider does
step p1-mmap java -jar $B 'PointGetBenchmark.getLargerThanCache' -p engine=aloft,rocksdb,forst -jvmArgsAppend '-Xms1g -Xmx1g -Daloft.bench.native-mmap-reads=true'
# Part 2: async execution
step p2-async $J -jar $B AsyncStateBenchmark -jvm $J -p readLatency=10ms -p calls=async -p inFlight=200,400,1000
step p2-batch10 $J -jar $B AsyncStateBenchmark -jvm $J -p readLatency=10ms -p calls=async -p inFlight=200,400,1000 -p batch=10
step p2-sync $J -jar $B AsyncStateBenchmark -jvm $J -p readLatency=10ms -p calls=sync
# 0 ms: both jobs need about 40 s of JIT before their iterations settle (2 x 5 s left the first measured ones slow)
step p2-0ms $J -jar $B AsyncStateBenchmark -jvm $J -p readLatency=0ms -p strategy=threads,virtual -wi 4 -w 10s -i 5 -r 10s
# Part 3: checkpoint and restore scaling
step p3 java -jar $B CheckpointRestoreBenchmark
# Part 4: the file cache (Zipfian gets; then the scan-heavy mix)
step p4 $J -jar $B FileCacheBenchmark -jvm $J
step p4-scan $J -jar $B FileCacheBenchmark -jvm $J -p policy=lru,tinylfu -p placement=clustered -p scanEvery=0,10
# Part 5: forst on S3Proxy
step p5 $J -jar $B S3Benchmark -jvm $J
step p5-fill2m $J -jar $B S3Benchmark.fill -jvm $J -p keys=2000000 -wi 0 -i 1
# Parts 6 and 7: multi-get, keyed jobs
step p6 java -jar $B MultiGetBenchmark
step p7 java -jar $B KeyedJobBenchmark
# Part 9: SQL operators (forst local and remote, rocksdb local)
step p9-forst $J -jar $B SqlOperatorBenchmark -jvm $J -p backend=forst
step p9-rocksdb $J -jar $B SqlOperatorBenchmark -jvm $J -p backend=rocksdb -p store=local
# Part 8: inside Flink, Aloft against Flink's ForSt (six cases)
step p8 benchmarks/flink-job-benchmark.sh "$out/p8"
echo "$(date +%T) all done" >> "$out/steps.txt"
