package dev.pix2pix.pth;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Lists the tensors of a {@code .pth} file (name, dtype, shape, a few statistics) without torch:
 * {@code java -cp ... dev.pix2pix.pth.PthDump latest_net_G.pth [key]}. Checkpoint dicts are
 * listed key by key.
 */
public final class PthDump {

    private PthDump() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: PthDump FILE.pth [checkpoint-key]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        if (args.length == 2) {
            print(PthReader.read(file, args[1]), System.out);
            return;
        }
        Object top = PthReader.readObject(file);
        try {
            print(PthReader.toStateDict(top), System.out);
        } catch (PthFormatException notBare) {
            if (!(top instanceof Map<?, ?> m)) {
                throw notBare;
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getValue() instanceof Map<?, ?>) {
                    try {
                        StateDict sd = PthReader.toStateDict(e.getValue());
                        System.out.println("[" + e.getKey() + "]");
                        print(sd, System.out);
                        continue;
                    } catch (PthFormatException ignored) {
                        // not a state dict: printed below as a value
                    }
                }
                String v = String.valueOf(e.getValue() instanceof List<?> l && l.size() > 8 ? "list of " + l.size()
                        : e.getValue());
                System.out.println("[" + e.getKey() + "] = " + (v.length() > 100 ? v.substring(0, 100) + "..." : v));
            }
        }
    }

    /** One line per tensor: name, dtype, shape, mean and max |x| for floating point tensors. */
    public static void print(StateDict sd, PrintStream out) {
        long total = 0;
        for (Map.Entry<String, TensorData> e : sd) {
            TensorData t = e.getValue();
            total += t.numel();
            String stats = "";
            if (t.numel() > 0 && t.numel() < Integer.MAX_VALUE) {
                if (t.dtype().isFloatingPoint()) {
                    double sum = 0;
                    double max = 0;
                    for (float f : t.toFloatArray()) {
                        sum += f;
                        max = Math.max(max, Math.abs(f));
                    }
                    stats = String.format(" mean=%.6g max|x|=%.6g", sum / t.numel(), max);
                } else if (t.numel() <= 4) {
                    stats = " = " + Arrays.toString(t.toLongArray());
                }
            }
            out.println(e.getKey() + "  " + t.dtype() + " " + Arrays.toString(t.shape()) + stats);
        }
        out.println(sd.size() + " tensors, " + total + " elements");
    }
}
