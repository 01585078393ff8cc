#!/usr/bin/env bash
# A KvmLab sweep fanned out over a Slurm job array: task I of N runs shard I/N, deterministically,
# into its own directory; once every task is done, merge the shards into one table:
#
#   sbatch --array=0-15 deploy/slurm-sweep.sh sweeps/ipi-vcpus.yaml /shared/ipi-vcpus
#   kvmlab merge /shared/ipi-vcpus/shard-* --out /shared/ipi-vcpus/results.csv
#   (or chain it: sbatch --dependency=afterok:<array job id> --wrap "kvmlab merge ...")
#
# A task that is preempted or times out resumes where it stopped when requeued (the shard's
# journal is on the shared directory; finished points are never run or recorded twice).
# Arguments: the sweep file, the output directory on a filesystem all nodes see.
#SBATCH --job-name=kvmlab-sweep
#SBATCH --cpus-per-task=4
#SBATCH --mem=2G
#SBATCH --time=02:00:00
#SBATCH --requeue
#SBATCH --output=kvmlab-sweep-%A_%a.log
set -euo pipefail

SWEEP=${1:?usage: sbatch --array=0-(N-1) slurm-sweep.sh SWEEP.yaml OUT_DIR}
OUT=${2:?usage: sbatch --array=0-(N-1) slurm-sweep.sh SWEEP.yaml OUT_DIR}
IDX=${SLURM_ARRAY_TASK_ID:?run this as a job array: sbatch --array=0-15 ...}
# The number of shards is the size of the array (ids 0..N-1).
N=${SLURM_ARRAY_TASK_COUNT:-$(( ${SLURM_ARRAY_TASK_MAX:?} + 1 ))}
# kvmlab: the published binary (dotnet publish src/KvmLab.Cli -c Release -o <dir>) on PATH, or set KVMLAB.
KVMLAB=${KVMLAB:-kvmlab}

exec "$KVMLAB" sweep "$SWEEP" --shard "$IDX/$N" --jobs "${SLURM_CPUS_PER_TASK:-1}" --out "$OUT/shard-$IDX"
