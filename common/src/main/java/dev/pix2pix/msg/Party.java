package dev.pix2pix.msg;

/**
 * Who reads or writes the pix2pix topics: the identities the Kafka ACLs are written for (one
 * Kafka user each in a secured cluster) and the parties of the topic inventory ({@link Topics#INVENTORY}).
 */
public enum Party {
    /** {@code deploy/bin/pix2pix}: publishes jobs and cancels, reads events (partitions assigned, no group). */
    CLI("cli"),
    WORKER_TRAIN("worker-train"),
    WORKER_INFER("worker-infer");

    private final String id;

    Party(String id) {
        this.id = id;
    }

    /** {@code cli}, {@code worker-train}, {@code worker-infer}: the Deployment names in k8s/ for the workers. */
    public String id() {
        return id;
    }

    /**
     * What the transactional ids of this party's producers start with (its ACLs grant Write on that
     * prefix); null for the CLI, which publishes without transactions.
     */
    public String transactionalIdPrefix() {
        return this == CLI ? null : "pix2pix-" + id + ".";
    }

    /** The transactional id of one consuming channel of one replica: unique per process and channel. */
    public String transactionalId(String instance, String channel) {
        if (this == CLI) {
            throw new IllegalStateException("the CLI publishes without transactions");
        }
        return transactionalIdPrefix() + instance + "." + channel;
    }
}
