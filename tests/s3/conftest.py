"""Fixtures for the S3-dialect tests: a real emulator process, S3 clients
pointed at it, and a TLS-terminating proxy for what clients only send over
HTTPS.

The emulator binary is $OSSEMU_BIN when set, else built from this checkout
with `go build` (scripts/env.sh puts Go on PATH). Run from the repository
root with the virtualenv scripts/install-s3-clients.sh makes:

    .venv/bin/python -m pytest tests/s3
"""

import os
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading

import boto3
import pytest
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AK, SK = "s3-test-access-key", "s3-test-secret-key"
BUCKETS = ("boto-path", "boto-vhost", "boto-domain", "boto-tls", "boto-v2", "cli-bucket")
DOMAIN = "s3.ossemu.test"  # the emulator's --domain: <bucket>.s3.ossemu.test is virtual-hosted


def need(tool_path, what):
    """Returns tool_path when it exists; a missing client fails under
    CI=true and skips elsewhere."""
    if tool_path and os.path.exists(tool_path):
        return tool_path
    msg = f"{what} is missing; scripts/install-s3-clients.sh installs it"
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def emulator_bin(tmp_path_factory):
    if os.environ.get("OSSEMU_BIN"):
        return os.environ["OSSEMU_BIN"]
    go = shutil.which("go") or next((p for p in ("/usr/local/go/bin/go", "/usr/lib/go-1.23/bin/go") if os.path.exists(p)), None)
    need(go, "go (to build the emulator)")
    out = str(tmp_path_factory.mktemp("bin") / "emulator")
    subprocess.run([go, "build", "-o", out, "./cmd/emulator"], cwd=ROOT, check=True)
    return out


@pytest.fixture(scope="session")
def emulator(emulator_bin, tmp_path_factory):
    """Starts the emulator on a free loopback port; yields its base URL."""
    data = tmp_path_factory.mktemp("data")
    log = open(data / "emulator.log", "w")
    proc = subprocess.Popen(
        [emulator_bin, "--addr", "127.0.0.1:0", "--data-dir", str(data / "d"), "--buckets", ",".join(BUCKETS),
         "--access-key-id", AK, "--access-key-secret", SK, "--region", "cn-hangzhou", "--domain", DOMAIN],
        stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline().strip()
    prefix = "ossemu listening on "
    if not line.startswith(prefix):
        proc.kill()
        pytest.fail(f"emulator did not start: {line!r}; see {data}/emulator.log")
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    yield line[len(prefix):]
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def make_client(endpoint, secret=SK, style="path", signature="s3v4", **kw):
    """A boto3 S3 client as an application configures one for an S3
    endpoint: region, keys, addressing style; nothing else changed."""
    cfg = Config(signature_version=signature, s3={"addressing_style": style}, retries={"max_attempts": 1},
                 proxies=kw.pop("proxies", None))
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=AK, aws_secret_access_key=secret,
                        region_name="us-east-1", config=cfg, **kw)


@pytest.fixture()
def s3(emulator):
    return make_client(emulator)


@pytest.fixture(scope="session")
def tls_proxy(emulator, tmp_path_factory):
    """A TLS front for the emulator (a byte pipe, so Host, chunked framing
    and every header pass untouched); yields (https URL, CA file)."""
    openssl = need(shutil.which("openssl"), "openssl")
    d = tmp_path_factory.mktemp("tls")
    cert, key = str(d / "cert.pem"), str(d / "key.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    host, port = emulator.removeprefix("http://").rsplit(":", 1)

    class Pipe(socketserver.BaseRequestHandler):
        def handle(self):
            try:
                client = ctx.wrap_socket(self.request, server_side=True)
            except (ssl.SSLError, OSError):
                return
            upstream = socket.create_connection((host, int(port)))

            def pump(src, dst):
                try:
                    while data := src.recv(65536):
                        dst.sendall(data)
                except OSError:
                    pass
                finally:
                    for s in (src, dst):
                        try:
                            s.shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass

            t = threading.Thread(target=pump, args=(upstream, client), daemon=True)
            t.start()
            pump(client, upstream)
            t.join()

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Pipe)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}", cert
    server.shutdown()
