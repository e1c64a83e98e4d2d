package io.ossemu.sdktests;

import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.model.AsyncProcessObjectResult;
import com.aliyun.oss.model.GetObjectRequest;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The product documents' Java samples (ConcatDemo, SpriteDemo: V4
 * signatures, region cn-hangzhou) against the emulator: each returns the
 * three ids, its task succeeds, and the output is checked by ffprobe or by
 * decoding the sheet.
 */
@ExtendWith(Emulator.Extension.class)
class SeedTest {
    static final Path VIDEOS = Path.of("..", "..", "testdata", "videos");
    /** The seeds' objects. src.mp4 is both the concat's own clip and the sprite's source. */
    static final Map<String, String> OBJECTS = Map.of(
            "concat1.mp4", "vfr.mp4",     // /pre: 320x180, 3 s
            "src.mp4", "example.mkv",     // align_1: VP9/Opus 384x216, 12 s
            "concat2.mp4", "odd.mp4");    // /sur: 321x241, 2 s, 22.05 kHz mono

    static OSS client;

    @BeforeAll
    static void upload(Emulator emu) {
        client = new OSSClientBuilder().build(emu.url, emu.accessKeyId, emu.accessKeySecret);
        OBJECTS.forEach((key, clip) -> client.putObject("examplebucket", key, VIDEOS.resolve(clip).toFile()));
    }

    @AfterAll
    static void shutdown() {
        client.shutdown();
    }

    static void checkSubmitted(AsyncProcessObjectResult r) {
        assertFalse(r.getEventId().isEmpty());
        assertEquals(24, r.getRequestId().length());
        assertTrue(r.getTaskId().startsWith("MediaConvert-"), r.getTaskId());
    }

    static List<String> uris(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.path("URI").asText()));
        return out;
    }

    @Test
    void seedConcat(Emulator emu, @TempDir Path tmp) throws Exception {
        AsyncProcessObjectResult r = ConcatDemo.run(emu.url);
        checkSubmitted(r);
        JsonNode task = emu.requireSucceeded(r.getTaskId());
        assertEquals(List.of("oss://examplebucket/concat1.mp4", "oss://examplebucket/src.mp4",
                "oss://examplebucket/concat2.mp4"), uris(task.path("Sources")));
        assertEquals(List.of("oss://examplebucket/dest.mp4"), uris(task.path("Targets")));

        Path out = tmp.resolve("dest.mp4");
        client.getObject(new GetObjectRequest("examplebucket", "dest.mp4"), out.toFile());
        Media.checkSeedConcat(out, 384, 216, 3 + 12 + 2);
    }

    @Test
    void seedSprite(Emulator emu) throws Exception {
        AsyncProcessObjectResult r = SpriteDemo.run(emu.url);
        checkSubmitted(r);
        JsonNode task = emu.requireSucceeded(r.getTaskId());
        assertEquals(List.of("oss://examplebucket/example.jpg"), uris(task.path("Targets")));

        byte[] sheet;
        try (var in = client.getObject("examplebucket", "example.jpg").getObjectContent()) {
            sheet = in.readAllBytes();
        }
        // 12 s at one frame every 10 s: frames at 0 s and 10 s in a 10x10 grid of 100x100 cells.
        Media.checkSheet(sheet, "jpeg", 10, 10, 100, 100, 0, 0, 2);
    }
}
