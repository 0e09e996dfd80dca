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
}
