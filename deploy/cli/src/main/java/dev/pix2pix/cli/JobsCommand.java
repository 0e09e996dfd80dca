package dev.pix2pix.cli;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "Recent jobs and their latest state, read from pix2pix.events from the beginning (events are kept "
                + "as long as the topic's retention).")
final class JobsCommand implements Callable<Integer> {
    @Option(names = "--limit", defaultValue = "20", description = "most recent jobs to show (default: ${DEFAULT-VALUE}; 0 = all)")
    int limit;

    @Option(names = "--json", description = "one JSON object per job")
    boolean json;

    @Mixin
    Connection connection = new Connection();

    /** What is known of one job after reading its events. */
    record JobState(String jobId, String firstSeen, String lastSeen, String state, Long done, Long total,
                    Integer epoch, long itemsFailed, String detail) {}

    /** Folds events (in topic order per job) into one state per job, most recent first. */
    static List<JobState> summarize(List<JobEvent> events) {
        Map<String, List<JobEvent>> byJob = new LinkedHashMap<>();
        for (JobEvent e : events) {
            byJob.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(e);
        }
        List<JobState> out = new ArrayList<>();
        for (List<JobEvent> es : byJob.values()) {
            String first = es.get(0).timestamp();
            String last = first;
            String state = "unknown";
            Long done = null, total = null;
            Integer epoch = null;
            long failedItems = 0;
            String detail = null;
            boolean ended = false;
            for (JobEvent e : es) {
                if (e.timestamp() != null && e.timestamp().compareTo(last) > 0) {
                    last = e.timestamp();
                }
                if (e.type() == EventType.ITEM_FAILED) {
                    failedItems++;
                }
                if (e.done() != null && e.shard() == null) {
                    done = e.done();
                    if (e.total() != null) {
                        total = e.total();
                    }
                }
                if (e.epoch() != null) {
                    epoch = e.epoch();
                }
                if (ended) {
                    continue; // nothing follows the end; ignore stragglers for the state
                }
                if (JobClient.isEnd(e)) {
                    ended = true;
                    state = e.type().wire();
                    detail = e.reason() != null ? e.reason() : e.message();
                    if (e.type() == EventType.COMPLETED && e.outputs() != null && !e.outputs().isEmpty()) {
                        detail = e.outputs().get(0) + (e.outputs().size() > 1 ? " (+" + (e.outputs().size() - 1) + ")" : "");
                    }
                } else {
                    state = e.type() == EventType.ACCEPTED ? "accepted" : "running";
                }
            }
            out.add(new JobState(es.get(0).jobId(), first, last, state, done, total, epoch, failedItems, detail));
        }
        out.sort(Comparator.comparing(JobState::lastSeen, Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
        return out;
    }

    @Override
    public Integer call() {
        JobClient client = new JobClient(connection.kafka());
        List<JobEvent> events;
        try (JobClient.EventReader reader = client.events(connection.topics().events()).fromBeginning()) {
            events = reader.readToEnd();
        }
        List<JobState> jobs = summarize(events);
        if (limit > 0 && jobs.size() > limit) {
            jobs = jobs.subList(0, limit);
        }
        if (json) {
            jobs.forEach(j -> System.out.println(JsonLine.of(j)));
            return 0;
        }
        if (jobs.isEmpty()) {
            System.out.println("no jobs (no events on " + connection.topics().events() + ")");
            return 0;
        }
        System.out.printf(Locale.ROOT, "%-40s %-10s %-20s %-14s %s%n", "JOB", "STATE", "LAST EVENT", "PROGRESS", "DETAIL");
        for (JobState j : jobs) {
            String progress = j.done() != null ? j.done() + "/" + (j.total() == null ? "?" : j.total())
                    : j.epoch() != null ? "epoch " + j.epoch() : "";
            String detail = (j.itemsFailed() > 0 ? j.itemsFailed() + " item(s) failed " : "") + (j.detail() == null ? "" : j.detail());
            String lastSeen = j.lastSeen() == null ? "" : j.lastSeen().replace('T', ' ');
            if (lastSeen.length() > 19) {
                lastSeen = lastSeen.substring(0, 19);
            }
            System.out.printf(Locale.ROOT, "%-40s %-10s %-20s %-14s %s%n", j.jobId(), j.state(), lastSeen, progress, detail);
        }
        return 0;
    }
}
