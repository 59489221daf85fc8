#!/usr/bin/env bash
# Attestation benchmark: a whole attestation (read, parse, evaluator, the report for AGENTS
# registered agents, its canonical JSON) of bench/rbac.sh's synthetic cluster, against Python
# orjson reading and parsing the same file, measured in the same run.
# Targets (issue 6, as for the RBAC engine): total <= 2x orjson; peak RSS <= 2x the file's size.
#   bench/attest.sh [SCALE, default 1.0] [AGENTS, default 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1.0}
agents=${2:-1000}
. bench/lib.sh
file=$(bench_cluster_file "$scale")
bin=$(bench_build attest-bench)
orjson_best=$(bench_orjson "$file")
echo "==> (b) Warden: attestation of $agents agents (once)"
line=$("$bin" "$file" "$agents")
echo "$line"
python3 - "$orjson_best" "$line" <<'PY'
import sys
orjson = float(sys.argv[1])
f = dict(kv.split("=", 1) for kv in sys.argv[2].split())
size, total, rss = int(f["bytes"]), float(f["total"]), int(f["peak_rss"])
print()
print(f"file: {size / 1e6:.0f} MB; {f['pods']} pods, {f['service_accounts']} ServiceAccounts; {f['agents']} agents")
print(f"(a) orjson read + parse:             {orjson:8.3f} s")
print(f"(b) Warden attestation:              {total:8.3f} s (read {float(f['read']):.3f}, parse {float(f['parse']):.3f}, "
      f"evaluator {float(f['authorizer']):.3f}, build {float(f['build']):.3f}, encode {float(f['encode']):.3f}; "
      f"synthetic baselines {float(f['setup']):.3f} not counted)")
print(f"    report: {int(f['report_bytes']) / 1e6:.1f} MB canonical JSON, verdict {f['verdict']}, {f['findings']} findings "
      f"({f['critical']} critical, {f['high']} high, {f['medium']} medium, {f['low']} low, {f['info']} info, {f['excepted']} excepted), "
      f"{f['shadows']} shadow agents, {f['excess']} excess / {f['missing']} missing drift entries, "
      f"{f['reachable_service_accounts']} reachable ServiceAccounts summarised")
print(f"(c) Warden peak RSS:                 {rss / 1e6:8.0f} MB (before the build {int(f['peak_before_build']) / 1e6:.0f} MB, "
      f"after it {int(f['peak_after_build']) / 1e6:.0f} MB)")
print()
ratio, mem = total / orjson, rss / size
print(f"(b)/(a) = {ratio:.2f}  (target <= 2.00: {'met' if ratio <= 2 else 'NOT met'})")
print(f"RSS / file size = {mem:.2f}  (target <= 2.00: {'met' if mem <= 2 else 'NOT met'})")
PY
