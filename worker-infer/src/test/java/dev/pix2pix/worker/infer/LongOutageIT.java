package dev.pix2pix.worker.infer;

import java.time.Duration;
import org.junit.jupiter.api.Tag;

/** {@link OutageIT} with five-minute outages (mvn -B verify -Pslow). */
@Tag("slow")
class LongOutageIT extends OutageIT {
    @Override
    Duration outage() {
        return Duration.ofMinutes(5);
    }
}
