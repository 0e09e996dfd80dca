package dev.pix2pix.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * Trust for an https object store signed by a private CA: the CA certificates of a PEM file are trusted
 * besides the JVM's own (so a public endpoint keeps working with the same configuration).
 */
final class StoreTls {
    private StoreTls() {}

    /** Makes {@code http} trust the certificates in {@code pem} as well as the JVM's. */
    static void trust(OkHttpClient.Builder http, Path pem) {
        X509TrustManager tm = trustManager(pem);
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, null);
            http.sslSocketFactory(ctx.getSocketFactory(), tm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS with " + pem + ": " + e.getMessage(), e);
        }
    }

    /** The CA certificates of {@code pem}, then the JVM's default trust. */
    static X509TrustManager trustManager(Path pem) {
        if (!Files.isRegularFile(pem)) {
            throw new IllegalArgumentException("S3 CA file " + pem + " does not exist");
        }
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("S3 CA file " + pem + " holds no PEM certificate");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            X509TrustManager own = x509(ks);
            X509TrustManager jvm = x509(null);
            return new Either(own, jvm);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("S3 CA file " + pem + " cannot be read as PEM certificates: "
                    + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager t : tmf.getTrustManagers()) {
            if (t instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager");
    }

    /** Trusts a server that either manager trusts. */
    private record Either(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
        private interface Check {
            void on(X509TrustManager tm) throws CertificateException;
        }

        private void either(Check check) throws CertificateException {
            try {
                check.on(first);
            } catch (CertificateException e) {
                check.on(second);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(tm -> tm.checkClientTrusted(chain, authType));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
            all.addAll(List.of(second.getAcceptedIssuers()));
            return all.toArray(new X509Certificate[0]);
        }
    }
}
