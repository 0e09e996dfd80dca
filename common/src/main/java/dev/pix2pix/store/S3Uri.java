package dev.pix2pix.store;

import java.util.regex.Pattern;

/**
 * An object or prefix in S3: {@code s3://bucket/key}. A key that is empty or ends in '/' denotes a
 * prefix ("folder"). Immutable; {@link #toString()} gives the s3:// form back.
 */
public record S3Uri(String bucket, String key) {
    private static final String SCHEME = "s3://";
    // S3 bucket naming rules (virtual-host compatible subset).
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public S3Uri {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("invalid bucket name '" + bucket
                    + "' (3-63 characters: lower-case letters, digits, '.', '-')");
        }
        key = key == null ? "" : key;
        if (key.startsWith("/")) {
            throw new IllegalArgumentException("key must not start with '/': s3://" + bucket + "/" + key);
        }
        if (key.contains("//")) {
            // S3 would store it, but as a path it has an empty folder name: almost always a typo
            throw new IllegalArgumentException("key must not contain an empty path segment ('//'): s3://" + bucket
                    + "/" + key);
        }
    }

    /** Parses {@code s3://bucket}, {@code s3://bucket/}, {@code s3://bucket/key} or {@code s3://bucket/prefix/}. */
    public static S3Uri parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new IllegalArgumentException("not an s3:// URI: '" + uri + "' (expected s3://bucket/key)");
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        try {
            return new S3Uri(bucket, key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid S3 URI '" + uri + "': " + e.getMessage(), e);
        }
    }

    /** True for the bucket root and keys ending in '/'. */
    public boolean isPrefix() {
        return key.isEmpty() || key.endsWith("/");
    }

    /** This URI as a prefix: a trailing '/' is added unless present (or the bucket root). */
    public S3Uri asPrefix() {
        return isPrefix() ? this : new S3Uri(bucket, key + "/");
    }

    /**
     * {@code name} below this URI taken as a prefix: {@code s3://b/models/x} child {@code a.pth} is
     * {@code s3://b/models/x/a.pth}. {@code name} may contain '/' but must not start with one.
     */
    public S3Uri child(String name) {
        if (name == null || name.isEmpty() || name.startsWith("/")) {
            throw new IllegalArgumentException("invalid child name '" + name + "' of " + this);
        }
        return new S3Uri(bucket, asPrefix().key + name);
    }

    /** Last path segment of the key ("" for the bucket root); a trailing '/' is ignored. */
    public String name() {
        String k = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        return k.substring(k.lastIndexOf('/') + 1);
    }

    /**
     * The part of this key below {@code prefix}: {@code s3://b/in/x/1.png} relative to
     * {@code s3://b/in/} is {@code x/1.png}.
     */
    public String relativeTo(S3Uri prefix) {
        S3Uri p = prefix.asPrefix();
        if (!p.bucket.equals(bucket) || !key.startsWith(p.key)) {
            throw new IllegalArgumentException(this + " is not below " + p);
        }
        return key.substring(p.key.length());
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key;
    }
}
