"""boto3 against the emulator's S3 dialect, as an application uses it."""

import base64
import hashlib
import io
import os

import pytest
import urllib3
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from conftest import DOMAIN, make_client

MiB = 1 << 20


def sent_headers(client, name):
    """Records header name of every request client sends, as text."""
    seen = []

    def record(request, **_):
        v = request.headers.get(name)
        seen.append(v.decode() if isinstance(v, bytes) else v)

    client.meta.events.register("before-send.s3", record)
    return seen


def payload_hashes(client):
    return sent_headers(client, "X-Amz-Content-SHA256")


def roundtrip(c, bucket):
    """Put with metadata, head, ranged get, copy, list v2 with a delimiter
    and paging, delete-multiple: the calls an application makes."""
    body = os.urandom(200_000)
    key = "dir/a b+c ü.bin"
    c.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/x-test", Metadata={"owner": "alice"})
    head = c.head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == len(body)
    assert head["ContentType"] == "application/x-test"
    assert head["Metadata"] == {"owner": "alice"}
    assert len(head["ResponseMetadata"]["RequestId"]) == 24
    part = c.get_object(Bucket=bucket, Key=key, Range="bytes=100-199")
    assert part["ContentRange"] == "bytes 100-199/200000"
    assert part["Body"].read() == body[100:200]

    c.copy_object(Bucket=bucket, Key="copy.bin", CopySource={"Bucket": bucket, "Key": key})
    got = c.get_object(Bucket=bucket, Key="copy.bin")
    assert got["Body"].read() == body and got["Metadata"] == {"owner": "alice"}
    c.copy_object(Bucket=bucket, Key="copy2.bin", CopySource={"Bucket": bucket, "Key": key},
                  MetadataDirective="REPLACE", Metadata={"owner": "bob"}, ContentType="text/plain")
    got = c.head_object(Bucket=bucket, Key="copy2.bin")
    assert got["Metadata"] == {"owner": "bob"} and got["ContentType"] == "text/plain"

    for i in range(5):
        c.put_object(Bucket=bucket, Key=f"list/k{i}", Body=b"x")
    c.put_object(Bucket=bucket, Key="list/sub/deep", Body=b"y")
    keys, prefixes, pages = [], [], 0
    for page in c.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="list/", Delimiter="/",
                                                            PaginationConfig={"PageSize": 2}):
        pages += 1
        keys += [o["Key"] for o in page.get("Contents", [])]
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    assert keys == [f"list/k{i}" for i in range(5)]
    assert prefixes == ["list/sub/"]
    assert pages == 3
    owned = c.list_objects_v2(Bucket=bucket, Prefix="dir/", FetchOwner=True)["Contents"]
    assert [o["Key"] for o in owned] == [key] and owned[0]["Owner"]["ID"]

    res = c.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "list/k0"}, {"Key": "list/k1"}, {"Key": "nope"}]})
    assert sorted(d["Key"] for d in res["Deleted"]) == ["list/k0", "list/k1", "nope"]
    assert c.list_objects_v2(Bucket=bucket, Prefix="list/k")["KeyCount"] == 3


def test_path_style(s3):
    seen = payload_hashes(s3)
    roundtrip(s3, "boto-path")
    # Over plain HTTP boto3 signs the payload's SHA-256.
    assert all(h and len(h) == 64 for h in seen), seen


@pytest.mark.parametrize("bucket,endpoint", [("boto-vhost", "oss-cn-hangzhou.aliyuncs.com"), ("boto-domain", DOMAIN)])
def test_virtual_hosted(emulator, bucket, endpoint):
    # The real OSS name, or the emulator's --domain, reached through the
    # emulator as the HTTP proxy, so <bucket>.<endpoint> needs no DNS.
    c = make_client("http://" + endpoint, style="virtual", proxies={"http": emulator})
    hosts = []
    c.meta.events.register("before-send.s3", lambda request, **_: hosts.append(urllib3.util.parse_url(request.url).host))
    roundtrip(c, bucket)
    assert set(hosts) == {f"{bucket}.{endpoint}"}


def test_signature_v2(emulator):
    c = make_client(emulator, signature="s3")
    seen = sent_headers(c, "Authorization")
    roundtrip(c, "boto-v2")
    assert all(a.startswith("AWS ") for a in seen), seen[:1]


def test_multipart(s3):
    body = os.urandom(12 * MiB + 5)
    cfg = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)
    s3.upload_fileobj(io.BytesIO(body), "boto-path", "multi.bin", Config=cfg, ExtraArgs={"Metadata": {"parts": "3"}})
    head = s3.head_object(Bucket="boto-path", Key="multi.bin")
    assert head["ETag"].strip('"').endswith("-3")
    assert head["Metadata"] == {"parts": "3"}
    out = io.BytesIO()
    s3.download_fileobj("boto-path", "multi.bin", out, Config=cfg)
    assert out.getvalue() == body


def test_tls_trailer_checksum(tls_proxy):
    """Over HTTPS boto3 streams uploads as aws-chunked
    STREAMING-UNSIGNED-PAYLOAD-TRAILER bodies with a CRC32 trailer."""
    url, ca = tls_proxy
    c = make_client(url, verify=ca)
    seen = payload_hashes(c)
    body = os.urandom(3 * MiB + 7)
    c.put_object(Bucket="boto-tls", Key="trailer.bin", Body=body, Metadata={"via": "tls"})
    assert seen[-1] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    got = c.get_object(Bucket="boto-tls", Key="trailer.bin")
    assert got["Body"].read() == body
    assert got["ContentLength"] == len(body)
    assert "ContentEncoding" not in got, "aws-chunked is framing, not stored"
    cfg = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)
    big = os.urandom(11 * MiB)
    c.upload_fileobj(io.BytesIO(big), "boto-tls", "trailer-multi.bin", Config=cfg)
    assert seen.count("STREAMING-UNSIGNED-PAYLOAD-TRAILER") >= 4
    assert c.get_object(Bucket="boto-tls", Key="trailer-multi.bin")["Body"].read() == big


@pytest.mark.parametrize("signature", ["s3v4", "s3"])
def test_presigned(emulator, s3, signature):
    c = make_client(emulator, signature=signature)
    key = f"presigned-{signature}.txt"
    put = c.generate_presigned_url("put_object", Params={"Bucket": "boto-path", "Key": key}, ExpiresIn=300)
    r = urllib3.request("PUT", put, body=b"via presigned PUT")
    assert r.status == 200, r.data
    get = c.generate_presigned_url("get_object", Params={"Bucket": "boto-path", "Key": key}, ExpiresIn=300)
    assert ("X-Amz-Signature=" in get) == (signature == "s3v4")
    r = urllib3.request("GET", get)
    assert r.status == 200 and r.data == b"via presigned PUT"
    r = urllib3.request("GET", get.replace(key, key + "x"))
    assert r.status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in r.data


@pytest.mark.parametrize("signature", ["s3v4", "s3"])
def test_wrong_secret(emulator, signature):
    c = make_client(emulator, secret="not-the-secret", signature=signature)
    for call in (lambda: c.list_objects_v2(Bucket="boto-path"),
                 lambda: c.put_object(Bucket="boto-path", Key="intruder", Body=b"no")):
        with pytest.raises(ClientError) as e:
            call()
        err = e.value.response
        assert err["Error"]["Code"] == "SignatureDoesNotMatch"
        assert err["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert len(err["ResponseMetadata"]["RequestId"]) == 24
    with pytest.raises(ClientError) as e:
        make_client(emulator).head_object(Bucket="boto-path", Key="intruder")
    assert e.value.response["Error"]["Code"] == "404"


def test_buckets(s3):
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert "boto-path" in names
    s3.head_bucket(Bucket="boto-path")
    assert s3.get_bucket_location(Bucket="boto-path")["LocationConstraint"]
    s3.create_bucket(Bucket="boto-made")
    s3.delete_bucket(Bucket="boto-made")
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket="boto-made")
    assert e.value.response["Error"]["Code"] == "404"


def test_acl_content_md5_and_uploads(s3):
    s3.put_object(Bucket="boto-path", Key="acl.txt", Body=b"x", ACL="public-read")  # x-amz-acl is accepted
    s3.put_object_acl(Bucket="boto-path", Key="acl.txt", ACL="private")
    for grants in (s3.get_object_acl(Bucket="boto-path", Key="acl.txt")["Grants"], s3.get_bucket_acl(Bucket="boto-path")["Grants"]):
        assert grants == [{"Grantee": {"DisplayName": "ossemu", "ID": "ossemu", "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]

    good = base64.b64encode(hashlib.md5(b"body").digest()).decode()
    s3.put_object(Bucket="boto-path", Key="md5.txt", Body=b"body", ContentMD5=good)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket="boto-path", Key="md5.txt", Body=b"other", ContentMD5=good)
    assert e.value.response["Error"]["Code"] == "BadDigest"
    assert s3.get_object(Bucket="boto-path", Key="md5.txt")["Body"].read() == b"body", "a failed write loses nothing"

    up = s3.create_multipart_upload(Bucket="boto-path", Key="pending.bin")
    listed = s3.list_multipart_uploads(Bucket="boto-path", Prefix="pending")["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in listed] == [("pending.bin", up["UploadId"])]
    s3.abort_multipart_upload(Bucket="boto-path", Key="pending.bin", UploadId=up["UploadId"])
    assert "Uploads" not in s3.list_multipart_uploads(Bucket="boto-path", Prefix="pending")


def test_part_copy_and_copy_conditions(s3):
    body = os.urandom(6 * MiB)
    s3.put_object(Bucket="boto-path", Key="src.bin", Body=body)
    up = s3.create_multipart_upload(Bucket="boto-path", Key="assembled.bin")
    parts = []
    for n, rng in ((1, "bytes=0-5242879"), (2, "bytes=5242880-6291455")):
        p = s3.upload_part_copy(Bucket="boto-path", Key="assembled.bin", UploadId=up["UploadId"], PartNumber=n,
                                CopySource={"Bucket": "boto-path", "Key": "src.bin"}, CopySourceRange=rng)
        parts.append({"PartNumber": n, "ETag": p["CopyPartResult"]["ETag"]})
    s3.complete_multipart_upload(Bucket="boto-path", Key="assembled.bin", UploadId=up["UploadId"],
                                 MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket="boto-path", Key="assembled.bin")["Body"].read() == body
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket="boto-path", Key="never.bin", CopySource="boto-path/src.bin", CopySourceIfMatch='"nope"')
    assert e.value.response["Error"]["Code"] == "PreconditionFailed"
