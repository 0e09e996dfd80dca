package dev.pix2pix.msg;

import java.util.List;

/** A message that does not match its JSON schema; the message text lists every violation. */
public class InvalidMessageException extends IllegalArgumentException {
    private final List<String> violations;

    public InvalidMessageException(List<String> violations) {
        super("invalid message: " + String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    public List<String> violations() {
        return violations;
    }
}
