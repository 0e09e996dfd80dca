package dev.pix2pix.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The seeded schedule of a chaos soak: when each job is submitted and which fault starts when and
 * lasts how long. Faults never overlap (one is healed before the next starts), so every outage has
 * a known length; a worker killed is started again after the fault's duration. Pure: the command
 * carries it out.
 */
record ChaosPlan(List<Submit> submits, List<Fault> faults) {
    enum Kind {
        KILL_WORKER_INFER, KILL_WORKER_TRAIN, HANG_S3, RESTART_S3, HANG_KAFKA, RESTART_KAFKA
    }

    /** @param train a training job, else a translate job */
    record Submit(Duration at, int index, boolean train) {}

    record Fault(Duration at, Kind kind, Duration lasts) {}

    /**
     * @param window     faults start within it; jobs are submitted over its first two thirds
     * @param maxOutage  longest fault (at least 3 s)
     */
    static ChaosPlan of(long seed, int jobs, int faults, double trainShare, Duration window, Duration maxOutage) {
        Random r = new Random(seed);
        List<Submit> submits = new ArrayList<>();
        long submitSpan = window.toMillis() * 2 / 3;
        for (int i = 0; i < jobs; i++) {
            submits.add(new Submit(Duration.ofMillis(jobs == 1 ? 0 : submitSpan * i / (jobs - 1)), i,
                    r.nextDouble() < trainShare));
        }
        List<Fault> out = new ArrayList<>();
        long slot = window.toMillis() / Math.max(1, faults);
        Kind[] kinds = Kind.values();
        for (int i = 0; i < faults; i++) {
            long lasts = Math.max(3_000, Math.min(maxOutage.toMillis(), slot - 2_000));
            long length = 3_000 + (long) (r.nextDouble() * (lasts - 3_000));
            long start = i * slot + (long) (r.nextDouble() * Math.max(0, slot - length));
            out.add(new Fault(Duration.ofMillis(start), kinds[r.nextInt(kinds.length)], Duration.ofMillis(length)));
        }
        out.sort(Comparator.comparing(Fault::at));
        return new ChaosPlan(List.copyOf(submits), List.copyOf(out));
    }
}
