package dev.pix2pix.msg;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Asks every worker to stop a job (topic {@link Topics#CONTROL}); schema
 * {@code schemas/cancel-job.schema.json}.
 *
 * @param reason optional, for the cancelled event
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CancelJob(String schemaVersion, String jobId, String reason) {

    public static CancelJob of(String jobId) {
        return new CancelJob(SchemaVersion.CURRENT, jobId, null);
    }
}
