package dev.pix2pix.msg;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@link JobEvent#type()}; on the wire exactly the lower-case strings below. */
public enum EventType {
    ACCEPTED("accepted"),
    PROGRESS("progress"),
    EPOCH("epoch"),
    CHECKPOINT("checkpoint"),
    ITEM_FAILED("item-failed"),
    COMPLETED("completed"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wire;

    EventType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** completed, failed and cancelled end a job; no event of that job follows them. */
    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
