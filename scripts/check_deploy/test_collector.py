"""scripts/collect-snapshot against a recording receiver and a fake Kubernetes API on
127.0.0.1: gzip, headers, bearer token, retries, failures and usage errors; kubectl's requests
are exactly what the collector's ClusterRole grants; the token never shows in its output or
on a command line."""
import gzip
import json
import re
import socket

import pytest

from . import renders
from .collect_snapshot import CollectSnapshot
from .doubles import KubeAPI, Receiver
from .k8s import granted_resources
from .settings import KUBECTL

TOKEN = "wdn_CheckDeployToken0123456789abcdefghijklmnopqrstu"

# What `kubectl get ... -o json` prints: a List.
KUBECTL_OUTPUT = b"""{
    "apiVersion": "v1",
    "items": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "agents"}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "coder", "namespace": "agents"}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "view"},
         "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]}
    ],
    "kind": "List",
    "metadata": {"resourceVersion": ""}
}
"""


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("collector")


@pytest.fixture(scope="module")
def collect(workdir):
    return CollectSnapshot(workdir)


@pytest.fixture(scope="module")
def listing(workdir):
    path = workdir / "kubectl-output.json"
    path.write_bytes(KUBECTL_OUTPUT)
    return path


@pytest.fixture(scope="module")
def gzipped_listing(workdir):
    path = workdir / "kubectl-output.json.gz"
    path.write_bytes(gzip.compress(KUBECTL_OUTPUT))
    return path


def only_request(receiver):
    assert len(receiver.requests) == 1, f"{len(receiver.requests)} requests reached the receiver, not 1"
    return receiver.requests[0]


# --- a plain file, the token from WARDEN_TOKEN ---------------------------------------------

@pytest.fixture(scope="module")
def plain_upload(collect, listing):
    receiver = Receiver(201)
    run = collect("--kubectl-output", str(listing),
                  WARDEN_URL=receiver.url + "/", WARDEN_CLUSTER="test", WARDEN_TOKEN=TOKEN)
    yield run, receiver
    receiver.close()


def test_upload_of_a_kubectl_output_file_succeeds(plain_upload):
    run, receiver = plain_upload
    assert run.status == 0, run
    only_request(receiver)


def test_upload_posts_to_the_clusters_snapshots(plain_upload):
    assert only_request(plain_upload[1]).path == "/v1/clusters/test/snapshots"


@pytest.mark.parametrize("name, value", [
    pytest.param("content-type", "application/json", id="content-type"),
    pytest.param("content-encoding", "gzip", id="content-encoding"),
    pytest.param("authorization", f"Bearer {TOKEN}", id="authorization"),
])
def test_upload_header(plain_upload, name, value):
    assert only_request(plain_upload[1]).headers.get(name) == value


def test_upload_has_an_idempotency_key(plain_upload):
    assert only_request(plain_upload[1]).headers.get("idempotency-key")


def test_upload_body_is_the_file_gzipped(plain_upload):
    assert gzip.decompress(only_request(plain_upload[1]).body) == KUBECTL_OUTPUT


def test_upload_response_is_printed_on_stdout(plain_upload):
    run, _ = plain_upload
    assert b'"sizeBytes"' in run.stdout, f"printed: {run.stdout!r}"


# --- a gzipped file, the token from WARDEN_TOKEN_FILE --------------------------------------

@pytest.fixture(scope="module")
def token_file_upload(collect, workdir, gzipped_listing):
    token_file = workdir / "token-file"
    token_file.write_text(TOKEN + "\n")  # with a trailing newline, as kubectl create secret keeps it
    receiver = Receiver(201)
    run = collect("--kubectl-output", str(gzipped_listing),
                  WARDEN_URL=receiver.url, WARDEN_CLUSTER="test", WARDEN_TOKEN_FILE=str(token_file))
    yield run, receiver
    receiver.close()


def test_token_file_is_read(token_file_upload):
    run, receiver = token_file_upload
    assert run.status == 0, run
    assert only_request(receiver).headers.get("authorization") == f"Bearer {TOKEN}"


def test_gzipped_file_is_sent_as_it_is(token_file_upload, gzipped_listing):
    assert only_request(token_file_upload[1]).body == gzipped_listing.read_bytes()


# --- retries and failures ------------------------------------------------------------------

@pytest.fixture(scope="module")
def retried_upload(collect, listing):
    receiver = Receiver(503, 201)
    run = collect("--kubectl-output", str(listing), WARDEN_URL=receiver.url, WARDEN_CLUSTER="test",
                  WARDEN_TOKEN=TOKEN, WARDEN_RETRY_DELAY="1")
    yield run, receiver
    receiver.close()


def test_503_is_retried_with_the_same_idempotency_key(retried_upload):
    run, receiver = retried_upload
    assert run.status == 0, run
    assert len(receiver.requests) == 2, f"{len(receiver.requests)} requests, not 2"
    first, retry = (r.headers.get("idempotency-key") for r in receiver.requests)
    assert first and first == retry, f"keys {first!r} and {retry!r}"


@pytest.fixture(scope="module")
def refused_upload(collect, listing):
    receiver = Receiver(401)
    run = collect("--kubectl-output", str(listing), WARDEN_URL=receiver.url, WARDEN_CLUSTER="test",
                  WARDEN_TOKEN=TOKEN, WARDEN_RETRY_DELAY="1")
    yield run, receiver
    receiver.close()


def test_401_fails_without_retrying(refused_upload):
    run, receiver = refused_upload
    assert run.status != 0
    only_request(receiver)


def test_401_prints_the_problem_document(refused_upload):
    run, _ = refused_upload
    assert b"refused by the test receiver" in run.stdout, f"printed: {run.stdout!r}"
    assert b"HTTP 401" in run.stderr, run


@pytest.fixture(scope="module")
def unreachable_upload(collect, listing):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return collect("--kubectl-output", str(listing), WARDEN_URL=f"http://127.0.0.1:{port}", WARDEN_CLUSTER="test",
                   WARDEN_TOKEN=TOKEN, WARDEN_RETRIES="1", WARDEN_RETRY_DELAY="1")


def test_unreachable_warden_fails_after_its_retries(unreachable_upload):
    assert unreachable_upload.status != 0
    assert b"upload failed" in unreachable_upload.stderr, unreachable_upload


# --- settings and usage --------------------------------------------------------------------

def test_dry_run_writes_the_decompressed_json_to_stdout(collect, gzipped_listing):
    run = collect("--dry-run", "--kubectl-output", str(gzipped_listing))
    assert run.status == 0, run
    assert run.stdout == KUBECTL_OUTPUT


@pytest.mark.parametrize("settings", [
    pytest.param(dict(WARDEN_CLUSTER="test", WARDEN_TOKEN=TOKEN), id="no-WARDEN_URL"),
    pytest.param(dict(WARDEN_URL="http://127.0.0.1:1", WARDEN_CLUSTER="Not_A_Label", WARDEN_TOKEN=TOKEN),
                 id="bad-WARDEN_CLUSTER"),
    pytest.param(dict(WARDEN_URL="http://127.0.0.1:1", WARDEN_CLUSTER="test"), id="no-token"),
])
def test_usage_error_exits_2(collect, listing, settings):
    run = collect("--kubectl-output", str(listing), **settings)
    assert run.status == 2, run


def test_h_prints_usage(collect):
    run = collect("-h")
    assert re.search(rb"^Usage: collect-snapshot", run.stdout, re.MULTILINE), f"printed: {run.stdout[:200]!r}"


# --- kubectl for real, against the fake Kubernetes API -------------------------------------

@pytest.fixture(scope="module")
def kubectl_upload(collect, workdir):
    api, receiver = KubeAPI(), Receiver(201)
    kubeconfig = workdir / "kubeconfig"
    kubeconfig.write_text(f"""apiVersion: v1
kind: Config
clusters: [{{name: fake, cluster: {{server: "{api.url}"}}}}]
users: [{{name: fake, user: {{token: fake-service-account-token}}}}]
contexts: [{{name: fake, context: {{cluster: fake, user: fake}}}}]
current-context: fake
""")
    run = collect(KUBECONFIG=str(kubeconfig), KUBECTL=KUBECTL,
                  WARDEN_URL=receiver.url, WARDEN_CLUSTER="test", WARDEN_TOKEN=TOKEN)
    yield run, receiver, api
    receiver.close()
    api.close()


def test_kubectl_listing_is_uploaded(kubectl_upload):
    run, receiver, _ = kubectl_upload
    assert run.status == 0, run
    only_request(receiver)


def test_upload_is_a_list_of_16_kinds(kubectl_upload):
    listing = json.loads(gzip.decompress(only_request(kubectl_upload[1]).body))
    kinds = sorted({item["kind"] for item in listing["items"]})
    assert listing.get("kind") == "List"
    assert len(kinds) == 16, f"{len(kinds)} kinds: {kinds}"


def test_kubectl_lists_exactly_what_the_cluster_role_grants(kubectl_upload):
    base = renders.render("Deploy/base")
    assert not base.error, f"Deploy/base did not render: {base.error}"
    granted = granted_resources(base.of_kind("ClusterRole")[0])
    listed = set()
    for path in kubectl_upload[2].paths:
        if m := re.fullmatch(r"/api/v1/([a-z]+)", path):
            listed.add(("", m.group(1)))
        elif m := re.fullmatch(r"/apis/([a-z0-9.]+)/v1/([a-z]+)", path):
            listed.add((m.group(1), m.group(2)))
    assert listed == granted, (f"kubectl listed but not granted {sorted(listed - granted)}; "
                               f"granted but unused {sorted(granted - listed)}")


# --- the token -----------------------------------------------------------------------------

ALL_RUNS = ["plain_upload", "token_file_upload", "retried_upload", "refused_upload", "unreachable_upload",
            "kubectl_upload"]


@pytest.mark.usefixtures(*ALL_RUNS)
def test_token_is_in_none_of_the_output(collect):
    leaks = [" ".join(run.args) for run in collect.runs if TOKEN.encode() in run.stdout + run.stderr]
    assert not leaks, f"the token appears in the output of collect-snapshot {leaks}"


@pytest.mark.usefixtures(*ALL_RUNS)
def test_token_is_on_no_curl_command_line(collect):
    # An empty log would mean collect-snapshot ran some other curl, and proved nothing.
    argv = collect.curl_argv_log.read_text() if collect.curl_argv_log.exists() else ""
    assert "--request" in argv, "no curl run was recorded"
    assert TOKEN not in argv
