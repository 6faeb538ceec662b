#!/usr/bin/env bash
# Whole-process comparison of `calmdesk analyze --jsonl` (all cores, as a
# user runs it) with govader's PolarityScores (govader-jsonl, one core), on
# the same texts: half short (customer tweets), half email-length. Runs each
# program in turn, several times, and prints the medians and the ratios.
#
#   tools/bench-govader/wholeprocess.sh [LINES] [ROUNDS] [-- extra analyze flags]
#
# Short texts come from ../shared/data/twcs-dev/tweets.jsonl when it is
# there (read, never stored), else from the team's corpus in data/cs/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lines=${1:-20000}
rounds=${2:-5}
shift $(( $# >= 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT; [ -n "${KEEP:-}" ] && trap - EXIT

(cd "$root" && go build -o "$tmp/calmdesk" ./cmd/calmdesk)
(cd "$here" && go build -o "$tmp/govader-jsonl" ./govader-jsonl)

tweets="$root/../shared/data/twcs-dev/tweets.jsonl"
if [ -f "$tweets" ]; then
	jq -c 'select(.inbound) | .text' "$tweets" >"$tmp/short"
else
	cat "$root"/data/cs/customers-*.jsonl | jq -c '.text' >"$tmp/short"
fi
awk 'BEGIN{RS="\n---\n"} {gsub(/\n/, " "); gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, " "); print "\"" $0 "\""}' \
	"$root/internal/analyze/testdata/emails.txt" >"$tmp/long"
half=$((lines / 2))
# Repeat each list to reach half the lines, then interleave short and long.
awk -v n="$half" '{a[NR]=$0} END{for(i=0;i<n;i++) print a[i%NR+1]}' "$tmp/short" >"$tmp/s"
awk -v n="$half" '{a[NR]=$0} END{for(i=0;i<n;i++) print a[i%NR+1]}' "$tmp/long" >"$tmp/l"
paste -d '\n' "$tmp/s" "$tmp/l" | awk '{printf "{\"id\":%d,\"text\":%s}\n", NR, $0}' >"$tmp/in.jsonl"
bytes=$(jq -r '.text' "$tmp/in.jsonl" | wc -c)
echo "input: $(wc -l <"$tmp/in.jsonl") lines, $bytes bytes of text; $rounds rounds; $(nproc) cores"

run() { # run NAME CMD...: appends "wall cpu maxrss_kb outbytes" to $tmp/NAME
	local name=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$@" <"$tmp/in.jsonl" >"$tmp/out"
	read -r wall user sys rss <"$tmp/t"
	echo "$wall $(echo "$user + $sys" | bc) $rss $(wc -c <"$tmp/out")" >>"$tmp/times-$name"
}
names="calmdesk govader"
[ -n "${OLD:-}" ] && names="calmdesk old govader"
for _ in $(seq "$rounds"); do
	run calmdesk "$tmp/calmdesk" analyze --jsonl "$@"
	[ -n "${OLD:-}" ] && cp "$tmp/out" "$tmp/out.new"
	run govader "$tmp/govader-jsonl"
	if [ -n "${OLD:-}" ]; then
		run old "$OLD" analyze --jsonl "$@"
		cmp -s "$tmp/out" "$tmp/out.new" || { echo "the old and new outputs differ" >&2; exit 1; }
	fi
done
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for name in $names; do
	w=$(cut -d' ' -f1 "$tmp/times-$name" | median); c=$(cut -d' ' -f2 "$tmp/times-$name" | median)
	m=$(cut -d' ' -f3 "$tmp/times-$name" | median); o=$(cut -d' ' -f4 "$tmp/times-$name" | median)
	printf '%-9s wall %6.2f s  cpu %6.2f s  max rss %4d MB  output %5.1f MB\n' "$name" "$w" "$c" $((m / 1024)) "$(echo "$o / 1048576" | bc -l)"
	eval "${name}_w=$w ${name}_c=$c"
done
if [ -n "${OLD:-}" ]; then
	printf 'new against old: %.2fx the speed in wall time, %.2fx less CPU\n' \
		"$(echo "$old_w / $calmdesk_w" | bc -l)" "$(echo "$old_c / $calmdesk_c" | bc -l)"
fi
printf 'calmdesk against govader: %.2fx the speed in wall time, %.2fx the CPU per byte\n' \
	"$(echo "$govader_w / $calmdesk_w" | bc -l)" "$(echo "$calmdesk_c / $govader_c" | bc -l)"
