#!/bin/bash
# One microbenchmark set: the CPL0 instruction loops (ops), the IPI handler-length sweep (ipi), TSC-deadline
# lateness halted vs spinning at CPL0 (timer), INT3 and self-IPI round trips (trap), host futex and spin
# ping-pong; /proc/stat and the load average before and after. Usage: set.sh PVM_MICROBENCH_DLL PINGPONG OUTDIR
dll=$1; pp=$2; d=$3/$(date +%H%M%S); mkdir -p "$d"
{ date -Is; cat /proc/loadavg; grep -E '^cpu ' /proc/stat; } > "$d/meta"
for e in ops ipi timer trap; do dotnet "$dll" $e > "$d/$e.jsonl" 2> "$d/$e.err"; done
"$pp" 0 > "$d/pingpong.jsonl"; "$pp" 1 >> "$d/pingpong.jsonl"
{ date -Is; cat /proc/loadavg; grep -E '^cpu ' /proc/stat; } >> "$d/meta"
echo "$d"
