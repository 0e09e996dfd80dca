package dev.pix2pix.stack;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that cannot start fails fast with its log tail in the message. */
class ServerFailureIT {

    @Test
    void portAlreadyTakenIsReportedWithTheLogTail(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalS3.start(dir,
                    new LocalS3.Settings(taken.getLocalPort(), "ak", "sk", false)));
            assertTrue(e.getMessage().contains("s3proxy"), e.getMessage());
            assertTrue(e.getMessage().contains("s3proxy.log"), e.getMessage());
            assertTrue(ServerProcess.isPortConflict(e), e.getMessage());
        }
    }
}
