package dev.pix2pix.msg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validates raw JSON messages against the draft 2020-12 schemas in {@code schemas/} (classpath)
 * and parses them into records. Thread-safe; create once and share.
 *
 * <pre>{@code
 * Validated<TrainJob> v = validator.train(json);
 * if (!v.ok()) sendToDlq(json, v.violations()); else run(v.value());
 * }</pre>
 */
public final class JobValidator {
    /** Schema $id prefix; resolved to classpath:schemas/ so nothing is fetched from the network. */
    static final String SCHEMA_BASE = "https://pix2pix.dev/schemas/";

    private static final Map<Class<?>, String> SCHEMA_FILES = Map.of(
            TrainJob.class, "train-job.schema.json",
            TranslateJob.class, "translate-job.schema.json",
            CancelJob.class, "cancel-job.schema.json",
            Shard.class, "shard.schema.json",
            JobEvent.class, "job-event.schema.json");

    /** What each message's top-level oneOf means, for the violation text. */
    private static final Map<Class<?>, String> ONE_OF_RULES = Map.of(TranslateJob.class,
            "exactly one of 'input' (an s3:// prefix) and 'inputs' (a list of s3:// object URIs) is required");

    private final Map<Class<?>, JsonSchema> schemas;

    public JobValidator() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(m -> m.mapPrefix(SCHEMA_BASE, "classpath:schemas/")));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .locale(Locale.ENGLISH)
                .build();
        schemas = Map.copyOf(SCHEMA_FILES.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                Map.Entry::getKey,
                e -> {
                    JsonSchema s = factory.getSchema(SchemaLocation.of(SCHEMA_BASE + e.getValue()), config);
                    s.initializeValidators(); // fail at construction, not on the first message
                    return s;
                })));
    }

    /** The schema's jobId rule (common.schema.json), for messages that failed validation. */
    private static final java.util.regex.Pattern JOB_ID =
            java.util.regex.Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

    /**
     * The jobId of a message that failed validation, when it has one that the schema would accept
     * (so a failed event can still be addressed to it), else empty.
     */
    public static java.util.Optional<String> readableJobId(String json) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = Json.mapper().readTree(json);
            com.fasterxml.jackson.databind.JsonNode id = n == null ? null : n.get("jobId");
            if (id != null && id.isTextual() && JOB_ID.matcher(id.asText()).matches()) {
                return java.util.Optional.of(id.asText());
            }
        } catch (Exception e) {
            // not JSON at all
        }
        return java.util.Optional.empty();
    }

    public Validated<TrainJob> train(String json) {
        return validate(json, TrainJob.class);
    }

    public Validated<TranslateJob> translate(String json) {
        return validate(json, TranslateJob.class);
    }

    public Validated<CancelJob> cancel(String json) {
        return validate(json, CancelJob.class);
    }

    public Validated<Shard> shard(String json) {
        return validate(json, Shard.class);
    }

    public Validated<JobEvent> event(String json) {
        return validate(json, JobEvent.class);
    }

    /**
     * The validator's messages, with "$" for the root object, and the hard-to-read output of a
     * failed oneOf (every branch's complaint) replaced by the rule it encodes.
     */
    private static List<String> readable(Set<ValidationMessage> messages, Class<?> type) {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        for (ValidationMessage m : messages) {
            String path = String.valueOf(m.getEvaluationPath());
            if (ONE_OF_RULES.containsKey(type) && path.contains("oneOf")) {
                out.add("$: " + ONE_OF_RULES.get(type));
                continue;
            }
            String text = m.getMessage();
            out.add(text.startsWith(":") ? "$" + text : text);
        }
        return List.copyOf(out);
    }

    /** Validates {@code json} against the schema of {@code type} (one of the message records). */
    public <T> Validated<T> validate(String json, Class<T> type) {
        JsonSchema schema = schemas.get(type);
        if (schema == null) {
            throw new IllegalArgumentException("no schema for " + type.getName());
        }
        if (json == null || json.isBlank()) {
            return new Validated<>(null, List.of("empty message"));
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            return new Validated<>(null, List.of("not valid JSON: " + e.getOriginalMessage()));
        }
        Set<ValidationMessage> messages = schema.validate(node);
        if (!messages.isEmpty()) {
            return new Validated<>(null, readable(messages, type));
        }
        try {
            return new Validated<>(Json.mapper().treeToValue(node, type), List.of());
        } catch (JsonProcessingException e) {
            // schema and record disagree: a bug on our side, but still report it readably
            return new Validated<>(null, List.of("cannot map to " + type.getSimpleName() + ": " + e.getOriginalMessage()));
        }
    }
}
