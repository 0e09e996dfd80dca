package dev.pix2pix.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workers' bucket allow-list is fail-closed; a CA file must hold certificates. */
class StoreConfigTest {
    private static final String SETTING = "pix2pix.s3.allowed-buckets";

    @Test
    void aWorkerWithoutAnAllowListDoesNotStart() {
        List<Optional<List<String>>> missingOnes = List.of(Optional.empty(), Optional.of(List.<String>of()),
                Optional.of(List.of(" ", "")));
        for (Optional<List<String>> missing : missingOnes) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StoreConfig.workerAllowList(missing, SETTING));
            assertTrue(e.getMessage().contains(SETTING) && e.getMessage().contains("\"*\""), e.getMessage());
        }
    }

    @Test
    void bucketsOrEveryBucketOnPurpose() {
        assertEquals(Set.of("archive", "results"), StoreConfig.workerAllowList(Optional.of(List.of("archive", " results")), SETTING));
        Set<String> any = StoreConfig.workerAllowList(Optional.of(List.of("*")), SETTING);
        StoreConfig all = StoreConfig.of("http://x:1", "a", "b").withAllowedBuckets(any);
        assertTrue(all.allows("anything"));
        StoreConfig some = StoreConfig.of("http://x:1", "a", "b").withAllowedBuckets(Set.of("archive"));
        assertTrue(some.allows("archive"));
        assertFalse(some.allows("secrets"));
        assertThrows(IllegalArgumentException.class, () -> StoreConfig.workerAllowList(Optional.of(List.of("*", "a")), SETTING),
                "'*' with names is ambiguous");
    }

    @Test
    void aCaFileMustHoldCertificates(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("ca.crt");
        Files.writeString(junk, "not a certificate\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ObjectStore(StoreConfig.of("https://127.0.0.1:1", "a", "b").withCaFile(junk)).close());
        assertTrue(e.getMessage().contains(junk.toString()), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new ObjectStore(StoreConfig.of("https://127.0.0.1:1", "a", "b").withCaFile(dir.resolve("nope.pem"))).close());
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        assertTrue(StoreConfig.of("https://h", "a", "b").withCaFile(junk).toString().contains("caFile=" + junk));
    }
}
