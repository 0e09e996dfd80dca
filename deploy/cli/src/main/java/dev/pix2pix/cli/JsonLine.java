package dev.pix2pix.cli;

import dev.pix2pix.msg.Json;

/** One JSON line on standard output, for --json (the project's one Jackson configuration). */
final class JsonLine {
    private JsonLine() {}

    static String of(Object value) {
        return Json.write(value);
    }
}
