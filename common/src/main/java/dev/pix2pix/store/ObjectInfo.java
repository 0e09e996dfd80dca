package dev.pix2pix.store;

import java.util.Map;

/**
 * An object found by {@link ObjectStore#list} or {@link ObjectStore#stat}.
 *
 * @param etag     without surrounding quotes (MD5 hex for single-part uploads)
 * @param metadata user metadata (keys lower-case, without x-amz-meta-); only {@link ObjectStore#stat} fills it
 */
public record ObjectInfo(String bucket, String key, long size, String etag, Map<String, String> metadata) {
    public ObjectInfo {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public ObjectInfo(String bucket, String key, long size, String etag) {
        this(bucket, key, size, etag, Map.of());
    }

    public S3Uri uri() {
        return new S3Uri(bucket, key);
    }
}
