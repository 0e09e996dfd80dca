package dev.pix2pix.worker.infer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pix2pix.msg.SchemaVersion;
import dev.pix2pix.msg.TranslateJob;

/**
 * Internal note on the shard-done topic (key = jobId, so all notes of a job reach one finalizer in
 * order): a shard's outputs and manifest part are written, or it was cancelled / could not run.
 *
 * @param status  done | cancelled | failed
 * @param job     the parent job as fanned out (input = the prefix keys are relative to)
 * @param error   why the shard failed or was cancelled
 * @param code    the failure's class (a {@link dev.pix2pix.msg.FailureCode} name) when failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShardDone(String schemaVersion, String jobId, int index, int count, String status, int items,
                        long ok, long exists, long failed, double seconds, String error, String worker,
                        TranslateJob job, String code) {
    public static final String DONE = "done";
    public static final String CANCELLED = "cancelled";
    public static final String FAILED = "failed";

    static ShardDone of(TranslateJob job, int index, int count, String status, int items, long ok, long exists,
            long failed, double seconds, String error, String worker, dev.pix2pix.msg.FailureCode code) {
        return new ShardDone(SchemaVersion.CURRENT, job.jobId(), index, count, status, items, ok, exists, failed,
                seconds, error, worker, job, code == null ? null : code.name());
    }
}
