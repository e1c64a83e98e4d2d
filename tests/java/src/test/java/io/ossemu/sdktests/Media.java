package io.ossemu.sdktests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Checks media outputs by their properties: ffprobe for video, ImageIO for sprite sheets. */
final class Media {
    private Media() {
    }

    /** What ffprobe reports of a file: the first video and audio streams and the duration. */
    record Probe(JsonNode video, JsonNode audio, double duration) {
    }

    static Probe ffprobe(Path file) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json",
                    file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            missing("ffprobe not found (scripts/install-deps.sh installs it)");
            throw e;
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), new String(out));
        JsonNode info = new ObjectMapper().readTree(out);
        JsonNode video = null, audio = null;
        for (JsonNode s : info.path("streams")) {
            String type = s.path("codec_type").asText();
            if (type.equals("video") && video == null) {
                video = s;
            } else if (type.equals("audio") && audio == null) {
                audio = s;
            }
        }
        return new Probe(video, audio, info.path("format").path("duration").asDouble());
    }

    /** Skips, or under CI=true fails: there a missing tool is a broken install. */
    static void missing(String what) {
        if ("true".equals(System.getenv("CI"))) {
            fail(what);
        }
        Assumptions.abort(what);
    }

    /**
     * The seed concat's output: H.264 at 25 fps, AAC 48 kHz stereo, the
     * align_1 clip's size, the clips' total duration.
     */
    static void checkSeedConcat(Path file, int width, int height, double duration)
            throws IOException, InterruptedException {
        Probe p = ffprobe(file);
        assertEquals("h264", p.video().path("codec_name").asText());
        assertEquals(width, p.video().path("width").asInt());
        assertEquals(height, p.video().path("height").asInt());
        assertEquals("25/1", p.video().path("avg_frame_rate").asText());
        assertEquals("aac", p.audio().path("codec_name").asText());
        assertEquals(48000, p.audio().path("sample_rate").asInt());
        assertEquals(2, p.audio().path("channels").asInt());
        assertEquals(duration, p.duration(), 0.35);
    }

    /**
     * Decodes a sprite sheet and checks its format, size and grid: the first
     * {@code filled} cells hold frames (the test clips are bright colour
     * patterns), the rest are black.
     */
    static void checkSheet(byte[] data, String format, int tw, int th, int cellW, int cellH, int pad, int margin,
            int filled) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            assertTrue(readers.hasNext(), "not an image");
            ImageReader r = readers.next();
            assertEquals(format, r.getFormatName().toLowerCase());
            r.setInput(in);
            BufferedImage img = r.read(0);
            assertEquals(2 * margin + tw * cellW + (tw - 1) * pad, img.getWidth(), "sheet width");
            assertEquals(2 * margin + th * cellH + (th - 1) * pad, img.getHeight(), "sheet height");
            for (int i = 0; i < tw * th; i++) {
                int x = margin + (i % tw) * (cellW + pad), y = margin + (i / tw) * (cellH + pad);
                double mean = meanBrightness(img, x + 1, y + 1, cellW - 2, cellH - 2);
                if (i < filled) {
                    assertTrue(mean > 40, "cell " + i + " should hold a frame, mean " + mean);
                } else {
                    assertTrue(mean < 8, "cell " + i + " should be black, mean " + mean);
                }
            }
        }
    }

    private static double meanBrightness(BufferedImage img, int x0, int y0, int w, int h) {
        long sum = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int rgb = img.getRGB(x, y);
                sum += (299 * ((rgb >> 16) & 0xff) + 587 * ((rgb >> 8) & 0xff) + 114 * (rgb & 0xff)) / 1000;
            }
        }
        return (double) sum / ((long) w * h);
    }
}
