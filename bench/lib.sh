# Shared by bench/rbac.sh and bench/attest.sh (sourced from the repository root).

# bench_cluster_file SCALE: prints the synthetic cluster's path, generating it the first time.
bench_cluster_file() {
    local file="bench/out/cluster-$1.json"
    mkdir -p bench/out .warden
    if [ ! -s "$file" ]; then
        echo "==> generating $file (scale $1; a minute or two at full scale)" >&2
        python3 bench/gen_cluster.py "$file.tmp" "$1"
        mv "$file.tmp" "$file"
    fi
    echo "$file"
}

# bench_build PRODUCT: builds a release product in WARDEN_BUILD_PATH (default .build) and prints its path.
bench_build() {
    local build_path=${WARDEN_BUILD_PATH:-.build}
    echo "==> building $1 (release, in $build_path)" >&2
    swift build -c release --product "$1" --scratch-path "$build_path" 2>&1 \
        | grep --line-buffered -E '^\[|error:|Build complete' | grep --line-buffered -vE 'Compiling .*\.(c|cc|S)$' >&2 || true
    echo "$(swift build -c release --scratch-path "$build_path" --show-bin-path)/$1"
}

# bench_orjson FILE: Python's orjson reading and parsing the file, best of 3, in seconds: the baseline.
bench_orjson() {
    if [ ! -x .warden/venv/bin/python ]; then python3 -m venv .warden/venv; fi
    .warden/venv/bin/python -c 'import orjson' 2>/dev/null || .warden/venv/bin/pip install -q --disable-pip-version-check orjson==3.13.0
    echo "==> (a) orjson: read and parse, best of 3" >&2
    .warden/venv/bin/python - "$1" <<'PY'
import sys, time, orjson
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    with open(sys.argv[1], "rb") as f:
        data = orjson.loads(f.read())
    best = min(best, time.perf_counter() - start)
    del data
print(f"{best:.3f}")
PY
}
