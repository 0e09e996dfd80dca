package dev.pix2pix.infer;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What became of one input: written, already there (a redelivered shard), or failed with a reason.
 *
 * @param reason machine-readable failure class (EMPTY, TRUNCATED, CORRUPT, UNSUPPORTED_FORMAT, CMYK,
 *     TOO_LARGE, READ_ERROR, WRITE_ERROR, INTERNAL)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ItemResult(String input, String output, Status status, String reason, String error, Integer width,
        Integer height) {
    public enum Status { OK, EXISTS, FAILED }

    public static ItemResult ok(String in, String out, int w, int h) {
        return new ItemResult(in, out, Status.OK, null, null, w, h);
    }

    public static ItemResult exists(String in, String out) {
        return new ItemResult(in, out, Status.EXISTS, null, null, null, null);
    }

    public static ItemResult failed(String in, String reason, String error) {
        return new ItemResult(in, null, Status.FAILED, reason, error, null, null);
    }

    public boolean succeeded() {
        return status != Status.FAILED;
    }
}
