package io.ossemu.sdktests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One real ossemu process for the whole test run, shared by every test
 * class through JUnit's root store and killed when the run ends. The binary
 * is $OSSEMU_BIN (scripts/test.sh builds it once) or ./cmd/emulator built
 * here with `go build`. It listens on free loopback ports for OSS and the
 * built-in MNS service, with a fresh data directory, the buckets the tests
 * use, and the key pair surefire puts in OSS_ACCESS_KEY_ID/SECRET.
 */
public final class Emulator implements ExtensionContext.Store.CloseableResource {
    /** Bounds the wait for one media task (they take seconds here). */
    static final Duration TASK_WAIT = Duration.ofMinutes(3);
    static final String REGION = "cn-hangzhou";
    static final List<String> BUCKETS = List.of("examplebucket", "java-objects-v1", "java-objects-v4", "java-mns");

    final String url;
    final String mnsUrl;
    final String accessKeyId;
    final String accessKeySecret;
    private final Process proc;
    private final Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private Emulator(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.accessKeyId = env("OSS_ACCESS_KEY_ID", "java-access-key");
        this.accessKeySecret = env("OSS_ACCESS_KEY_SECRET", "java-secret-key");
        List<String> cmd = new ArrayList<>(List.of(binary(dir),
                "--addr", "127.0.0.1:0", "--mns-addr", "127.0.0.1:0",
                "--data-dir", dir.resolve("data").toString(), "--buckets", String.join(",", BUCKETS),
                "--access-key-id", accessKeyId, "--access-key-secret", accessKeySecret, "--region", REGION));
        proc = new ProcessBuilder(cmd).redirectError(dir.resolve("emulator.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
        String oss = null, mns = null;
        Instant deadline = Instant.now().plusSeconds(60);
        while ((oss == null || mns == null) && Instant.now().isBefore(deadline)) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith("ossemu listening on ")) {
                oss = line.substring(line.lastIndexOf(' ') + 1);
            } else if (line.startsWith("ossemu MNS listening on ")) {
                mns = line.substring(line.lastIndexOf(' ') + 1);
            }
        }
        if (oss == null || mns == null) {
            proc.destroyForcibly();
            throw new IllegalStateException("emulator did not start:\n" + logTail());
        }
        url = oss;
        mnsUrl = mns;
        // Keep draining stdout so the emulator never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? def : v;
    }

    /** $OSSEMU_BIN, or ./cmd/emulator built into dir. */
    private static String binary(Path dir) throws IOException, InterruptedException {
        String bin = System.getenv("OSSEMU_BIN");
        if (bin != null && !bin.isEmpty()) {
            if (!Files.isExecutable(Path.of(bin))) {
                fail("OSSEMU_BIN=" + bin + " is not an executable");
            }
            return bin;
        }
        Path repo = Path.of("..", "..").toAbsolutePath().normalize();
        Path out = dir.resolve("emulator");
        Process build = new ProcessBuilder("go", "build", "-o", out.toString(), "./cmd/emulator")
                .directory(repo.toFile()).inheritIO().start();
        if (build.waitFor() != 0) {
            fail("go build ./cmd/emulator failed");
        }
        return out.toString();
    }

    /** The emulator shared by the whole run, started on first use. */
    static Emulator get(ExtensionContext ctx) {
        return ctx.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Emulator.class, k -> {
                    try {
                        return new Emulator(Files.createTempDirectory("ossemu-java-"));
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, Emulator.class);
    }

    @Override
    public void close() throws Exception {
        proc.destroyForcibly();
        proc.waitFor(30, TimeUnit.SECONDS);
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    String logTail() {
        try {
            String log = Files.readString(dir.resolve("emulator.log"));
            return log.length() > 4000 ? "…" + log.substring(log.length() - 4000) : log;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** GET /_ossemu/tasks/{id} (docs/queue.md) with HTTP Basic auth. */
    JsonNode task(String id) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString(
                (accessKeyId + ":" + accessKeySecret).getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/_ossemu/tasks/" + id))
                .header("Authorization", "Basic " + basic).timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, resp.statusCode(), resp.body());
        return json.readTree(resp.body());
    }

    /**
     * Polls the task API until the task ends and requires it to have
     * succeeded. The emulator is another process: polling is the only way.
     */
    JsonNode requireSucceeded(String id) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(TASK_WAIT);
        while (true) {
            JsonNode t = task(id);
            String status = t.path("Status").asText();
            if (status.equals("Succeeded") || status.equals("Failed")) {
                assertEquals("Succeeded", status, () -> "task " + id + ": " + t.path("Code").asText() + ": "
                        + t.path("Message").asText() + "\n" + logTail());
                assertEquals(100, t.path("Progress").asInt());
                return t;
            }
            if (Instant.now().isAfter(deadline)) {
                fail("task " + id + " still " + status + " after " + TASK_WAIT);
            }
            Thread.sleep(100);
        }
    }

    /** The JUnit extension: injects the shared Emulator into test methods. */
    public static final class Extension implements BeforeAllCallback, ParameterResolver {
        @Override
        public void beforeAll(ExtensionContext ctx) {
            get(ctx);
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
            return p.getParameter().getType() == Emulator.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
            return get(ctx);
        }
    }
}
