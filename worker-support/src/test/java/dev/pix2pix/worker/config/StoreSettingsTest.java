package dev.pix2pix.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {
    private static final WorkerSettings.Outage OUTAGE = new WorkerSettings.Outage() {
        @Override
        public Duration maxWait() {
            return Duration.ofMinutes(2);
        }

        @Override
        public Duration maxBackoff() {
            return Duration.ofSeconds(5);
        }
    };

    private static WorkerSettings.S3 s3(List<String> allowed, String healthBucket) {
        return new WorkerSettings.S3() {
            public String endpoint() {
                return "http://127.0.0.1:9000";
            }

            public Optional<String> accessKey() {
                return Optional.of("ak");
            }

            public Optional<String> secretKey() {
                return Optional.of("sk");
            }

            public Optional<String> region() {
                return Optional.empty();
            }

            public Optional<List<String>> allowedBuckets() {
                return Optional.ofNullable(allowed);
            }

            public Optional<Path> caFile() {
                return Optional.empty();
            }

            public Optional<String> healthBucket() {
                return Optional.ofNullable(healthBucket);
            }
        };
    }

    @Test
    void probesTheFirstAllowedBucketByName() {
        StoreSettings s = StoreSettings.of(s3(List.of("zeta", " archive "), null), OUTAGE);
        assertEquals("archive", s.healthBucket());
        assertEquals(Set.of("zeta", "archive"), s.config().allowedBuckets());
        assertEquals(Duration.ofMinutes(2), s.config().retry().maxWait());
    }

    @Test
    void aConfiguredHealthBucketWins() {
        assertEquals("probe-here", StoreSettings.of(s3(List.of("a", "b"), "probe-here"), OUTAGE).healthBucket());
    }

    @Test
    void everyBucketAllowedProbesOneThatNeedNotExist() {
        assertEquals(StoreSettings.PROBE_BUCKET, StoreSettings.of(s3(List.of("*"), null), OUTAGE).healthBucket());
    }

    @Test
    void noAllowListIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreSettings.of(s3(null, null), OUTAGE));
        assertTrue(e.getMessage().contains("pix2pix.s3.allowed-buckets"), e.getMessage());
    }
}
