package dev.pix2pix.cli;

import dev.pix2pix.msg.Party;
import dev.pix2pix.stack.StackInfo;
import java.nio.file.Path;
import java.util.Map;

/** What a client of the local stack needs to reach it: nothing for a plaintext stack, the CLI user and the CA for a secured one. */
final class StackClient {
    private StackClient() {}

    /** Kafka client properties of the stack's CLI user (empty for a plaintext stack). */
    static Map<String, String> kafkaProperties(StackInfo info) {
        return info.secure() ? info.security().kafkaSecurity().clientProperties(Party.CLI.id()) : Map.of();
    }

    /** The CA that signed the stack's certificates, or null for a plaintext stack. */
    static Path caFile(StackInfo info) {
        return info.secure() ? info.security().caFile() : null;
    }
}
