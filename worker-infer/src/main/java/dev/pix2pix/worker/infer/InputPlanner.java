package dev.pix2pix.worker.infer;

import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.S3Uri;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import dev.pix2pix.msg.FailureCode;

/**
 * Which objects a translate job covers and how they are cut into shards. Output keys are the input
 * keys relative to a base prefix (the job's input prefix, or the common folder of an explicit list),
 * placed under the output prefix.
 */
final class InputPlanner {
    /** @param keys relative to {@code base}, sorted */
    record Plan(S3Uri base, List<String> keys) {}

    /** A job that cannot start; the message names what is wrong. */
    static final class Refused extends Exception {
        private final FailureCode code;

        Refused(String message) {
            this(FailureCode.REFUSED, message);
        }

        Refused(FailureCode code, String message) {
            super(message);
            this.code = code;
        }

        FailureCode code() {
            return code;
        }
    }

    /** Lists at most {@code max} objects below a prefix. */
    interface Lister {
        List<ObjectInfo> list(S3Uri prefix, int max);
    }

    private InputPlanner() {}

    /** @param maxInputs a job with more inputs is refused (LIMIT) */
    static Plan plan(TranslateJob job, Lister lister, int maxInputs) throws Refused {
        S3Uri output = parse(job.output(), "output").asPrefix();
        if (job.input() != null) {
            S3Uri base = parse(job.input(), "input").asPrefix();
            List<String> keys = new ArrayList<>();
            // bounded: the output prefix and '_' folders below the input may hold as many objects again
            int cap = (int) Math.min(Integer.MAX_VALUE, 2L * maxInputs + 10_000);
            List<ObjectInfo> listed = lister.list(base, cap);
            for (ObjectInfo o : listed) {
                String rel = o.uri().relativeTo(base);
                if (!hidden(rel) && !below(o.uri(), output)) {
                    keys.add(rel);
                }
            }
            if (keys.size() > maxInputs || listed.size() >= cap) {
                throw new Refused(FailureCode.LIMIT, "more than " + maxInputs + " inputs under " + base
                        + " (pix2pix.limits.max-inputs-per-job); split the job");
            }
            if (keys.isEmpty()) {
                throw new Refused("no inputs under " + base + " (missing prefix, or only '_'/'.' folders"
                        + " and the output prefix below it)");
            }
            keys.sort(null);
            return new Plan(base, keys);
        }
        Set<S3Uri> uris = new LinkedHashSet<>();
        for (String s : job.inputs()) {
            S3Uri u = parse(s, "inputs[]");
            if (u.isPrefix()) {
                throw new Refused("inputs[] must name objects, not prefixes: " + u);
            }
            uris.add(u);
        }
        String bucket = uris.iterator().next().bucket();
        if (uris.stream().anyMatch(u -> !u.bucket().equals(bucket))) {
            throw new Refused("all inputs[] must be in one bucket (found several)");
        }
        S3Uri base = new S3Uri(bucket, commonFolder(uris.stream().map(S3Uri::key).toList()));
        List<String> keys = new ArrayList<>();
        for (S3Uri u : uris) {
            keys.add(u.relativeTo(base));
        }
        keys.sort(null);
        return new Plan(base, keys);
    }

    /** Consecutive slices of at most {@code size} keys. */
    static List<List<String>> split(List<String> keys, int size) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += size) {
            out.add(List.copyOf(keys.subList(i, Math.min(keys.size(), i + size))));
        }
        return out;
    }

    /**
     * A job's shards spread over all partitions, and therefore over all replicas: every run of
     * {@code partitions} consecutive shards uses each partition once, and the first few are already
     * far apart (bit-reversed order: 0, P/2, P/4, 3P/4, ... from a start that depends on the job).
     * Consecutive partitions would not do: the default range assignor gives each consumer a contiguous
     * block, so a job of 8 shards on 32 partitions (the declared count) would all land on one replica
     * of two.
     */
    static int partition(String jobId, int index, int partitions) {
        return Math.floorMod(jobId.hashCode() + spread(Math.floorMod(index, partitions), partitions), partitions);
    }

    /** The {@code k}-th of 0..n-1 in bit-reversed order (values >= n skipped): a permutation that spreads prefixes. */
    static int spread(int k, int n) {
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1));
        int seen = 0;
        for (int i = 0; i < 1 << bits; i++) {
            int r = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
            if (r < n && seen++ == k) {
                return r;
            }
        }
        throw new IllegalArgumentException("k " + k + " outside 0.." + (n - 1));
    }

    /** Reports, thumbnails, manifests ('_' folders) and hidden files ('.') are not inputs. */
    static boolean hidden(String relativeKey) {
        for (String part : relativeKey.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    static boolean below(S3Uri object, S3Uri prefix) {
        return object.bucket().equals(prefix.bucket()) && object.key().startsWith(prefix.key());
    }

    /** The longest common folder ("a/b/") of the keys; "" when they share none. */
    static String commonFolder(List<String> keys) {
        String common = keys.get(0);
        for (String k : keys) {
            int n = 0;
            while (n < common.length() && n < k.length() && common.charAt(n) == k.charAt(n)) {
                n++;
            }
            common = common.substring(0, n);
        }
        return common.substring(0, common.lastIndexOf('/') + 1);
    }

    private static S3Uri parse(String uri, String field) throws Refused {
        try {
            return S3Uri.parse(uri);
        } catch (IllegalArgumentException e) {
            throw new Refused(field + ": " + e.getMessage());
        }
    }
}
