"""alibabacloud-oss-v2 (the V4-only Python SDK) against the emulator:
async_process_object with a concat, put/get, the ListObjectsV2 paginator and
presigned URLs."""

import hashlib

import pytest
import requests

import ossemu_support as support
from ossemu_support import b64

oss = support.import_client("alibabacloud_oss_v2")

BUCKET = "py-oss-v2"


@pytest.fixture(scope="module")
def client(emulator):
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
        support.ACCESS_KEY_ID, support.ACCESS_KEY_SECRET)
    cfg.region = support.REGION
    cfg.endpoint = emulator.url  # an IP endpoint: the SDK uses path style by itself
    cfg.retry_max_attempts = 1
    return oss.Client(cfg)


def test_async_process_object_concat(client, emulator, videos, tmp_path):
    for key, clip in {"v2/pre.mp4": "vfr.mp4", "v2/main.mov": "pre.mov"}.items():
        with open(videos(clip), "rb") as f:
            put = client.put_object(oss.PutObjectRequest(bucket=BUCKET, key=key, body=f.read()))
        assert put.status_code == 200
    process = ("video/concat,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1"
               "/pre,o_%s|sys/saveas,b_%s,o_%s/notify,topic_%s") % (
        b64("v2/pre.mp4"), b64(BUCKET), b64("v2/joined.{autoext}"), b64("py-v2-done"))
    result = client.async_process_object(oss.AsyncProcessObjectRequest(bucket=BUCKET, key="v2/main.mov", process=process))
    assert result.status_code == 200
    assert result.event_id
    assert result.request_id
    assert result.process_request_id
    assert result.task_id.startswith("MediaConvert-")
    task = emulator.require_succeeded(result.task_id)
    assert [t["URI"] for t in task["Targets"]] == ["oss://%s/v2/joined.mp4" % BUCKET]

    got = client.get_object(oss.GetObjectRequest(bucket=BUCKET, key="v2/joined.mp4"))
    out = tmp_path / "joined.mp4"
    out.write_bytes(got.body.read())
    support.check_seed_concat(str(out), 320, 240, 3 + 3)


def test_put_and_get(client):
    body = b"alibabacloud-oss-v2 body " * 100
    put = client.put_object(oss.PutObjectRequest(bucket=BUCKET, key="objects/a.txt", body=body,
                                                 content_type="text/plain", metadata={"owner": "dave"}))
    assert put.status_code == 200
    assert put.etag == '"%s"' % hashlib.md5(body).hexdigest().upper()
    assert put.hash_crc64 is not None
    assert put.request_id

    got = client.get_object(oss.GetObjectRequest(bucket=BUCKET, key="objects/a.txt"))
    assert got.body.read() == body
    assert got.content_type == "text/plain"
    assert got.metadata == {"owner": "dave"}
    assert got.etag == put.etag

    part = client.get_object(oss.GetObjectRequest(bucket=BUCKET, key="objects/a.txt", range_header="bytes=5-14"))
    assert part.status_code == 206
    assert part.content_range == "bytes 5-14/%d" % len(body)
    assert part.body.read() == body[5:15]

    with pytest.raises(oss.exceptions.OperationError) as e:
        client.get_object(oss.GetObjectRequest(bucket=BUCKET, key="objects/missing.txt"))
    err = e.value.unwrap()
    assert err.status_code == 404
    assert err.code == "NoSuchKey"
    assert err.ec
    assert err.request_id


def test_list_objects_v2_paginator(client):
    keys = ["paged/%02d.txt" % i for i in range(7)] + ["paged/sub/x.txt", "paged/sub/y.txt"]
    for k in keys:
        client.put_object(oss.PutObjectRequest(bucket=BUCKET, key=k, body=k.encode()))
    paginator = client.list_objects_v2_paginator()
    pages = list(paginator.iter_page(oss.ListObjectsV2Request(bucket=BUCKET, prefix="paged/", delimiter="/", max_keys=3)))
    found = [o.key for p in pages for o in (p.contents or [])]
    prefixes = [c.prefix for p in pages for c in (p.common_prefixes or [])]
    assert found == keys[:7]
    assert prefixes == ["paged/sub/"]
    assert len(pages) == 3  # 8 entries (7 keys, 1 prefix), 3 per page
    assert all(o.size == len(o.key) for p in pages for o in (p.contents or []))

    every = [o.key for p in paginator.iter_page(oss.ListObjectsV2Request(bucket=BUCKET, prefix="paged/", max_keys=4))
             for o in p.contents]
    assert every == sorted(keys)


def test_presign(client):
    client.put_object(oss.PutObjectRequest(bucket=BUCKET, key="presigned/get.txt", body=b"presigned body"))
    pre = client.presign(oss.GetObjectRequest(bucket=BUCKET, key="presigned/get.txt"))
    assert pre.method == "GET"
    assert "x-oss-signature-version=OSS4-HMAC-SHA256" in pre.url
    resp = requests.get(pre.url, timeout=30)
    assert resp.status_code == 200, resp.text
    assert resp.content == b"presigned body"

    pre = client.presign(oss.PutObjectRequest(bucket=BUCKET, key="presigned/put.txt", content_type="text/plain"))
    assert pre.method == "PUT"
    resp = requests.put(pre.url, data=b"uploaded by url", headers=pre.signed_headers, timeout=30)
    assert resp.status_code == 200, resp.text
    got = client.get_object(oss.GetObjectRequest(bucket=BUCKET, key="presigned/put.txt"))
    assert got.body.read() == b"uploaded by url"
    assert got.content_type == "text/plain"

    # A tampered signature is refused.
    bad = client.presign(oss.GetObjectRequest(bucket=BUCKET, key="presigned/get.txt")).url
    bad = bad.replace("x-oss-signature=", "x-oss-signature=0")
    resp = requests.get(bad, timeout=30)
    assert resp.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in resp.text
