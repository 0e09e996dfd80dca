package dev.pix2pix.store;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Set;

/** Maps MinIO client failures to {@link StoreException.Kind}s with messages naming the object. */
final class StoreErrors {
    private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchObject", "NotFound",
            "ResourceNotFound", "NoSuchUpload");
    private static final Set<String> DENIED = Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidToken", "ExpiredToken", "AllAccessDisabled", "AuthorizationHeaderMalformed");
    private static final Set<String> TRANSIENT = Set.of("SlowDown", "InternalError", "ServiceUnavailable",
            "RequestTimeout", "RequestTimeTooSkewed", "OperationAborted", "ThrottlingException");

    private StoreErrors() {}

    static StoreException.Kind kindOf(Exception e) {
        if (e instanceof ErrorResponseException ere) {
            String code = ere.errorResponse().code();
            int status = ere.response() == null ? 0 : ere.response().code();
            if (NOT_FOUND.contains(code)) {
                return StoreException.Kind.NOT_FOUND;
            }
            if (DENIED.contains(code)) {
                return StoreException.Kind.ACCESS_DENIED;
            }
            if (TRANSIENT.contains(code) || status >= 500) {
                return StoreException.Kind.TRANSIENT;
            }
            if (status == 404) {
                return StoreException.Kind.NOT_FOUND;
            }
            if (status == 403) {
                return StoreException.Kind.ACCESS_DENIED;
            }
            return StoreException.Kind.OTHER;
        }
        if (e instanceof ServerException || e instanceof InvalidResponseException) {
            // 5xx, or a non-S3 answer (e.g. an HTML page from a proxy that is restarting)
            return StoreException.Kind.TRANSIENT;
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return StoreException.Kind.OTHER; // an untrusted certificate does not heal by waiting
        }
        if (e instanceof FileSystemException) {
            return StoreException.Kind.OTHER; // our local file, not the network
        }
        if (e instanceof IOException) {
            return StoreException.Kind.TRANSIENT; // connection refused/reset, timeouts
        }
        return StoreException.Kind.OTHER;
    }

    private static boolean isCode(Exception e, String code) {
        return e instanceof ErrorResponseException ere && code.equals(ere.errorResponse().code());
    }

    static StoreException wrap(String operation, S3Uri uri, String endpoint, Exception e, int attempts,
            java.time.Duration failingFor) {
        StoreException.Kind kind = kindOf(e);
        StringBuilder msg = new StringBuilder().append(operation).append(' ').append(uri).append(": ");
        if (e instanceof ErrorResponseException ere) {
            msg.append(ere.errorResponse().code());
            if (ere.errorResponse().message() != null) {
                msg.append(" (").append(ere.errorResponse().message()).append(')');
            }
        } else {
            msg.append(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
            if (e instanceof javax.net.ssl.SSLException) {
                msg.append(" - TLS with ").append(endpoint).append(" failed: if its certificate comes from a private CA, ")
                        .append("give that CA (PIX2PIX_S3_CA_FILE, pix2pix.s3.ca-file, --s3-ca-file)");
            }
        }
        switch (kind) {
            case NOT_FOUND -> msg.append(uri.key().isEmpty() || isCode(e, "NoSuchBucket")
                    ? " - bucket " + uri.bucket() + " does not exist" : " - no such object");
            case ACCESS_DENIED -> msg.append(" - check the access key / secret key and the permissions on bucket ")
                    .append(uri.bucket()).append(" at ").append(endpoint);
            case TRANSIENT -> msg.append(" - S3 at ").append(endpoint).append(" still failing after ").append(attempts)
                    .append(" attempt(s) over ").append(failingFor.toSeconds()).append(" s");
            default -> { }
        }
        return new StoreException(kind, uri, msg.toString(), e);
    }
}
