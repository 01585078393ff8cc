#!/bin/sh
# The full mutation fuzzer (tests/KvmLab.Cli.Tests/Fuzz): 2,500 mutants of the shipped scenarios,
# sweeps, a cost profile and command lines by default, or as many as the first argument says.
# The normal test suite runs the first 300 of the same deterministic sequence.
#   scripts/fuzz.sh            # 2500 mutants, about 40 s on 2 cores
#   scripts/fuzz.sh 10000
# Writes the report to fuzz-report.txt (or $KVMLAB_FUZZ_REPORT) and one line per mutant beside it
# (fuzz-report.txt.outcomes: index, family, base, mutation, outcome, exit, seconds, stderr);
# exits non-zero when any mutant broke a rule.
set -eu
cd "$(dirname "$0")/.."
count="${1:-2500}"
report="${KVMLAB_FUZZ_REPORT:-$(pwd)/fuzz-report.txt}"
status=0
KVMLAB_FUZZ_MUTANTS="$count" KVMLAB_FUZZ_REPORT="$report" \
    dotnet test tests/KvmLab.Cli.Tests -c Release --filter "FullyQualifiedName~MutationFuzzTests" --nologo -v quiet || status=$?
cat "$report"
exit "$status"
