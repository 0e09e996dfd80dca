package dev.pix2pix.msg;

import java.util.List;

/**
 * Outcome of {@link JobValidator}: either a parsed message or the readable reasons it was refused.
 *
 * @param value      the message, null when invalid
 * @param violations empty when valid; each names the offending field, e.g. "$: required property 'jobId' not found"
 */
public record Validated<T>(T value, List<String> violations) {

    public Validated {
        violations = List.copyOf(violations);
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    /** The message, or an {@link InvalidMessageException} listing the violations. */
    public T orThrow() {
        if (!ok()) {
            throw new InvalidMessageException(violations);
        }
        return value;
    }
}
