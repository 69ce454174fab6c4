#!/bin/sh
# mpirun.sh: runs a test of the MPI build (tests/meson.build, suite 'mpi') on
# N ranks of this machine, more ranks than cores if need be, also as root (CI
# containers). Open MPI's settings come from the environment: e.g.
# OMPI_MCA_io=romio321 for its other I/O component (output/README.md).
#
# Usage: tests/mpirun.sh MPIRUN N TEST [ARGS]
set -u
mpirun=$1
n=$2
shift 2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
exec "$mpirun" --oversubscribe --allow-run-as-root -np "$n" "$@"
