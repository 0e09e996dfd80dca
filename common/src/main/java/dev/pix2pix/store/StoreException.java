package dev.pix2pix.store;

/** A failed object-store operation; {@link #kind()} says what callers can do about it. */
public class StoreException extends RuntimeException {

    public enum Kind {
        /** The bucket or key does not exist. */
        NOT_FOUND,
        /** Credentials rejected or not permitted (AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch). */
        ACCESS_DENIED,
        /** The bucket is not in {@link StoreConfig#allowedBuckets()}; no request was sent. */
        BUCKET_NOT_ALLOWED,
        /** Network error, 5xx or SlowDown that persisted through all retries. */
        TRANSIENT,
        /** The object is larger than the caller's limit; its body was not read. */
        TOO_LARGE,
        /** Anything else (bad request, local file error, ...). */
        OTHER
    }

    private final Kind kind;
    private final S3Uri uri;

    public StoreException(Kind kind, S3Uri uri, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.uri = uri;
    }

    public Kind kind() {
        return kind;
    }

    /** The object, prefix or bucket (key "") concerned. */
    public S3Uri uri() {
        return uri;
    }
}
