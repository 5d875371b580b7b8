#!/usr/bin/env bash
# kannel-services.sh - what Kannel 1.4.5 (the Debian package) does with sms-services that answer and with the
# sendsms details of issue 18, bound to the switchboard SMSC simulator (bench/kannel-services.ts) with a local
# service. The tests of test/integration/mo-replies.test.ts and sendsms-kannel.test.ts quote its results.
#
# Runs Kannel twice: immediate-sendsms-reply false (every MO case, then the sendsms requests) and true (the
# sendsms requests). Prints the service's requests, the submit_sm the simulators got, the sendsms answers and
# Kannel's access logs. Everything listens on 127.0.0.1; every process started here is stopped by its PID.
#
#   bench/kannel-services.sh            # needs: apt-get install -y kannel
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BB=$(command -v "${BB:-bearerbox}" || echo /usr/sbin/bearerbox)
SB=$(command -v "${SB:-smsbox}" || echo /usr/sbin/smsbox)
[ -x "$BB" ] && [ -x "$SB" ] || { echo "kannel-services: bearerbox or smsbox not found (apt-get install -y kannel)" >&2; exit 2; }
OUT=${OUT:-$(mktemp -d -t kannel-services.XXXX)}
PIDS=()
stop() { for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[$i]}" 2>/dev/null; wait "${PIDS[$i]}" 2>/dev/null; done; PIDS=(); }
trap stop EXIT INT TERM

S="http://127.0.0.1:23013/cgi-bin/sendsms"
q() { echo "--- $1"; shift; curl -s -m 15 -w ' [HTTP %{http_code}]\n' "$@"; }
words=$(printf 'w%02d+' $(seq 0 59)); words=${words%+}

sendsms_checks() {
  q "two receivers, second with bad characters" "$S?username=bench&password=bench&to=46700000003+4670abc&text=hi3"
  q "shaped sendsms-user (header, footer, split-chars, split-suffix)" "$S?username=shaped&password=shaped&to=46700000004&text=$words"
  q "sendsms-user dlr-url, request dlr-mask" "$S?username=withdlr&password=withdlr&to=46700000005&text=dlr&dlr-mask=31"
  q "account and %o" "$S?username=bench&password=bench&to=46700000006&text=acct&account=billing42&dlr-mask=1&dlr-url=http%3A%2F%2F127.0.0.1%3A23099%2Facctdlr%3Fo%3D%25o"
  q "XML POST" -X POST -H 'Content-Type: text/xml' --data-binary '<?xml version="1.0"?><message><submit><da><number>46700000007</number></da><da><number>46700000008</number></da><oa><number>5555</number></oa><ud>Hello+from+XML</ud><from><user>bench</user><pass>bench</pass><account>xmlacct</account></from><statusrequest><dlr-mask>1</dlr-mask></statusrequest></submit></message>' "$S"
  q "XML POST without da" -X POST -H 'Content-Type: text/xml' --data-binary '<?xml version="1.0"?><message><submit><ud>x</ud><from><user>bench</user><pass>bench</pass></from></submit></message>' "$S"
  q "XML POST that is not XML" -X POST -H 'Content-Type: text/xml' --data-binary 'not xml at all' "$S"
}

run() {   # run IMMEDIATE MO...
  local immediate=$1; shift
  local run="$OUT/immediate-$immediate"; mkdir -p "$run"
  echo "file reply content" > "$run/reply.txt"
  sed -e "s|@RUN@|$run|g" -e "s|@IMMEDIATE@|$immediate|" "$ROOT/bench/kannel-services.conf" > "$run/kannel.conf"
  (cd "$ROOT" && LINGER_MS=25000 npx tsx bench/kannel-services.ts "$@" > "$run/drive.out" 2>&1) & PIDS+=($!)
  sleep 4
  "$BB" -v 4 "$run/kannel.conf" > "$run/bb.stderr" 2>&1 & PIDS+=($!)
  sleep 2
  "$SB" -v 4 "$run/kannel.conf" > "$run/sb.stderr" 2>&1 & PIDS+=($!)
  for _ in $(seq 1 150); do grep -q '^MO done' "$run/drive.out" 2>/dev/null && break; sleep 0.2; done
  sendsms_checks > "$run/sendsms.txt" 2>&1
  sleep 8
  stop
  echo "=== immediate-sendsms-reply = $immediate"
  cat "$run/drive.out" "$run/sendsms.txt"
  echo "--- access logs"
  cat "$run/bb-access.log" "$run/sb-access.log" 2>/dev/null | cut -c1-260
}

run false geturl long1 long3 catlong empty omitempty "txt one two three" fil html hdr nohdr "strip this text" "xml some text" fake shaped sendsender status500 "nothing here"
run true
echo "(output in $OUT)"
