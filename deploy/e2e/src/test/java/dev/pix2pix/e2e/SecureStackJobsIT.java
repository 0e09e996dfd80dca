package dev.pix2pix.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pix2pix.cli.LocalJobStack;
import dev.pix2pix.stack.LocalStack;
import dev.pix2pix.stack.StackInfo;
import dev.pix2pix.stack.StackProcess;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code pix2pix stack up --secure} as a user runs it (one secured stack for the class): Kafka with SASL_SSL
 * only, a SCRAM user and the inventory's ACLs per party, S3Proxy over https with the stack's CA, both packaged
 * workers. The job commands run as {@code deploy/bin/pix2pix} processes with no connection flags (only
 * {@code PIX2PIX_STATE_DIR}): a training job and a translate job complete; a wrong password and a user
 * without ACLs are refused with a message that says so, promptly; a plaintext client gets nowhere; no
 * secret shows on a command line.
 */
class SecureStackJobsIT {
    private static final Path HOME = Path.of(System.getProperty("pix2pix.home", "../..")).toAbsolutePath().normalize();
    private static final long CLI_TIMEOUT_S = 240;
    private static Path dir;
    private static Path data;
    private static StackInfo info;

    @BeforeAll
    static void up() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        dir = target.resolve("secure-stack-" + UUID.randomUUID().toString().substring(0, 8));
        data = target.resolve("secure-data");
        info = LocalJobStack.up(dir, LocalJobStack.WORKERS, true, System.err).info();
        images(data.resolve("train"), 6, false);
        images(data.resolve("scans"), 3, true);
    }

    @AfterAll
    static void down() {
        if (dir != null) {
            LocalJobStack.down(dir);
        }
    }

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    /** {@code deploy/bin/pix2pix args...} against the secured stack; a command that hangs fails the test. */
    static Run cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(HOME.resolve("deploy/bin/pix2pix").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(HOME.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("PIX2PIX_"));
        pb.environment().put("PIX2PIX_STATE_DIR", dir.toString());
        Path out = Files.createTempFile(dir, "cli", ".out");
        Path err = Files.createTempFile(dir, "cli", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(CLI_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("pix2pix " + String.join(" ", args) + " hung for " + CLI_TIMEOUT_S + " s; stderr:\n" + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void aTrainingAndATranslateJobCompleteThroughTheSecuredStack() throws Exception {
        Run up = cli("upload", data.resolve("train").toString(), "s3://pix2pix/datasets/secure/");
        assertEquals(0, up.code(), up::toString);
        Run train = cli("submit", "train", "--dataset", "s3://pix2pix/datasets/secure/", "--layout", "color",
                "--output", "s3://pix2pix/models/secure/", "--netG", "unet_64", "--ngf", "8", "--ndf", "8", "--size", "64",
                "--epochs", "1", "--epochs-decay", "0", "--wait", "--timeout", "200");
        assertEquals(0, train.code(), train::toString);
        assertTrue(train.err().contains("completed"), train::toString);

        assertEquals(0, cli("upload", data.resolve("scans").toString(), "s3://pix2pix/inputs/secure/").code());
        Run colorize = cli("submit", "colorize", "--model", "s3://pix2pix/models/secure/",
                "--input", "s3://pix2pix/inputs/secure/", "--output", "s3://pix2pix/results/secure/", "--wait",
                "--timeout", "200");
        assertEquals(0, colorize.code(), colorize::toString);

        Path got = data.resolve("results");
        Run download = cli("download", "s3://pix2pix/results/secure/", got.toString());
        assertEquals(0, download.code(), download::toString);
        for (int i = 0; i < 3; i++) {
            BufferedImage img = ImageIO.read(got.resolve("scan" + i + ".png").toFile());
            assertEquals(40 + i, img.getWidth(), "a result keeps its input's size");
        }
        Run jobs = cli("jobs");
        assertEquals(0, jobs.code(), jobs::toString);
        assertEquals(2, jobs.out().lines().filter(l -> l.contains(" completed ")).count(), jobs::toString);
    }

    @Test
    void aWrongPasswordIsRefusedWithAClearMessage() throws Exception {
        Path wrong = dir.resolve("wrong.properties");
        Files.writeString(wrong, Files.readString(LocalStack.kafkaClientFile(dir, "cli"))
                .replaceAll("password=\"[^\"]*\"", "password=\"not-the-password\""));
        for (String[] args : List.of(new String[] {"jobs"}, new String[] {"cancel", "some-job"})) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--command-config", wrong.toString()));
            Run r = cli(all.toArray(String[]::new));
            assertEquals(2, r.code(), r::toString);
            assertTrue(r.err().contains("refused the login") && r.err().contains("authentication failed"), r::toString);
        }
    }

    @Test
    void aUserWithoutAclsIsRefusedWithAClearMessage() throws Exception {
        Properties admin = new Properties();
        try (var in = Files.newBufferedReader(LocalStack.kafkaClientFile(dir, LocalStack.KAFKA_ADMIN))) {
            admin.load(in);
        }
        try (Admin a = Admin.create(admin)) {
            a.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("nobody",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), "nobody-pw"))).all().get(30, TimeUnit.SECONDS);
        }
        Path nobody = dir.resolve("nobody.properties");
        Files.writeString(nobody, Files.readString(LocalStack.kafkaClientFile(dir, "cli"))
                .replaceAll("username=\"cli\" password=\"[^\"]*\"", "username=\"nobody\" password=\"nobody-pw\""));
        Run submit = cli("submit", "train", "--dataset", "s3://pix2pix/datasets/secure/", "--layout", "color",
                "--output", "s3://pix2pix/models/nobody/", "--command-config", nobody.toString());
        assertEquals(2, submit.code(), submit::toString);
        assertTrue(submit.err().contains("not authorized") && submit.err().contains("pix2pix.train.jobs"), submit::toString);
        Run watch = cli("watch", "some-job", "--command-config", nobody.toString());
        assertEquals(2, watch.code(), watch::toString);
        assertTrue(watch.err().contains("not authorized") && watch.err().contains("pix2pix.events"), watch::toString);
    }

    @Test
    void nothingFallsBackToPlaintext() throws Exception {
        // the stack's own port, asked without TLS and SASL: no answer, and the message says what is missing
        Run plain = cli("jobs", "--bootstrap-servers", info.bootstrapServers());
        assertEquals(2, plain.code(), plain::toString);
        assertTrue(plain.err().contains("no answer") && plain.err().contains("--command-config"), plain::toString);
        Run http = cli("upload", data.resolve("scans").toString(), "s3://pix2pix/plain/",
                "--s3-endpoint", info.s3Endpoint().replace("https://", "http://"));
        assertTrue(http.code() != 0, http::toString);
        String props = Files.readString(dir.resolve("kafka/server.properties"));
        assertFalse(props.lines().anyMatch(l -> l.startsWith("listener.security.protocol.map=") && l.contains("PLAINTEXT")));
    }

    @Test
    void noSecretOnACommandLineNorInAFileOthersCanRead() throws Exception {
        List<String> secrets = new ArrayList<>(info.security().kafkaUsers().values());
        secrets.add(info.secretKey());
        secrets.add(info.security().tlsPassword());
        StackInfo now = LocalStack.read(dir).orElseThrow();
        assertEquals(4, now.processes().size(), "kafka, s3proxy and both workers: " + now.processes());
        for (StackProcess p : now.processes()) {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.ISO_8859_1);
            for (String s : secrets) {
                assertFalse(cmdline.contains(s), p.name() + ": a secret on its command line (ps shows it)");
            }
        }
        Map<String, String> modes = new HashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = f.toString().endsWith(".log") || Files.size(f) > 1 << 20 ? "" : Files.readString(f, StandardCharsets.ISO_8859_1);
                if (secrets.stream().anyMatch(text::contains)) {
                    modes.put(dir.relativize(f).toString(),
                            java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
                }
            }
        }
        assertTrue(modes.containsKey("s3/s3proxy.properties") && modes.containsKey("kafka-cli.properties"), modes::toString);
        modes.forEach((f, mode) -> assertEquals("rw-------", mode, f + " holds a secret"));
    }

    /** {@code n} smooth random PNGs (colour or gray), 40+i pixels wide. */
    private static void images(Path folder, int n, boolean gray) throws IOException {
        Files.createDirectories(folder);
        Random r = new Random(7);
        for (int i = 0; i < n; i++) {
            int w = gray ? 40 + i : 64;
            BufferedImage img = new BufferedImage(w, 64, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            int a = r.nextInt(255);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < w; x++) {
                    int v = (a + x * 3 + y * 2) & 0xff;
                    img.setRGB(x, y, 0xff000000 | v << 16 | (255 - v) << 8 | (v / 2));
                }
            }
            ImageIO.write(img, "png", folder.resolve((gray ? "scan" : "pair") + i + ".png").toFile());
        }
    }
}
