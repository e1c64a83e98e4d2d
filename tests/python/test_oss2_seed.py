"""The product documents' oss2 samples (concat, sprite) and both documented
sprite requests, run against the emulator with V1 and V4 signatures; every
task must succeed and its output is checked by ffprobe or by decoding."""

import pytest

import ossemu_support as support
from ossemu_support import b64

oss2 = support.import_client("oss2")
credentials = support.import_client("oss2.credentials")
import seed_samples  # noqa: E402  (needs oss2, checked just above)

# The seed's objects, uploaded from testdata/videos. The concat clips have
# three different sizes, so align_1 (the request's own object, the second
# clip after the /pre one) is visible in the output.
SEED_OBJECTS = {
    "emrfinal.mp4": "pre.mov",      # 320x240, 3 s: the request's object
    "osshdfs.mp4": "vfr.mp4",       # 320x180, 3 s, variable frame rate: /pre
    "product.mp4": "odd.mp4",       # 321x241, 2 s, 22.05 kHz mono: /sur
    "src.mp4": "example.mkv",       # VP9/Opus 384x216, 12 s: the sprite source
    "example.mkv": "example.mkv",   # the documented REST requests' source
}

# The sprite document's two REST requests. Their base64 names were made with
# `echo` and end in a newline; the same names without it are used here.
REST_SPRITES = {
    "inter": "video/sprite,f_jpg,sw_200,sh_150,inter_2000,tw_3,th_3,pad_0,margin_0",
    "avg": "video/sprite,f_jpg,m_avg,psw_10,psh_10,scaletype_fit,tw_10,th_10,pad_4,margin_5",
}


@pytest.fixture(scope="module")
def seeded(emulator, videos):
    bucket = oss2.Bucket(oss2.Auth(support.ACCESS_KEY_ID, support.ACCESS_KEY_SECRET), emulator.url, "examplebucket")
    for key, clip in SEED_OBJECTS.items():
        result = bucket.put_object_from_file(key, videos(clip))
        assert result.status == 200
    return emulator


@pytest.fixture(params=["v1", "v4"])
def auth(request, monkeypatch):
    """oss2.Auth (V1) or the documents' ProviderAuthV4 over environment
    credentials."""
    if request.param == "v1":
        return oss2.Auth(support.ACCESS_KEY_ID, support.ACCESS_KEY_SECRET)
    monkeypatch.setenv("OSS_ACCESS_KEY_ID", support.ACCESS_KEY_ID)
    monkeypatch.setenv("OSS_ACCESS_KEY_SECRET", support.ACCESS_KEY_SECRET)
    return oss2.ProviderAuthV4(credentials.EnvironmentVariableCredentialsProvider())


def check_submitted(result):
    """The async call's answer: the three ids OSS returns."""
    assert result.status == 200
    assert result.event_id
    assert result.request_id
    assert result.task_id.startswith("MediaConvert-")


def test_seed_concat(seeded, auth, tmp_path):
    result = seed_samples.concat_main(auth, seeded.url)
    check_submitted(result)
    task = seeded.require_succeeded(result.task_id)
    assert [s["URI"] for s in task["Sources"]] == [
        "oss://examplebucket/osshdfs.mp4", "oss://examplebucket/emrfinal.mp4", "oss://examplebucket/product.mp4"]
    assert [t["URI"] for t in task["Targets"]] == ["oss://examplebucket/out.mp4"]

    bucket = oss2.Bucket(auth, seeded.url, "examplebucket", region=support.REGION)
    out = tmp_path / "out.mp4"
    bucket.get_object_to_file("out.mp4", str(out))
    support.check_seed_concat(str(out), 320, 240, 3 + 3 + 2)


def test_seed_sprite(seeded, auth):
    result = seed_samples.sprite_main(auth, seeded.url)
    check_submitted(result)
    task = seeded.require_succeeded(result.task_id)
    assert [t["URI"] for t in task["Targets"]] == ["oss://examplebucket/example.jpg"]

    bucket = oss2.Bucket(auth, seeded.url, "examplebucket", region=support.REGION)
    data = bucket.get_object("example.jpg").read()
    # 12 s at one frame every 10 s: frames at 0 s and 10 s in a 10x10 sheet.
    support.check_sheet(data, tw=10, th=10, cell_w=100, cell_h=100, pad=0, margin=0, filled=2)


@pytest.mark.parametrize("name", sorted(REST_SPRITES))
def test_documented_sprite_requests(seeded, auth, name):
    bucket = oss2.Bucket(auth, seeded.url, "examplebucket", region=support.REGION)
    target = "outobjprefix-%s-{index}.{autoext}" % name
    process = "%s|sys/saveas,b_%s,o_%s/notify,topic_%s" % (
        REST_SPRITES[name], b64("outbucket"), b64(target), b64("example-mns-topic"))
    result = bucket.async_process_object("example.mkv", process)
    check_submitted(result)
    task = seeded.require_succeeded(result.task_id)
    sheet = "outobjprefix-%s-1.jpg" % name
    assert task["Targets"][0]["URI"] == "oss://outbucket/" + sheet

    out = oss2.Bucket(auth, seeded.url, "outbucket", region=support.REGION)
    data = out.get_object(sheet).read()
    if name == "inter":
        # 12 s at one frame every 2 s: 6 frames (0, 2, … 10 s) on a 3x3 sheet.
        assert len(task["Targets"]) == 1
        support.check_sheet(data, tw=3, th=3, cell_w=200, cell_h=150, pad=0, margin=0, filled=6)
    else:
        # avg without num: one full sheet of 100 frames. 10 % of 384x216 is
        # a 38x22 box; fit keeps the 16:9 ratio inside it, so cells are 38x21.
        assert len(task["Targets"]) == 1
        support.check_sheet(data, tw=10, th=10, cell_w=38, cell_h=21, pad=4, margin=5, filled=100)
