#!/usr/bin/env bash
# kannel-compare.sh - Switchboard and Kannel 1.4.5 side by side on this machine, on the same work.
#
# Checks the prerequisites (the reference bench in ../shared/bench, the Debian `kannel` package, gcc), then runs
# `bench/run.ts --kannel`: RUNS times, interleaved, Kannel through /work/shared/bench/run.sh (store-type file,
# two binds, window 100) and Switchboard with the same two smsc_sink processes and the same driver (load.js).
# Prints both results side by side. Same env as `npm run bench` (N, C, RUNS, QUIET_MAX, OUT, REF, DLR, ...).
# With DLR=1: run.sh DLR=1 for Kannel (sinks with --dlr, load.js --dlr-mask 3 --dlr-server 23099), and for
# Switchboard the same sinks with --dlr and load.js --dlr-mask 3 --dlr-server on a free port; both wait for one
# final DLR callback per message.
#
#   bench/kannel-compare.sh              # or: npm run bench:kannel
#   N=20000 RUNS=3 bench/kannel-compare.sh
#   DLR=1 bench/kannel-compare.sh        # with receipts and dlr-url callbacks
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}

if [ ! -f "$SHARED/run.sh" ] || [ ! -f "$SHARED/smsc_sink.c" ] || [ ! -f "$SHARED/load.js" ]; then
  echo "kannel-compare: the reference bench is not in $SHARED (set SHARED_BENCH)" >&2
  exit 2
fi
SHARED=$(cd "$SHARED" && pwd)

if ! command -v bearerbox >/dev/null 2>&1 && [ ! -x /usr/sbin/bearerbox ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "kannel-compare: installing the Debian package kannel" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y kannel >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y kannel >&2; }
  else
    echo "kannel-compare: Kannel is not installed; run: sudo apt-get install -y kannel" >&2
    exit 2
  fi
fi
case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH="$PATH:/usr/sbin" ;; esac
command -v gcc >/dev/null 2>&1 || { echo "kannel-compare: gcc is needed to build smsc_sink (apt-get install -y gcc)" >&2; exit 2; }
command -v redis-server >/dev/null 2>&1 || { echo "kannel-compare: redis-server is needed (apt-get install -y redis-server)" >&2; exit 2; }

cd "$ROOT"
export SHARED_BENCH="$SHARED"
exec node_modules/.bin/tsx bench/run.ts --kannel
