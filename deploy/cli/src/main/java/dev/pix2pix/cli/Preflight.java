package dev.pix2pix.cli;

import dev.pix2pix.delivery.Limits;
import dev.pix2pix.infer.TranslatePlan;
import dev.pix2pix.infer.OutputPolicy;
import dev.pix2pix.infer.Translator;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What {@code submit} can tell before publishing a translate job that the worker would refuse
 * anyway, so the user hears it at once (exit 2, nothing published) rather than from a failed event:
 * a render size the model's network cannot take, and inputs whose outputs would collide. It reads
 * only what is small (model.json, the input listing); what it cannot read it leaves to the worker.
 */
final class Preflight {
    /** Listing more than this is left to the worker (it refuses too many inputs itself). */
    private static final int MAX_LISTED = 200_000;

    private Preflight() {}

    static List<String> problems(TranslateJob job, ObjectStore store) {
        List<String> out = new ArrayList<>();
        TranslatePlan plan;
        try {
            // the pixel ceiling is the workers' to apply; the rest is decided as they will decide it
            plan = TranslatePlan.of(job.options(), 1, Limits.DEFAULTS);
        } catch (IllegalArgumentException e) {
            out.add("options: " + e.getMessage());
            return out;
        }
        modelInfo(job, store).ifPresent(info -> {
            try {
                Translator.check(info.spec(), info, plan.settings());
            } catch (IllegalArgumentException e) {
                out.add("options.renderSize: " + e.getMessage() + " (model " + job.model() + ")");
            }
        });
        List<String> keys = inputKeys(job, store);
        SortedMap<String, List<String>> collisions = plan.output().collisions(keys);
        if (!collisions.isEmpty()) {
            out.add(OutputPolicy.describeCollisions(collisions, 5));
        }
        return out;
    }

    private static Optional<ModelInfo> modelInfo(TranslateJob job, ObjectStore store) {
        S3Uri m = S3Uri.parse(job.model());
        if (m.name().endsWith(".pth") || m.name().endsWith(".pt")) {
            return Optional.empty(); // its architecture is in its tensors: the worker reads it
        }
        try {
            S3Uri info = m.asPrefix().child(ModelFolder.INFO);
            return Optional.of(Json.read(new String(store.get(info, 1 << 20), StandardCharsets.UTF_8),
                    ModelInfo.class)).filter(i -> i.spec() != null);
        } catch (StoreException | IllegalArgumentException e) {
            return Optional.empty(); // missing or unreadable: the worker says so, with the details
        }
    }

    /** Input keys relative to their base, as the worker names outputs after them. */
    private static List<String> inputKeys(TranslateJob job, ObjectStore store) {
        List<String> keys = new ArrayList<>();
        if (job.input() != null) {
            S3Uri base = S3Uri.parse(job.input()).asPrefix();
            S3Uri output = S3Uri.parse(job.output()).asPrefix();
            try {
                List<ObjectInfo> listed = store.list(base, MAX_LISTED);
                for (ObjectInfo i : listed) {
                    String rel = i.uri().relativeTo(base);
                    boolean hidden = false;
                    for (String part : rel.split("/")) {
                        hidden |= part.startsWith("_") || part.startsWith(".");
                    }
                    boolean belowOutput = i.bucket().equals(output.bucket()) && i.key().startsWith(output.key());
                    if (!hidden && !belowOutput) {
                        keys.add(rel);
                    }
                }
            } catch (StoreException e) {
                return List.of(); // the worker lists it again and reports what it finds
            }
        } else {
            for (String u : job.inputs()) {
                keys.add(S3Uri.parse(u).key());
            }
        }
        return keys;
    }
}
