package dev.pix2pix.msg;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Internal fan-out of a {@link TranslateJob} (topic {@link Topics#TRANSLATE_SHARDS}): one slice of
 * its inputs plus the parent job's parameters; schema {@code schemas/shard.schema.json}.
 *
 * @param jobId  the parent job's id
 * @param index  0-based
 * @param count  total shards of the job
 * @param inputs s3:// object URIs of this shard
 * @param job    the parent job's parameters, without its input/inputs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Shard(String schemaVersion, String jobId, int index, int count, List<String> inputs,
                   TranslateJob job) {

    /** The parent's input list is left out of {@code job}: it can be large and each shard has its own. */
    public static Shard of(TranslateJob job, int index, int count, List<String> inputs) {
        TranslateJob parameters = new TranslateJob(job.schemaVersion(), job.jobId(), job.model(), null, null,
                job.output(), job.mode(), job.options());
        return new Shard(SchemaVersion.CURRENT, job.jobId(), index, count, inputs, parameters);
    }

    /** Kafka key: unlike the job id alone, it spreads a job's shards over all partitions. */
    public String kafkaKey() {
        return jobId + "#" + index;
    }
}
