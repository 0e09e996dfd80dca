package dev.pix2pix.model;

import java.io.InputStream;
import java.util.Properties;

/** The version of this code, recorded in models, checkpoints and manifests for traceability. */
public final class CodeVersion {
    private static final String VERSION = load();

    private CodeVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = CodeVersion.class.getResourceAsStream("/pix2pix-version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (Exception e) {
            return "dev";
        }
    }
}
