#!/usr/bin/env bash
# Review scheduler benchmark: `warden reviews run-due` (one scheduler pass, as a CronJob runs it)
# against 1,000,000 agents loaded with plain SQL (bench/scheduler-load.sql: nothing due, plus the
# baselines, completed reviews and delivered webhooks a Warden of that size carries).
# Measures in one run, on one throwaway PostgreSQL:
#   (a) run-due against an empty migrated database: process start, connecting, and the pass's
#       queries over nothing. The baseline;
#   (b) run-due against the 1,000,000 agents, nothing due. (b) - (a) is the pass's own cost;
#   (c) EXPLAIN (ANALYZE, BUFFERS) of every query a pass runs (bench/scheduler-plans.sql), checked
#       for reading agents, reviews, deliveries or baselines whole: a sequential scan, a join that
#       re-reads its inner side for each outer row, or a filter dropping more than 10,000 rows;
#   (d) passes with work: 1,000 agents made due, then 10,000 others; seconds, reviews opened, ms
#       per review, and the ratio of the two passes' own costs;
#   (e) a nothing-due pass again, now with those 11,000 reviews open and waiting for reviewers,
#       with the planner's statistics as the passes left them, and the two plans that meet them;
#   (f) the same after ANALYZE reviews.
# (a) and (b) (in turn), (e) and (f) are the best of 5; (d) runs once each, since a pass changes
# the data. No webhook channel is live, so no deliveries are queued or sent: delivery is not
# measured here.
# Targets (issue 5): a nothing-due pass's own cost <= 1 s ((b) - (a), and (e), (f)); no plan reads
# a big table whole; passes with work proportional to it: the 10,000 one about 10 times the 1,000.
#   bench/scheduler.sh [AGENTS, default 1000000; the due counts scale with it]
#   WARDEN_BIN=path/to/warden bench/scheduler.sh   times that binary instead of a release build (said in the output)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/postgres.sh
agents=${1:-1000000}
build_path=${WARDEN_BUILD_PATH:-.build}
[ "$agents" -ge 10000 ] 2>/dev/null || { echo "usage: bench/scheduler.sh [AGENTS >= 10000]" >&2; exit 2; }
k1=$((agents / 1000))
k2=$((agents / 100))

if [ -n "${WARDEN_BIN:-}" ]; then
    bin=$WARDEN_BIN
    case "$bin" in
        *debug*) build_label="DEBUG build $bin (WARDEN_BIN): not release figures" ;;
        *) build_label="$bin (WARDEN_BIN, not built by this run)" ;;
    esac
else
    echo "==> building warden (release, in $build_path)"
    swift build -c release --product warden --scratch-path "$build_path" 2>&1 | grep --line-buffered -E '^\[|error:|Build complete' | grep --line-buffered -vE 'Compiling .*\.(c|cc|S)$' || true
    bin="$(swift build -c release --scratch-path "$build_path" --show-bin-path)/warden"
    build_label="release build"
fi
[ -x "$bin" ] || { echo "no warden binary at $bin" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
run_dir=".warden/bench-pg-$$"
pg_port=$(free_port)
cleanup() {
    warden_pg_stop "$run_dir/pgdata"
    real=$(readlink -f "$run_dir/pgdata" 2>/dev/null || true)
    rm -rf "$run_dir"
    case "$real" in /var/tmp/warden-pg-*) rm -rf "$real" ;; esac
}
trap cleanup EXIT
mkdir -p .warden
echo "==> starting a throwaway PostgreSQL on port $pg_port"
warden_pg_start "$run_dir/pgdata" "$pg_port" >/dev/null
psql_db() { local db=$1; shift; warden_pg_psql "$pg_port" -d "$db" "$@"; }
psql_db postgres -c "CREATE DATABASE empty" -c "CREATE DATABASE bench" >/dev/null
url() { echo "${WARDEN_PG_URL_BASE}/$1?sslmode=disable"; }
WARDEN_DATABASE_URL=$(url empty) "$bin" migrate >/dev/null
WARDEN_DATABASE_URL=$(url bench) "$bin" migrate >/dev/null

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
commas() { python3 -c "print(f'{int($1):,}')"; }

echo "==> loading $(commas "$agents") agents with plain SQL (bench/scheduler-load.sql)"
start=$EPOCHREALTIME
psql_db bench -v agents="$agents" -f bench/scheduler-load.sql >/dev/null
load_s=$(secs "$start" "$EPOCHREALTIME")
start=$EPOCHREALTIME
# VACUUM as well as ANALYZE, so autovacuum does not wake up in the middle of a measurement, and a
# checkpoint, so the load's writes are not flushed during one either.
psql_db bench -c "VACUUM (ANALYZE)" -c "CHECKPOINT" >/dev/null
vacuum_s=$(secs "$start" "$EPOCHREALTIME")
echo "    loaded in ${load_s} s, VACUUM (ANALYZE) and CHECKPOINT in ${vacuum_s} s"
psql_db bench -F ' ' -c "
    SELECT rpad(t, 22), lpad(to_char(n, 'FM9,999,999'), 10), lpad(pg_size_pretty(pg_total_relation_size(t::regclass)), 9), note
    FROM (VALUES ('agents', (SELECT count(*) FROM agents),
                  (SELECT format('%s retired, %s suspended, %s due', count(*) FILTER (WHERE status = 'retired'),
                                 count(*) FILTER (WHERE status = 'suspended'),
                                 count(*) FILTER (WHERE status <> 'retired' AND next_review_due <= now() + interval '14 days'))
                   FROM agents)),
                 ('baselines', (SELECT count(*) FROM baselines), 'approved'),
                 ('reviews', (SELECT count(*) FROM reviews), (SELECT format('%s open', count(*) FILTER (WHERE status = 'open')) FROM reviews)),
                 ('review_notices', (SELECT count(*) FROM review_notices), ''),
                 ('deliveries', (SELECT count(*) FROM deliveries), (SELECT format('%s pending', count(*) FILTER (WHERE status = 'pending')) FROM deliveries)),
                 ('notification_channels', (SELECT count(*) FROM notification_channels),
                  (SELECT format('%s live', count(*) FILTER (WHERE deleted_at IS NULL)) FROM notification_channels))) v(t, n, note)" \
    | sed 's/^/    /'

# One pass, timed from process start to exit: sets pass_s and pass_line.
run_pass() {
    local start
    start=$EPOCHREALTIME
    if ! pass_line=$(WARDEN_DATABASE_URL=$(url "$1") "$bin" reviews run-due 2>"$run_dir/run-due.err"); then
        echo "warden reviews run-due failed:" >&2
        cat "$run_dir/run-due.err" >&2
        exit 1
    fi
    pass_s=$(secs "$start" "$EPOCHREALTIME")
}
# Best of 5 passes: sets best_s and prints the samples. With two databases, runs them in turn
# (a, b, a, b, ...), so drift in the machine's load touches both alike, and sets best_s and best2_s.
best_of_5() {
    local samples=() samples2=() i
    best_s=""
    best2_s=""
    for i in 1 2 3 4 5; do
        run_pass "$1"
        samples+=("$pass_s")
        if [ -z "$best_s" ] || awk -v a="$pass_s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then best_s=$pass_s; fi
        [ -n "${2:-}" ] || continue
        run_pass "$2"
        samples2+=("$pass_s")
        if [ -z "$best2_s" ] || awk -v a="$pass_s" -v b="$best2_s" 'BEGIN { exit !(a < b) }'; then best2_s=$pass_s; fi
    done
    echo "    $1: ${samples[*]} s; best $best_s s"
    [ -z "${2:-}" ] || echo "    $2: ${samples2[*]} s; best $best2_s s"
    echo "    the last pass said: $pass_line"
}
opened_of() { sed -nE 's/.*opened ([0-9]+) reviews.*/\1/p' <<<"$1"; }

echo "==> binary: $build_label"
load_before=$(load_avg)
echo "==> (a) run-due against an empty migrated database and (b) against $(commas "$agents") agents, nothing due; best of 5, in turn"
best_of_5 empty bench
empty_s=$best_s
full_s=$best2_s
[ "$(opened_of "$pass_line")" = 0 ] || { echo "the nothing-due pass opened reviews: $pass_line" >&2; exit 1; }

# The values a pass binds, taken from the database's clock.
read -r now threshold lease_end < <(psql_db bench -F ' ' -c \
    "SELECT to_json(now())#>>'{}', to_json(now() + interval '14 days')#>>'{}', to_json(now() + interval '60 seconds')#>>'{}'")
read -r sample_agent sample_cluster < <(psql_db bench -F ' ' -c \
    "SELECT id, cluster FROM agents WHERE status = 'active' ORDER BY id OFFSET $((agents / 2)) LIMIT 1")
plans() { # file to write: EXPLAIN output of bench/scheduler-plans.sql
    psql_db bench -v now="$now" -v threshold="$threshold" -v lease_end="$lease_end" -v agent="$sample_agent" \
        -v cluster="$sample_cluster" -f bench/scheduler-plans.sql >"$1"
}
# A plan fails when it reads one of the big tables whole: a sequential scan of it; a join that
# goes through its whole inner side again for each outer row (a Nested Loop over a Materialize,
# seen as Rows Removed by Join Filter); or an index scan that reads rows only to drop them (Rows
# Removed by Filter). More than 10,000 rows dropped is far more than a batch of 100 needs.
full_reads() {
    grep -E 'Seq Scan on (agents|reviews|deliveries|baselines)( |$)' "$1" || true
    awk '/Rows Removed by (Join )?Filter:/ && $NF + 0 > 10000' "$1"
}
check_plans() { # file label: prints the check, sets verdict
    local found
    found=$(full_reads "$1")
    if [ -z "$found" ]; then verdict="OK"; else verdict="FAIL"; fi
    echo "    $2: no sequential scan of agents, reviews, deliveries or baselines, no join or filter reading one whole: $verdict"
    [ -z "$found" ] || sed 's/^ */      /' <<<"$found"
}

echo "==> (c) EXPLAIN (ANALYZE, BUFFERS) of a pass's queries, $(commas "$agents") agents, nothing due"
echo "    bound values: now=$now threshold=$threshold lease_end=$lease_end agent=$sample_agent cluster=$sample_cluster"
plans "$run_dir/plans.txt"
sed 's/^/    /' "$run_dir/plans.txt"
check_plans "$run_dir/plans.txt" "plans, nothing due"
plans_verdict=$verdict
# The database's own time for the queries every pass runs, from the plans above.
db_ms=$(awk '/^--- per pass/ { p = 1; next } /^--- / { p = 0 } p && /Execution Time:/ { s += $3 } END { printf "%.3f", s }' "$run_dir/plans.txt")
echo "    execution time of the per-pass queries (policy, agents due, notices due, deliveries due), summed: $db_ms ms"

work_pass() { # count residue: makes `count` distinct live agents due and runs one pass; sets w_s, w_opened
    psql_db bench -c "
        UPDATE agents SET next_review_due = now() - interval '1 day'
        WHERE id IN (SELECT id FROM agents WHERE status <> 'retired' AND id % 10 = $2 ORDER BY md5(id::text) LIMIT $1)" >/dev/null
    run_pass bench
    w_s=$pass_s
    w_opened=$(opened_of "$pass_line")
    echo "    $(commas "$1") made due: $pass_s s end to end; said: $pass_line"
}
echo "==> (d) passes with work (no live channel, so no deliveries are queued or sent)"
work_pass "$k1" 1
k1_s=$w_s
k1_opened=$w_opened
work_pass "$k2" 2
k2_s=$w_s
k2_opened=$w_opened
open_now=$(psql_db bench -c "SELECT count(*) FROM reviews WHERE status = 'open'")

show_due_plans() { # file: the two plans that meet open reviews
    awk '/^--- per pass, per batch of 100/ { p = 1 } /^--- per pass, per batch of 20/ { p = 0 } p' "$1" | sed 's/^/      /'
}
echo "==> (e) run-due again, nothing due, $(commas "$open_now") reviews open (waiting for reviewers), statistics as they were; best of 5"
best_of_5 bench
after_s=$best_s
plans "$run_dir/plans-after.txt"
echo "    agents due for opening, and open reviews whose notices are due, now:"
show_due_plans "$run_dir/plans-after.txt"
check_plans "$run_dir/plans-after.txt" "plans, $(commas "$open_now") open"
after_verdict=$verdict

echo "==> (f) the same after ANALYZE reviews (autovacuum's next look would do it); best of 5"
psql_db bench -c "ANALYZE reviews" >/dev/null
best_of_5 bench
analyzed_s=$best_s
plans "$run_dir/plans-analyzed.txt"
echo "    agents due for opening, and open reviews whose notices are due, now:"
show_due_plans "$run_dir/plans-analyzed.txt"
check_plans "$run_dir/plans-analyzed.txt" "plans, $(commas "$open_now") open, analysed"
analyzed_verdict=$verdict
echo "    machine load average (1, 5, 15 min) at the end: $(load_avg)"

python3 - "$agents" "$build_label" "$load_s" "$empty_s" "$full_s" "$after_s" "$k1" "$k1_s" "$k1_opened" "$k2" "$k2_s" "$k2_opened" \
    "$plans_verdict" "$after_verdict" "$db_ms" "$open_now" "$analyzed_s" "$analyzed_verdict" "$load_before" <<'PY'
import sys
a = sys.argv[1:]
agents, label, load = int(a[0]), a[1], float(a[2])
empty, full, after = float(a[3]), float(a[4]), float(a[5])
k1, k1_s, k1_n, k2, k2_s, k2_n = int(a[6]), float(a[7]), int(a[8]), int(a[9]), float(a[10]), int(a[11])
plans, after_plans, db_ms, open_now = a[12], a[13], float(a[14]), int(a[15])
analyzed, analyzed_plans, load_before = float(a[16]), a[17], a[18]
own = full - empty
after_own = after - empty
analyzed_own = analyzed - empty
w1, w2 = k1_s - empty, k2_s - empty
ratio = w2 / w1 if w1 > 0 else float("inf")
verdict = lambda s: "PASS" if s <= 1 else "FAIL"
print()
print(f"binary: {label}; machine load average before measuring: {load_before}")
print(f"load: {agents:,} agents and their history in {load:.1f} s")
print(f"(a) run-due, empty database:               {empty:8.3f} s  (process start, connect, the queries over nothing)")
print(f"(b) run-due, {agents:,} agents, nothing due:{full:8.3f} s  end to end")
print(f"    the pass's own cost, (b) - (a):        {own:8.3f} s  target <= 1 s: {verdict(own)} "
      f"(end to end {'also within' if full <= 1 else 'over'} 1 s)")
print(f"    its queries' time in PostgreSQL:       {db_ms:8.3f} ms (EXPLAIN ANALYZE, one batch each)")
print(f"(c) plans, nothing due: {plans}")
print(f"(d) {k1:>6,} due: {k1_s:8.3f} s end to end, {w1:8.3f} s own, {k1_n:,} opened, {1000 * w1 / max(k1_n, 1):6.2f} ms per review")
print(f"    {k2:>6,} due: {k2_s:8.3f} s end to end, {w2:8.3f} s own, {k2_n:,} opened, {1000 * w2 / max(k2_n, 1):6.2f} ms per review")
print(f"    own-cost ratio {k2:,} / {k1:,}: {ratio:.2f}  (proportional: about {k2 / k1:.0f}; end to end {k2_s / k1_s:.2f})")
print(f"(e) nothing due, {open_now:,} reviews open:      {after:8.3f} s end to end, {after_own:8.3f} s own  target <= 1 s: "
      f"{verdict(after_own)}; plans: {after_plans}")
print(f"(f) the same after ANALYZE reviews:       {analyzed:8.3f} s end to end, {analyzed_own:8.3f} s own  target <= 1 s: "
      f"{verdict(analyzed_own)}; plans: {analyzed_plans}")
print()
print(f"scheduler: nothing-due pass {own:.2f} s at {agents:,} agents (target 1 s: {verdict(own)}; {full:.2f} s end to end, "
      f"empty database {empty:.2f} s), {after_own:.2f} s with {open_now:,} reviews open ({verdict(after_own)}); "
      f"{k1:,} due {w1:.2f} s ({1000 * w1 / max(k1_n, 1):.2f} ms/review), {k2:,} due {w2:.2f} s "
      f"({1000 * w2 / max(k2_n, 1):.2f} ms/review), ratio {ratio:.1f} (proportional ~{k2 / k1:.0f}); "
      f"plans {plans} nothing due, {after_plans} with reviews open; {label}")
PY
