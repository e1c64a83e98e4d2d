package io.ossemu.sdktests;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.HttpMethod;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.common.comm.SignVersion;
import com.aliyun.oss.model.DeleteObjectsRequest;
import com.aliyun.oss.model.DeleteObjectsResult;
import com.aliyun.oss.model.GeneratePresignedUrlRequest;
import com.aliyun.oss.model.GetObjectRequest;
import com.aliyun.oss.model.ListObjectsV2Request;
import com.aliyun.oss.model.ListObjectsV2Result;
import com.aliyun.oss.model.OSSObject;
import com.aliyun.oss.model.OSSObjectSummary;
import com.aliyun.oss.model.ObjectMetadata;
import com.aliyun.oss.model.PutObjectResult;
import com.aliyun.oss.model.UploadFileRequest;
import com.aliyun.oss.model.UploadFileResult;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * aliyun-sdk-oss's everyday object calls against the emulator, with V1 and
 * V4 signatures, each in its own bucket. The endpoint is the emulator's
 * http://127.0.0.1:port: for an IP (or localhost) endpoint the SDK turns on
 * second-level-domain mode (path style, /bucket/key) by itself.
 */
@ExtendWith(Emulator.Extension.class)
class ObjectsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    static OSS client(Emulator emu, String version, String secret) {
        ClientBuilderConfiguration conf = new ClientBuilderConfiguration();
        conf.setMaxErrorRetry(0);
        if (version.equals("v4")) {
            conf.setSignatureVersion(SignVersion.V4);
        }
        return OSSClientBuilder.create().endpoint(emu.url)
                .credentialsProvider(new DefaultCredentialProvider(emu.accessKeyId, secret))
                .clientConfiguration(conf).region(Emulator.REGION).build();
    }

    static String bucket(String version) {
        return "java-objects-" + version;
    }

    static byte[] read(OSSObject o) throws IOException {
        try (InputStream in = o.getObjectContent()) {
            return in.readAllBytes();
        }
    }

    static String md5Hex(byte[] b) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v4"})
    void putAndRangedGet(String v, Emulator emu) throws Exception {
        OSS c = client(emu, v, emu.accessKeySecret);
        try {
            byte[] body = new byte[1024];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) i;
            }
            ObjectMetadata meta = new ObjectMetadata();
            meta.setContentType("application/octet-stream");
            meta.addUserMetadata("owner", "erin");
            PutObjectResult put = c.putObject(bucket(v), "ranged/data.bin", new ByteArrayInputStream(body), meta);
            assertEquals(md5Hex(body), put.getETag());
            assertEquals(24, put.getRequestId().length());
            assertTrue(put.getServerCRC() != null, "x-oss-hash-crc64ecma");

            OSSObject part = c.getObject(new GetObjectRequest(bucket(v), "ranged/data.bin").withRange(100, 299));
            assertArrayEquals(java.util.Arrays.copyOfRange(body, 100, 300), read(part));
            assertEquals(200, part.getObjectMetadata().getContentLength());
            assertEquals("bytes 100-299/1024", part.getObjectMetadata().getRawMetadata().get("Content-Range"));

            OSSObject whole = c.getObject(bucket(v), "ranged/data.bin");
            assertArrayEquals(body, read(whole));
            assertEquals("erin", whole.getObjectMetadata().getUserMetadata().get("owner"));
        } finally {
            c.shutdown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v4"})
    void uploadFileIn1MBPartsWithSeveralThreads(String v, Emulator emu, @TempDir Path tmp) throws Throwable {
        OSS c = client(emu, v, emu.accessKeySecret);
        try {
            byte[] data = new byte[20 << 20];
            new Random(42).nextBytes(data);
            Path file = tmp.resolve("big.bin");
            Files.write(file, data);
            UploadFileRequest req = new UploadFileRequest(bucket(v), "big/20mb.bin");
            req.setUploadFile(file.toString());
            req.setPartSize(1 << 20);
            req.setTaskNum(4);
            req.setEnableCheckpoint(true);
            req.setCheckpointFile(tmp.resolve("big.ucp").toString());
            UploadFileResult r = c.uploadFile(req);
            // A multipart ETag is "<md5 of the part md5s>-<part count>".
            assertTrue(r.getMultipartUploadResult().getETag().endsWith("-20"), r.getMultipartUploadResult().getETag());
            ObjectMetadata head = c.getObjectMetadata(bucket(v), "big/20mb.bin");
            assertEquals(data.length, head.getContentLength());
            assertEquals("Multipart", head.getObjectType());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            assertArrayEquals(sha.digest(data), sha.digest(read(c.getObject(bucket(v), "big/20mb.bin"))));
            assertTrue(c.listMultipartUploads(new com.aliyun.oss.model.ListMultipartUploadsRequest(bucket(v)))
                    .getMultipartUploads().isEmpty(), "no upload left open");
            assertTrue(Files.notExists(tmp.resolve("big.ucp")), "checkpoint removed after success");
        } finally {
            c.shutdown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v4"})
    void generatePresignedUrl(String v, Emulator emu) throws Exception {
        OSS c = client(emu, v, emu.accessKeySecret);
        try {
            c.putObject(bucket(v), "signed/get.txt", new ByteArrayInputStream("signed get body".getBytes()));
            Date expires = new Date(System.currentTimeMillis() + 60_000);
            URL get = c.generatePresignedUrl(bucket(v), "signed/get.txt", expires);
            HttpResponse<String> resp = http.send(HttpRequest.newBuilder(get.toURI()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, resp.statusCode(), resp.body());
            assertEquals("signed get body", resp.body());

            GeneratePresignedUrlRequest req = new GeneratePresignedUrlRequest(bucket(v), "signed/put.txt", HttpMethod.PUT);
            req.setExpiration(expires);
            req.setContentType("text/plain");
            URL put = c.generatePresignedUrl(req);
            resp = http.send(HttpRequest.newBuilder(put.toURI()).header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofString("signed put body")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, resp.statusCode(), resp.body());
            OSSObject got = c.getObject(bucket(v), "signed/put.txt");
            assertEquals("signed put body", new String(read(got), StandardCharsets.UTF_8));
            assertEquals("text/plain", got.getObjectMetadata().getContentType());

            // The signature covers the method: the GET URL does not allow a PUT.
            resp = http.send(HttpRequest.newBuilder(get.toURI()).PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, resp.statusCode());
            assertTrue(resp.body().contains("<Code>SignatureDoesNotMatch</Code>"), resp.body());
        } finally {
            c.shutdown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v4"})
    void listObjectsV2WithDelimiter(String v, Emulator emu) {
        OSS c = client(emu, v, emu.accessKeySecret);
        try {
            List<String> keys = List.of("tree/a.txt", "tree/b/1.txt", "tree/b/2.txt", "tree/c/1.txt", "tree/d.txt");
            for (String k : keys) {
                c.putObject(bucket(v), k, new ByteArrayInputStream(k.getBytes()));
            }
            List<String> found = new ArrayList<>(), prefixes = new ArrayList<>();
            String token = null;
            int pages = 0;
            do {
                ListObjectsV2Request req = new ListObjectsV2Request(bucket(v)).withPrefix("tree/").withDelimiter("/")
                        .withMaxKeys(2).withContinuationToken(token);
                ListObjectsV2Result r = c.listObjectsV2(req);
                for (OSSObjectSummary s : r.getObjectSummaries()) {
                    found.add(s.getKey());
                    assertEquals(s.getKey().length(), s.getSize());
                }
                prefixes.addAll(r.getCommonPrefixes());
                token = r.isTruncated() ? r.getNextContinuationToken() : null;
                pages++;
            } while (token != null);
            assertEquals(List.of("tree/a.txt", "tree/d.txt"), found);
            assertEquals(List.of("tree/b/", "tree/c/"), prefixes);
            assertEquals(2, pages);
        } finally {
            c.shutdown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v4"})
    void deleteObjects(String v, Emulator emu) {
        OSS c = client(emu, v, emu.accessKeySecret);
        try {
            List<String> keys = List.of("batch/0.txt", "batch/1.txt", "batch/2.txt", "batch/3.txt");
            for (String k : keys) {
                c.putObject(bucket(v), k, new ByteArrayInputStream("x".getBytes()));
            }
            List<String> gone = List.of("batch/0.txt", "batch/1.txt", "batch/never-there.txt");
            DeleteObjectsResult r = c.deleteObjects(new DeleteObjectsRequest(bucket(v)).withKeys(gone).withQuiet(false));
            assertEquals(gone, r.getDeletedObjects().stream().sorted().toList());
            List<String> left = c.listObjectsV2(bucket(v), "batch/").getObjectSummaries().stream()
                    .map(OSSObjectSummary::getKey).toList();
            assertEquals(List.of("batch/2.txt", "batch/3.txt"), left);
            OSSException e = assertThrows(OSSException.class, () -> c.getObject(bucket(v), "batch/0.txt"));
            assertEquals("NoSuchKey", e.getErrorCode());
        } finally {
            c.shutdown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v4"})
    void wrongSecret(String v, Emulator emu) {
        OSS good = client(emu, v, emu.accessKeySecret);
        OSS bad = client(emu, v, "wrong-secret");
        try {
            good.putObject(bucket(v), "secret.txt", new ByteArrayInputStream("x".getBytes()));
            OSSException e = assertThrows(OSSException.class, () -> bad.getObject(bucket(v), "secret.txt"));
            assertEquals("SignatureDoesNotMatch", e.getErrorCode());
            assertEquals(24, e.getRequestId().length());
            assertTrue(e.getEC().startsWith("0002-"), e.getEC());
        } finally {
            good.shutdown();
            bad.shutdown();
        }
    }
}
