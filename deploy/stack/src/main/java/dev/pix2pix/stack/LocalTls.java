package dev.pix2pix.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material of a secured local stack, generated on the spot with the JDK's {@code keytool} into
 * {@code <dir>} (never in the repository): a CA ({@code ca.p12}, its certificate {@code ca.crt} in PEM) and
 * a server certificate signed by it for {@code localhost} / {@code 127.0.0.1} ({@code server.p12}), used by
 * Kafka's SASL_SSL listeners and S3Proxy's https endpoint. Every file is readable by the owner only;
 * the store password reaches keytool through its environment, never its command line.
 *
 * @param dir      the folder holding the files
 * @param password of {@code ca.p12} and {@code server.p12}
 */
public record LocalTls(Path dir, String password) {
    public static final String CA_CERT = "ca.crt";
    public static final String SERVER_KEYSTORE = "server.p12";
    private static final String CA_KEYSTORE = "ca.p12";
    private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);

    /** The CA certificate (PEM): what clients trust. */
    public Path caCert() {
        return dir.resolve(CA_CERT);
    }

    /** PKCS12 keystore with the server key and its chain. */
    public Path serverKeystore() {
        return dir.resolve(SERVER_KEYSTORE);
    }

    /** Whether all files exist (then {@link #ensure} reuses them). */
    public boolean complete() {
        return Files.isRegularFile(caCert()) && Files.isRegularFile(serverKeystore()) && Files.isRegularFile(dir.resolve(CA_KEYSTORE));
    }

    /** Uses the material in {@code dir} if it is complete, otherwise generates all of it afresh. */
    public static LocalTls ensure(Path dir, String password) {
        LocalTls tls = new LocalTls(dir, password);
        if (!tls.complete()) {
            tls.generate();
        }
        return tls;
    }

    private void generate() {
        try {
            Files.createDirectories(dir);
            PrivateFiles.ownerOnlyDir(dir);
            for (String f : List.of(CA_KEYSTORE, SERVER_KEYSTORE, CA_CERT, "server.csr", "server.crt")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=pix2pix local stack CA", "-ext", "bc:c", "-validity", "3650",
                    "-keystore", CA_KEYSTORE, "-storetype", "PKCS12", "-storepass:env", "PIX2PIX_TLS_PASSWORD");
            keytool("-exportcert", "-alias", "ca", "-keystore", CA_KEYSTORE, "-storepass:env", "PIX2PIX_TLS_PASSWORD",
                    "-rfc", "-file", CA_CERT);
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-validity", "825", "-keystore", SERVER_KEYSTORE, "-storetype", "PKCS12",
                    "-storepass:env", "PIX2PIX_TLS_PASSWORD");
            keytool("-certreq", "-alias", "server", "-keystore", SERVER_KEYSTORE, "-storepass:env", "PIX2PIX_TLS_PASSWORD",
                    "-file", "server.csr");
            keytool("-gencert", "-alias", "ca", "-keystore", CA_KEYSTORE, "-storepass:env", "PIX2PIX_TLS_PASSWORD",
                    "-infile", "server.csr", "-outfile", "server.crt", "-rfc", "-validity", "825",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "KU=digitalSignature,keyAgreement",
                    "-ext", "EKU=serverAuth,clientAuth");
            keytool("-importcert", "-alias", "ca", "-keystore", SERVER_KEYSTORE, "-storepass:env", "PIX2PIX_TLS_PASSWORD",
                    "-file", CA_CERT, "-noprompt");
            keytool("-importcert", "-alias", "server", "-keystore", SERVER_KEYSTORE, "-storepass:env", "PIX2PIX_TLS_PASSWORD",
                    "-file", "server.crt", "-noprompt");
            Files.deleteIfExists(dir.resolve("server.csr"));
            Files.deleteIfExists(dir.resolve("server.crt"));
            for (String f : List.of(CA_KEYSTORE, SERVER_KEYSTORE, CA_CERT)) {
                PrivateFiles.ownerOnly(dir.resolve(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate TLS material in " + dir, e);
        }
    }

    private void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Path log = dir.resolve("keytool.log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("PIX2PIX_TLS_PASSWORD", password);
            Process p = pb.start();
            if (!p.waitFor(KEYTOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish within " + KEYTOOL_TIMEOUT);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    /** An SSL context trusting only this CA (for probes and tests). */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(caCert())) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + caCert(), e);
        }
    }
}
