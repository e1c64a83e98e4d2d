"""aws-cli (PyPI awscli) against the emulator's S3 dialect."""

import os
import subprocess
import sys

import pytest
import urllib3

from conftest import AK, SK, need


@pytest.fixture(scope="module")
def aws(emulator, tmp_path_factory):
    """Runs `aws --endpoint-url <emulator> …` with the emulator's keys and
    no user configuration; returns its stdout."""
    exe = need(os.path.join(os.path.dirname(sys.executable), "aws"), "aws-cli (.venv/bin/aws)")
    home = tmp_path_factory.mktemp("awshome")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=AK, AWS_SECRET_ACCESS_KEY=SK, AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(home / "config"), AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"))

    def run(*args, check=True):
        p = subprocess.run([exe, "--endpoint-url", emulator, *args], env=env, capture_output=True, text=True)
        if check and p.returncode != 0:
            pytest.fail(f"aws {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
        return p.stdout

    return run


def test_cp_ls_rm_presign(aws, tmp_path):
    src = tmp_path / "big.bin"
    data = os.urandom(30 * (1 << 20))
    src.write_bytes(data)
    aws("s3", "cp", "--only-show-errors", str(src), "s3://cli-bucket/videos/big.bin")
    (tmp_path / "small.txt").write_text("small\n")
    aws("s3", "cp", "--only-show-errors", str(tmp_path / "small.txt"), "s3://cli-bucket/small.txt")

    down = tmp_path / "down.bin"
    aws("s3", "cp", "--only-show-errors", "s3://cli-bucket/videos/big.bin", str(down))
    assert down.read_bytes() == data

    top = aws("s3", "ls", "s3://cli-bucket/")
    assert "PRE videos/" in top and "small.txt" in top
    deep = aws("s3", "ls", "--recursive", "s3://cli-bucket/")
    assert f"{len(data)} videos/big.bin" in deep
    assert "cli-bucket" in aws("s3", "ls")

    url = aws("s3", "presign", "s3://cli-bucket/videos/big.bin", "--expires-in", "300").strip()
    r = urllib3.request("GET", url)
    assert r.status == 200 and r.data == data
    r = urllib3.request("GET", url, headers={"Range": "bytes=5-9"})
    assert r.status == 206 and r.data == data[5:10]

    aws("s3", "rm", "--only-show-errors", "s3://cli-bucket/videos/big.bin")
    assert "big.bin" not in aws("s3", "ls", "--recursive", "s3://cli-bucket/")
    assert urllib3.request("GET", url).status == 404


def test_head_object_metadata(aws, tmp_path):
    (tmp_path / "m.txt").write_text("meta\n")
    aws("s3", "cp", "--only-show-errors", str(tmp_path / "m.txt"), "s3://cli-bucket/m.txt", "--metadata", "team=video")
    out = aws("s3api", "head-object", "--bucket", "cli-bucket", "--key", "m.txt")
    assert '"team": "video"' in out
