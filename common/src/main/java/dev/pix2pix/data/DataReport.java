package dev.pix2pix.data;

import java.util.List;

/**
 * What a {@link TrainingSet} found so far: entries seen usable, and the unusable ones with their
 * reasons (complete once every entry was prepared, i.e. after the first epoch).
 *
 * @param listed entries listed when the set was opened
 * @param usable entries prepared successfully so far
 * @param skipped unusable entries, in the order they were found
 */
public record DataReport(int listed, int usable, List<UnusableSample> skipped) {
    /** Entries of a colour set skipped because the photo is already gray. */
    public int grayscale() {
        return (int) skipped.stream().filter(s -> UnusableSample.GRAYSCALE.equals(s.reason())).count();
    }

    /** Unusable entries other than gray photos: files that do not decode, missing pairs, ... */
    public int unreadable() {
        return skipped.size() - grayscale();
    }

    /** Whether every entry has been prepared (usable or not). */
    public boolean complete() {
        return usable + skipped.size() >= listed;
    }
}
