package dev.pix2pix.model;

import dev.pix2pix.msg.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model folder's {@code loss_log.jsonl}: one JSON line per epoch, {@code {"epoch":N, <loss>:value..,
 * "seconds":s, "lr":x}}. The one reader and writer: the trainer appends, the workers trim it on resume
 * and report its last losses, the demo draws it. Keys other than epoch/seconds/lr are losses, so a
 * model with other losses needs no change here.
 */
public final class LossLog {
    public static final String FILE = "loss_log.jsonl";
    private static final Set<String> NOT_LOSSES = Set.of("epoch", "seconds", "lr");
    private static final ObjectMapper JSON = Json.mapper();

    private LossLog() {}

    /** One epoch's line; a loss that was not finite reads as NaN. */
    public record Entry(int epoch, Map<String, Double> losses, double seconds, double lr) {}

    public static void append(Path modelDir, Entry e) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("epoch", e.epoch());
        line.putAll(e.losses());
        line.put("seconds", e.seconds());
        line.put("lr", e.lr());
        Files.write(modelDir.resolve(FILE), (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The entries of a log file, in file order (an absent file has none). */
    public static List<Entry> read(Path file) throws IOException {
        return Files.exists(file) ? parse(Files.readString(file, StandardCharsets.UTF_8)) : List.of();
    }

    public static List<Entry> parse(String text) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            Map<String, Double> losses = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!NOT_LOSSES.contains(f.getKey())) {
                    // non-finite values are written as strings ("NaN", "Infinity"): a gap, not a number
                    losses.put(f.getKey(), f.getValue().isNumber() ? f.getValue().asDouble() : Double.NaN);
                }
            }
            out.add(new Entry(n.path("epoch").asInt(out.size() + 1), losses, n.path("seconds").asDouble(Double.NaN),
                    n.path("lr").asDouble(Double.NaN)));
        }
        return out;
    }

    /** The lines of {@code text} for epochs before {@code nextEpoch}: the log a resumed run continues. */
    public static String before(String text, int nextEpoch) throws IOException {
        StringBuilder kept = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && JSON.readTree(line).path("epoch").asInt(Integer.MAX_VALUE) < nextEpoch) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }
}
