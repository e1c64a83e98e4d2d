"""oss2's everyday object calls against the emulator, with V1 (oss2.Auth) and
V4 (oss2.AuthV4 + region) signatures, each in its own bucket."""

import hashlib
import os

import pytest
import requests

import ossemu_support as support

oss2 = support.import_client("oss2")


@pytest.fixture(params=["v1", "v4"])
def bucket(request, emulator):
    """An oss2.Bucket on the emulator's IP endpoint (oss2 uses path style for
    IP endpoints by itself)."""
    name = "py-objects-" + request.param
    if request.param == "v1":
        auth = oss2.Auth(support.ACCESS_KEY_ID, support.ACCESS_KEY_SECRET)
        return oss2.Bucket(auth, emulator.url, name)
    auth = oss2.AuthV4(support.ACCESS_KEY_ID, support.ACCESS_KEY_SECRET)
    return oss2.Bucket(auth, emulator.url, name, region=support.REGION)


def test_put_and_ranged_get(bucket):
    body = bytes(range(256)) * 4
    put = bucket.put_object("ranged/data.bin", body, headers={"Content-Type": "application/octet-stream"})
    assert put.status == 200
    assert put.etag == hashlib.md5(body).hexdigest().upper()
    assert put.request_id
    assert put.crc is not None  # x-oss-hash-crc64ecma, which oss2 checks itself

    got = bucket.get_object("ranged/data.bin", byte_range=(100, 299))
    assert got.status == 206
    assert got.headers["Content-Range"] == "bytes 100-299/1024"
    assert got.read() == body[100:300]

    tail = bucket.get_object("ranged/data.bin", byte_range=(1000, None))
    assert tail.read() == body[1000:]

    whole = bucket.get_object("ranged/data.bin")
    assert whole.status == 200
    assert whole.content_length == 1024
    assert whole.read() == body


def test_resumable_upload_20mb_in_1mb_parts(bucket, tmp_path):
    size, part = 20 << 20, 1 << 20
    data = os.urandom(size)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    parts = []
    result = oss2.resumable_upload(
        bucket, "big/20mb.bin", str(path),
        store=oss2.ResumableStore(root=str(tmp_path)),
        multipart_threshold=part, part_size=part, num_threads=4,
        progress_callback=lambda done, total: parts.append(done))
    assert result.status == 200
    # A multipart ETag is "<md5 of the part md5s>-<part count>".
    assert result.etag.endswith("-20"), result.etag
    head = bucket.head_object("big/20mb.bin")
    assert head.content_length == size
    assert head.object_type == "Multipart"
    assert hashlib.sha256(bucket.get_object("big/20mb.bin").read()).digest() == hashlib.sha256(data).digest()
    assert parts[-1] == size
    # Nothing is left behind: no open upload, no checkpoint file.
    assert list(oss2.MultipartUploadIterator(bucket, prefix="big/")) == []
    assert not any(p.is_file() and p.name != "big.bin" for p in tmp_path.rglob("*"))


def test_sign_url_get_and_put(bucket):
    bucket.put_object("signed/get.txt", b"signed get body")
    url = bucket.sign_url("GET", "signed/get.txt", 60)
    resp = requests.get(url, timeout=30)
    assert resp.status_code == 200, resp.text
    assert resp.content == b"signed get body"

    headers = {"Content-Type": "text/plain"}
    url = bucket.sign_url("PUT", "signed/put.txt", 60, headers=headers)
    resp = requests.put(url, data=b"signed put body", headers=headers, timeout=30)
    assert resp.status_code == 200, resp.text
    got = bucket.get_object("signed/put.txt")
    assert got.read() == b"signed put body"
    assert got.headers["Content-Type"] == "text/plain"

    # The signature covers the method: a GET URL does not allow a PUT.
    url = bucket.sign_url("GET", "signed/get.txt", 60)
    resp = requests.put(url, data=b"x", timeout=30)
    assert resp.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in resp.text


def test_object_iterator_with_delimiter(bucket):
    keys = ["tree/a.txt", "tree/b/1.txt", "tree/b/2.txt", "tree/c/1.txt", "tree/d.txt"]
    for k in keys:
        bucket.put_object(k, k.encode())
    top = [(o.key, o.is_prefix()) for o in oss2.ObjectIterator(bucket, prefix="tree/", delimiter="/", max_keys=2)]
    assert top == [("tree/a.txt", False), ("tree/b/", True), ("tree/c/", True), ("tree/d.txt", False)]
    deep = [o.key for o in oss2.ObjectIterator(bucket, prefix="tree/b/")]
    assert deep == ["tree/b/1.txt", "tree/b/2.txt"]
    sizes = {o.key: o.size for o in oss2.ObjectIterator(bucket, prefix="tree/")}
    assert sizes == {k: len(k) for k in keys}


def test_batch_delete_objects(bucket):
    keys = ["batch/%d.txt" % i for i in range(5)]
    for k in keys:
        bucket.put_object(k, b"x")
    result = bucket.batch_delete_objects(keys[:3] + ["batch/never-there.txt"])
    assert sorted(result.deleted_keys) == sorted(keys[:3] + ["batch/never-there.txt"])
    left = [o.key for o in oss2.ObjectIterator(bucket, prefix="batch/")]
    assert left == keys[3:]
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.get_object(keys[0])


def test_wrong_secret(emulator, bucket):
    bucket.put_object("secret.txt", b"x")
    if isinstance(bucket.auth, oss2.AuthV4):
        auth = oss2.AuthV4(support.ACCESS_KEY_ID, "wrong-secret")
    else:
        auth = oss2.Auth(support.ACCESS_KEY_ID, "wrong-secret")
    wrong = oss2.Bucket(auth, emulator.url, bucket.bucket_name, region=support.REGION)
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as e:
        wrong.get_object("secret.txt")
    assert e.value.status == 403
    assert e.value.code == "SignatureDoesNotMatch"
    assert len(e.value.request_id) == 24
    assert e.value.ec.startswith("0002-"), e.value.ec
