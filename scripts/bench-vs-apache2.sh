#!/usr/bin/env bash
# scripts/bench-vs-apache2.sh: apachelint against real `apache2 -t` on large generated trees.
#
# For each size (default: 1,000 and 10,000 sites) it writes a Debian-layout tree with
# shared/perf/gen_large.py (from the committed pristine snapshot, via
# `scripts/httpd_oracle.py materialise-debian`), checks that apache2 accepts it, and times
#   - apache2 -d TREE -f TREE/apache2.conf -t   (APACHE_RUN_* and APACHE_* dirs in a temp dir,
#                                                never /etc/apache2; no server is started)
#   - apachelint includes TREE/apache2.conf --server-root TREE   (release build)
#   - apachelint check TREE/apache2.conf ...   (only when the build has a `check` command)
#   - shared/perf/floor.c (cc -O2) over the files httpd reads (its DUMP_INCLUDES list):
#     one thread reading and tokenising every byte, the single-thread floor
# with hyperfine (installed with apt-get when missing and possible) or, failing that, a loop
# of /usr/bin/time. Max RSS always comes from /usr/bin/time (one extra run each).
# It prints wall time (mean ± sd over the runs), max RSS, and the ratio to apache2 -t.
#
# Usage: scripts/bench-vs-apache2.sh [--sites "1000 10000"] [--runs N] [--keep]
#   --keep   leave the temp dir with the trees (its path is printed)
# Needs: apache2, python3, openssl, cc, cargo, ../shared (or APACHELINT_SHARED).
# Timings are printed, never asserted.
set -euo pipefail
exec </dev/null

cd "$(dirname "$0")/.."
repo=$(pwd)
export PATH="$PATH:/usr/sbin:/sbin"

sites="1000 10000"
runs=5
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --sites) sites=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

shared=${APACHELINT_SHARED:-$repo/../shared}
for need in apache2 python3 openssl cc cargo; do
    command -v "$need" >/dev/null || { echo "missing: $need" >&2; exit 2; }
done
[ -f "$shared/perf/gen_large.py" ] || { echo "missing: $shared/perf/gen_large.py (set APACHELINT_SHARED)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "missing: /usr/bin/time (apt-get install time)" >&2; exit 2; }

if ! command -v hyperfine >/dev/null; then
    echo "hyperfine not found; trying apt-get install hyperfine"
    if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo -n); fi
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine >/dev/null 2>&1 ||
        echo "could not install hyperfine: timing with a loop of /usr/bin/time"
fi

work=$(mktemp -d /tmp/bench-vs-apache2.XXXXXX)
if [ "$keep" -eq 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "trees kept in $work"; fi
mkdir -p "$work/var/run" "$work/var/lock" "$work/var/log"

echo "building apachelint (release) and floor.c"
cargo build --release --quiet --bin apachelint
apachelint="$repo/target/release/apachelint"
cc -O2 -o "$work/floor" "$shared/perf/floor.c"
has_check=0
"$apachelint" check --help >/dev/null 2>&1 && has_check=1

# apache2's environment: Debian's envvars, with every path inside the temp dir.
apache_env=(env -i PATH="$PATH" LANG=C LC_ALL=C
    APACHE_RUN_USER=www-data APACHE_RUN_GROUP=www-data
    APACHE_RUN_DIR="$work/var/run" APACHE_LOCK_DIR="$work/var/lock"
    APACHE_LOG_DIR="$work/var/log" APACHE_PID_FILE="$work/var/run/apache2.pid")

python3 scripts/httpd_oracle.py materialise-debian "$work/pristine"

# time_command NAME CMD...: prints "NAME<TAB>mean<TAB>sd<TAB>max RSS KB" to $results.
time_command() {
    local name=$1; shift
    local mean sd rss
    if command -v hyperfine >/dev/null; then
        # -i: apachelint exits 1 when it has findings; apache2 -t was checked before.
        if ! hyperfine -N -i --style none --warmup 1 --runs "$runs" --export-json "$work/h.json" \
            -- "$(printf '%q ' "$@")" >/dev/null 2>"$work/h.err"; then
            cat "$work/h.err" >&2
            exit 1
        fi
        read -r mean sd < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(r["mean"], r["stddev"] or 0)' "$work/h.json")
    else
        local times=()
        "$@" >/dev/null 2>&1 || true
        for _ in $(seq "$runs"); do
            /usr/bin/time -f %e -o "$work/t" "$@" >/dev/null 2>&1 || true
            times+=("$(cat "$work/t")")
        done
        read -r mean sd < <(python3 -c '
import statistics, sys
t = [float(x) for x in sys.argv[1:]]
print(statistics.mean(t), statistics.stdev(t) if len(t) > 1 else 0)' "${times[@]}")
    fi
    /usr/bin/time -f %M -o "$work/m" "$@" >/dev/null 2>&1 || true
    rss=$(cat "$work/m")
    printf '%s\t%s\t%s\t%s\n' "$name" "$mean" "$sd" "$rss" >>"$results"
}

for n in $sites; do
    tree="$work/tree-$n"
    echo
    echo "== $n sites: generating $tree"
    python3 "$shared/perf/gen_large.py" --vhosts "$n" --out "$tree" --pristine "$work/pristine" >"$work/manifest-$n.json"
    apache2_cmd=("${apache_env[@]}" apache2 -d "$tree" -f "$tree/apache2.conf")
    if ! "${apache2_cmd[@]}" -t >"$work/t.out" 2>&1; then
        echo "apache2 -t rejects the $n-site tree:" >&2
        cat "$work/t.out" >&2
        exit 1
    fi
    "${apache2_cmd[@]}" -t -D DUMP_INCLUDES 2>/dev/null |
        sed -n 's/^ *([0-9*]*) //p' >"$work/files-$n.txt"
    python3 - "$work/manifest-$n.json" "$work/files-$n.txt" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
read = sum(1 for _ in open(sys.argv[2]))
print(f"{m['files']} files, {m['bytes'] / 1e6:.1f} MB, {m['lines']} lines; apache2 -t reads {read} files")
EOF

    results="$work/results-$n.tsv"
    : >"$results"
    time_command "apache2 -t" "${apache2_cmd[@]}" -t
    time_command "apachelint includes" "$apachelint" includes "$tree/apache2.conf" --server-root "$tree"
    if [ "$has_check" -eq 1 ]; then
        time_command "apachelint check" "$apachelint" check "$tree/apache2.conf" --server-root "$tree"
    fi
    time_command "floor.c (cc -O2, 1 thread)" "$work/floor" "$work/files-$n.txt"

    python3 - "$results" <<'EOF'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
base = float(rows[0][1])
print(f"{'command':<30} {'wall time':>20} {'max RSS':>10} {'vs apache2 -t':>14}")
for name, mean, sd, rss in rows:
    mean, sd = float(mean), float(sd)
    print(f"{name:<30} {mean * 1000:>10.1f} ± {sd * 1000:>5.1f} ms {int(rss) / 1024:>7.1f} MB {mean / base:>13.2f}x")
EOF
done
echo
echo "runs per command: $runs ($(command -v hyperfine >/dev/null && echo hyperfine || echo '/usr/bin/time loop')); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
