package dev.pix2pix.worker.infer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of a job's manifest ({@code manifest.jsonl}, built from the shards' parts): what became
 * of one input, and with which model and code.
 *
 * @param input  s3:// URI of the input
 * @param output s3:// URI of the output (null when failed)
 * @param status ok | exists (written by an earlier delivery of the shard) | failed
 * @param reason failure class (CORRUPT, TRUNCATED, ...), see {@link dev.pix2pix.infer.ItemResult}
 * @param worker instance that processed the shard
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ManifestLine(String jobId, int shard, String input, String output, String status, String reason,
                           String error, Integer width, Integer height, String modelUri, String modelEtag,
                           String codeVersion, long seed, String worker) {
    public static final String OK = "ok";
    public static final String EXISTS = "exists";
    public static final String FAILED = "failed";
}
