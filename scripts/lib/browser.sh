# A real headless browser for tests that look at rendered HTML (screenshots of reports).
# Source it, then:
#   warden_browser_install     installs Debian's chromium if no Chromium is found (quietly,
#                              with one progress line; needs root or sudo and Debian's archive)
#   warden_browser_bin         prints the browser's path (after warden_browser_install)
#   warden_browser_screenshot URL_OR_FILE OUT.png [WIDTHxHEIGHT]
#                              renders a page headless and writes a PNG; fails unless a
#                              non-empty PNG was written. scripts/screenshot wraps it.
# WARDEN_BROWSER names another Chromium-compatible binary (chromium, google-chrome, ...).

warden_browser_bin() {
    local candidate
    for candidate in "${WARDEN_BROWSER:-}" chromium chromium-browser google-chrome-stable google-chrome; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

warden_browser_install() {
    if warden_browser_bin >/dev/null; then return 0; fi
    echo "==> Chromium is not installed; installing it from Debian's packages (a few minutes, about 300 MB)"
    local sudo="" start=$SECONDS log
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    log=$(mktemp)
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
            chromium fonts-dejavu-core fonts-liberation; } >"$log" 2>&1; then
        echo "Chromium installation failed; apt-get said:" >&2
        tail -n 20 "$log" >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
    warden_browser_bin >/dev/null || { echo "Chromium installation failed: no chromium on PATH afterwards" >&2; return 1; }
    echo "==> installed $("$(warden_browser_bin)" --version 2>/dev/null | head -n 1) in $((SECONDS - start)) s"
}

warden_browser_screenshot() {
    local target=${1:?usage: warden_browser_screenshot URL_OR_FILE OUT.png [WIDTHxHEIGHT]}
    local out=${2:?usage: warden_browser_screenshot URL_OR_FILE OUT.png [WIDTHxHEIGHT]}
    local size=${3:-1280x800}
    if ! [[ $size =~ ^([0-9]+)x([0-9]+)$ ]]; then
        echo "screenshot: size must be WIDTHxHEIGHT, such as 1280x800, not '$size'" >&2
        return 2
    fi
    local width=${BASH_REMATCH[1]} height=${BASH_REMATCH[2]}
    local url=$target
    case "$target" in
        http://* | https://* | file://* | data:*) ;;
        *)
            [ -f "$target" ] || { echo "screenshot: no such file: $target" >&2; return 2; }
            url="file://$(readlink -f "$target")"
            ;;
    esac
    warden_browser_install || return 1
    local bin out_abs profile log rc
    bin=$(warden_browser_bin)
    mkdir -p "$(dirname "$out")"
    out_abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
    rm -f "$out_abs"
    # A private profile, so concurrent runs and a desktop browser never share state.
    profile=$(mktemp -d)
    log="$profile.log"
    # --no-sandbox: Chromium's sandbox cannot run as root (and often not in containers).
    rc=0
    timeout 120 "$bin" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --no-first-run --no-default-browser-check --disable-extensions --hide-scrollbars \
        --user-data-dir="$profile" --window-size="$width,$height" \
        --screenshot="$out_abs" "$url" >"$log" 2>&1 || rc=$?
    rm -rf "$profile"
    # A PNG starts with \x89PNG\r\n\x1a\n.
    if [ -s "$out_abs" ] && [ "$(head -c 8 "$out_abs" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then
        rm -f "$log"
        return 0
    fi
    echo "screenshot: $bin wrote no PNG to $out (exit $rc); its output:" >&2
    tail -n 20 "$log" >&2
    rm -f "$log" "$out_abs"
    return 1
}
