package dev.pix2pix.worker.train;

import java.time.Duration;
import org.junit.jupiter.api.Tag;

/** {@link TrainFaultIT} with five-minute outages (mvn -B verify -Pslow). */
@Tag("slow")
class LongTrainFaultIT extends TrainFaultIT {
    @Override
    Duration outage() {
        return Duration.ofMinutes(5);
    }
}
