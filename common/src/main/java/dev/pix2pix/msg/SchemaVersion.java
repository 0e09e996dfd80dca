package dev.pix2pix.msg;

/**
 * Message schema versioning: "MAJOR.MINOR". Readers accept any 1.x (unknown fields of a newer minor
 * version are ignored); a different major version is rejected by the JSON schemas.
 */
public final class SchemaVersion {
    /** Written into every message we produce. */
    public static final String CURRENT = "1.0";

    private SchemaVersion() {}
}
