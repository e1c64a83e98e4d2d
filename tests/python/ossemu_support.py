"""Runs a real ossemu emulator process for the SDK tests and checks what it made.

The emulator is the binary in $OSSEMU_BIN (scripts/test.sh builds it once) or,
without it, one built here with `go build ./cmd/emulator`. Each Emulator gets
a fresh data directory, free loopback ports for OSS and the built-in MNS
service, and the buckets the tests name.
"""

import base64
import importlib
import io
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ACCESS_KEY_ID = "py-access-key"
ACCESS_KEY_SECRET = "py-secret-key"
REGION = "cn-hangzhou"
VIDEOS = os.path.join(REPO, "testdata", "videos")

# TASK_WAIT bounds the wait for one media task (they take seconds here).
TASK_WAIT = 180


def missing(what):
    """Skips the calling test, or fails it under CI=true: there a missing
    client or tool is a broken install, never a reason to test less."""
    if os.environ.get("CI") == "true":
        pytest.fail(what + " (scripts/install-sdk-clients.sh installs it)", pytrace=False)
    pytest.skip(what, allow_module_level=True)


def import_client(module):
    """Imports an SDK module, or reports it missing (see missing)."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        missing("%s is not installed: %s" % (module, e))


def require_tool(name):
    path = shutil.which(name)
    if path is None:
        missing(name + " not found")
    return path


def b64(s):
    """URL-safe base64 without padding, as OSS process strings want names."""
    return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")


def emulator_binary(tmpdir):
    """$OSSEMU_BIN, or ./cmd/emulator built into tmpdir."""
    path = os.environ.get("OSSEMU_BIN")
    if path:
        if not os.access(path, os.X_OK):
            pytest.fail("OSSEMU_BIN=%s is not an executable" % path, pytrace=False)
        return path
    go = require_tool("go")
    path = os.path.join(tmpdir, "emulator")
    subprocess.run([go, "build", "-o", path, "./cmd/emulator"], cwd=REPO, check=True)
    return path


class Emulator:
    """One running emulator: .url is the OSS endpoint, .mns_url the MNS one."""

    def __init__(self, binary, workdir, buckets):
        self.data_dir = os.path.join(workdir, "data")
        self.log_path = os.path.join(workdir, "emulator.log")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [binary, "--addr", "127.0.0.1:0", "--mns-addr", "127.0.0.1:0",
             "--data-dir", self.data_dir, "--buckets", ",".join(buckets),
             "--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET,
             "--region", REGION],
            stdout=subprocess.PIPE, stderr=self._log, stdin=subprocess.DEVNULL)
        self.url = self.mns_url = None
        deadline = time.monotonic() + 60
        while (self.url is None or self.mns_url is None) and time.monotonic() < deadline:
            line = self.proc.stdout.readline().decode()
            if not line:
                break
            if line.startswith("ossemu listening on "):
                self.url = line.split()[-1]
            elif line.startswith("ossemu MNS listening on "):
                self.mns_url = line.split()[-1]
        if self.url is None or self.mns_url is None:
            self.stop()
            raise RuntimeError("emulator did not start:\n" + self.log_tail())
        # Keep draining stdout so the emulator never blocks on a full pipe.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self._log.close()

    def log_tail(self, n=4000):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")[-n:]

    def task(self, task_id):
        """GET /_ossemu/tasks/<id> (docs/queue.md), HTTP Basic auth."""
        req = urllib.request.Request(self.url + "/_ossemu/tasks/" + task_id)
        token = base64.b64encode((ACCESS_KEY_ID + ":" + ACCESS_KEY_SECRET).encode()).decode()
        req.add_header("Authorization", "Basic " + token)
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.load(resp)

    def wait_task(self, task_id):
        """Polls the task API until the task ends; returns its final view.
        The emulator is another process, so polling is the only way to wait."""
        deadline = time.monotonic() + TASK_WAIT
        while True:
            t = self.task(task_id)
            if t["Status"] in ("Succeeded", "Failed"):
                return t
            if time.monotonic() > deadline:
                raise AssertionError("task %s still %s after %ss" % (task_id, t["Status"], TASK_WAIT))
            time.sleep(0.1)

    def require_succeeded(self, task_id):
        t = self.wait_task(task_id)
        assert t["Status"] == "Succeeded", "task %s: %s: %s\n%s" % (
            task_id, t.get("Code"), t.get("Message"), self.log_tail())
        assert t["Progress"] == 100
        return t


def ffprobe(path):
    """The streams and format of a media file, as ffprobe reports them."""
    out = subprocess.run(
        [require_tool("ffprobe"), "-v", "error", "-show_streams", "-show_format", "-of", "json", path],
        check=True, capture_output=True).stdout
    info = json.loads(out)
    streams = {}
    for s in info["streams"]:
        streams.setdefault(s["codec_type"], s)
    return streams, float(info["format"]["duration"])


def check_seed_concat(path, width, height, duration):
    """Asserts the seed's concat output: h264 at 25 fps, AAC 48 kHz stereo,
    the align_1 clip's size, and the sum of the clips' durations."""
    streams, dur = ffprobe(path)
    v, a = streams["video"], streams["audio"]
    assert v["codec_name"] == "h264"
    assert (v["width"], v["height"]) == (width, height)
    assert v["avg_frame_rate"] == "25/1"
    assert a["codec_name"] == "aac"
    assert int(a["sample_rate"]) == 48000
    assert a["channels"] == 2
    assert abs(dur - duration) < 0.35, dur


def cell_means(image, tw, th, cell_w, cell_h, pad, margin):
    """The mean brightness of each cell of a tw×th sprite sheet, row-major."""
    image_stat = import_client("PIL.ImageStat")
    gray = image.convert("L")
    means = []
    for row in range(th):
        for col in range(tw):
            x = margin + col * (cell_w + pad)
            y = margin + row * (cell_h + pad)
            box = gray.crop((x + 1, y + 1, x + cell_w - 1, y + cell_h - 1))
            means.append(image_stat.Stat(box).mean[0])
    return means


def check_sheet(data, tw, th, cell_w, cell_h, pad, margin, filled, fmt="JPEG"):
    """Decodes a sprite sheet and asserts its size, format and grid: the
    first `filled` cells hold frames (the test clips are bright colour
    patterns), the rest are black."""
    img = import_client("PIL.Image").open(io.BytesIO(data))
    assert img.format == fmt
    want = (2 * margin + tw * cell_w + (tw - 1) * pad, 2 * margin + th * cell_h + (th - 1) * pad)
    assert img.size == want, "sheet is %dx%d, want %dx%d" % (img.size + want)
    means = cell_means(img, tw, th, cell_w, cell_h, pad, margin)
    for i, m in enumerate(means):
        if i < filled:
            assert m > 40, "cell %d should hold a frame (mean %.1f)" % (i, m)
        else:
            assert m < 8, "cell %d should be black (mean %.1f)" % (i, m)
    return img
