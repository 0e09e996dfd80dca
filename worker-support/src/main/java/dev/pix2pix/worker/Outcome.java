package dev.pix2pix.worker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What handling one consumed message leads to: the records it causes (events, shards, notes,
 * dead letters), published together with the message's offset in one Kafka transaction, so that
 * they appear exactly once and the message is never committed without them. {@link #leave()}
 * publishes nothing and leaves the message uncommitted: the worker is stopping or lost the
 * partition, and the message's next owner handles it again.
 */
public final class Outcome {
    /** One record to publish; {@code partition} null = by key. */
    public record Out(String topic, String key, Integer partition, String value, Map<String, String> headers) {
        public Out {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }
    }

    private final List<Out> records;
    private final boolean leave;
    private final String summary;

    private Outcome(List<Out> records, boolean leave, String summary) {
        this.records = records;
        this.leave = leave;
        this.summary = summary;
    }

    /** A message whose work is done (or refused) with these records as its result. */
    public static Outcome of(String summary, List<Out> records) {
        return new Outcome(List.copyOf(records), false, summary);
    }

    /** Commits the message with nothing to publish (e.g. a duplicate of a job that has ended). */
    public static Outcome nothing(String summary) {
        return new Outcome(List.of(), false, summary);
    }

    /** Do not commit: the message goes to whoever owns its partition next (or to our restart). */
    public static Outcome leave(String summary) {
        return new Outcome(List.of(), true, summary);
    }

    public List<Out> records() {
        return records;
    }

    /** This outcome followed by the records of {@code other} (neither may be a leave). */
    public Outcome plus(Outcome other) {
        if (leave || other.leave) {
            throw new IllegalArgumentException("a leave has no records to combine");
        }
        List<Out> all = new ArrayList<>(records);
        all.addAll(other.records);
        return new Outcome(List.copyOf(all), false, summary + "; " + other.summary);
    }

    public boolean isLeave() {
        return leave;
    }

    /** For the log: what became of the message. */
    public String summary() {
        return summary;
    }

    /** Builds the record list of an outcome. */
    public static final class Builder {
        private final List<Out> records = new ArrayList<>();

        public Builder add(String topic, String key, Integer partition, String value, Map<String, String> headers) {
            records.add(new Out(topic, key, partition, value, headers));
            return this;
        }

        public Builder add(Out o) {
            records.add(o);
            return this;
        }

        public Builder add(String topic, String key, String value) {
            return add(topic, key, null, value, null);
        }

        public List<Out> records() {
            return Collections.unmodifiableList(records);
        }

        public Outcome build(String summary) {
            return Outcome.of(summary, records);
        }
    }

    @Override
    public String toString() {
        return (leave ? "leave: " : records.size() + " record(s): ") + summary;
    }
}
