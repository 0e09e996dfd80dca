package dev.pix2pix.msg;

/** Why a job failed, on its failed event ({@link JobEvent#code()}): for programs that react to it. */
public enum FailureCode {
    /** The message does not match its schema. */
    INVALID,
    /** It can never succeed as asked (colliding output names, a render size the network cannot take, ...). */
    REFUSED,
    /** It asks for more than the worker's configured ceilings. */
    LIMIT,
    /** The model cannot be found, read or used for this job. */
    MODEL,
    /** A server (S3) stayed unreachable longer than the worker waits. */
    OUTAGE,
    /** Its message killed the worker repeatedly (e.g. out of memory) and was set aside. */
    POISON,
    /** Anything else; the reason says what. */
    INTERNAL
}
