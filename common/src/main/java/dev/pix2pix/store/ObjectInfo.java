package dev.pix2pix.store;

/**
 * An object found by {@link ObjectStore#list} or {@link ObjectStore#stat}.
 *
 * @param etag without surrounding quotes (MD5 hex for single-part uploads)
 */
public record ObjectInfo(String bucket, String key, long size, String etag) {

    public S3Uri uri() {
        return new S3Uri(bucket, key);
    }
}
