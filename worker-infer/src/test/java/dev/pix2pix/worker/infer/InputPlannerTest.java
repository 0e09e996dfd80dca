package dev.pix2pix.worker.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.S3Uri;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InputPlannerTest {
    private static List<ObjectInfo> objects(String bucket, String... keys) {
        return java.util.Arrays.stream(keys).map(k -> new ObjectInfo(bucket, k, 1, "e")).toList();
    }

    @Test
    void prefixJobSkipsUnderscoreFoldersHiddenFilesAndTheOutputPrefix() throws Exception {
        TranslateJob job = TranslateJob.ofPrefix("j", "s3://mdl/model/", "s3://bkt/in", "s3://bkt/in/out/", null, null);
        InputPlanner.Plan p = InputPlanner.plan(job, (prefix, max) -> {
            assertEquals(S3Uri.parse("s3://bkt/in/"), prefix); // the folder, not every key starting with "in"
            return objects("bkt", "in/z.png", "in/a/b.jpg", "in/_contact/t.jpg", "in/.DS_Store", "in/out/a/b.png",
                    "in/x/_old/y.png");
        }, 100);
        assertEquals(S3Uri.parse("s3://bkt/in/"), p.base());
        assertEquals(List.of("a/b.jpg", "z.png"), p.keys());
    }

    @Test
    void emptyPrefixIsRefusedNamingIt() {
        TranslateJob job = TranslateJob.ofPrefix("j", "s3://mdl/model/", "s3://bkt/in/", "s3://bkt/out/", null, null);
        InputPlanner.Refused e = assertThrows(InputPlanner.Refused.class,
                () -> InputPlanner.plan(job, (prefix, max) -> List.of(), 100));
        assertTrue(e.getMessage().contains("s3://bkt/in/"), e.getMessage());
    }

    @Test
    void explicitInputsAreRelativeToTheirCommonFolder() throws Exception {
        TranslateJob job = TranslateJob.ofObjects("j", "s3://mdl/model/",
                List.of("s3://bkt/archive/box2/p.tif", "s3://bkt/archive/box1/q.png", "s3://bkt/archive/box1/q.png"),
                "s3://bkt/out/", null, null);
        InputPlanner.Plan p = InputPlanner.plan(job, (prefix, max) -> {
            throw new AssertionError("no listing for explicit inputs");
        }, 100);
        assertEquals(S3Uri.parse("s3://bkt/archive/"), p.base());
        assertEquals(List.of("box1/q.png", "box2/p.tif"), p.keys());
    }

    @Test
    void explicitInputsInSeveralBucketsAreRefused() {
        TranslateJob job = TranslateJob.ofObjects("j", "s3://mdl/model/", List.of("s3://bk1/x.png", "s3://bk2/y.png"),
                "s3://bkt/out/", null, null);
        assertThrows(InputPlanner.Refused.class, () -> InputPlanner.plan(job, (prefix, max) -> List.of(), 100));
    }

    @Test
    void aPrefixWithTooManyInputsIsRefusedAsOverTheLimit() {
        TranslateJob job = TranslateJob.ofPrefix("j", "s3://mdl/model/", "s3://bkt/in/", "s3://bkt/out/", null, null);
        InputPlanner.Refused e = assertThrows(InputPlanner.Refused.class, () -> InputPlanner.plan(job,
                (prefix, max) -> objects("bkt", "in/1.png", "in/2.png", "in/3.png"), 2));
        assertEquals(dev.pix2pix.msg.FailureCode.LIMIT, e.code());
        assertTrue(e.getMessage().contains("more than 2 inputs"), e.getMessage());
    }

    @Test
    void commonFolderStopsAtASlash() {
        assertEquals("a/", InputPlanner.commonFolder(List.of("a/bc.png", "a/bd.png")));
        assertEquals("", InputPlanner.commonFolder(List.of("x.png", "y.png")));
        assertEquals("a/b/", InputPlanner.commonFolder(List.of("a/b/c.png")));
    }

    @Test
    void splitKeepsOrderAndSizes() {
        List<List<String>> s = InputPlanner.split(List.of("1", "2", "3", "4", "5"), 2);
        assertEquals(List.of(List.of("1", "2"), List.of("3", "4"), List.of("5")), s);
    }

    @Test
    void consecutiveShardsUseEveryPartition() {
        for (String job : List.of("a", "job-17", "x".repeat(100))) {
            Set<Integer> used = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                int p = InputPlanner.partition(job, i, 8);
                assertTrue(p >= 0 && p < 8);
                used.add(p);
            }
            assertEquals(8, used.size());
        }
    }

    @Test
    void everyRoundOfShardsUsesEveryPartitionForAnyCount() {
        for (int partitions : new int[] {1, 3, 4, 6, 32}) {
            Set<Integer> used = new HashSet<>();
            for (int i = 0; i < partitions; i++) {
                used.add(InputPlanner.partition("job-9", i + partitions, partitions));
            }
            assertEquals(partitions, used.size(), partitions + " partitions");
        }
    }

    /** The range assignor gives each of c consumers a block of 32/c partitions: a small job reaches them all. */
    @Test
    void aSmallJobReachesEveryRangeAssignedConsumer() {
        for (String job : List.of("two-workers", "job-17", "colorize-20261123-093512-k2p9x")) {
            for (int consumers : new int[] {2, 4, 8}) {
                int[] perConsumer = new int[consumers];
                for (int i = 0; i < 8; i++) {
                    perConsumer[InputPlanner.partition(job, i, 32) / (32 / consumers)]++;
                }
                for (int c = 0; c < consumers; c++) {
                    assertEquals(8 / consumers, perConsumer[c], job + ", " + consumers + " consumers: "
                            + java.util.Arrays.toString(perConsumer));
                }
            }
        }
    }

    @Test
    void partIndexParsesPartNames() {
        assertEquals(12, JobFiles.partIndex("out/_manifest/parts/shard-00012.jsonl"));
        assertEquals(-1, JobFiles.partIndex("out/_manifest/parts/shard-00012.jsonl.tmp"));
        JobFiles.Plan plan = new JobFiles.Plan("j", 5, 3, 2, "2026-01-01T00:00:00Z", "t-0@1");
        assertEquals(List.of(2, 2, 1), List.of(plan.itemsOfShard(0), plan.itemsOfShard(1), plan.itemsOfShard(2)));
    }

}
