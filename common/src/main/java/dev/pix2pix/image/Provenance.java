package dev.pix2pix.image;

import java.util.LinkedHashMap;
import java.util.Map;

/** Text metadata that labels an output as machine-made (archives must be able to tell). */
public final class Provenance {
    private Provenance() {}

    public static final String SOFTWARE = "pix2pix-workers";

    /** Description text: "machine-colorized by pix2pix-workers, model &lt;uri&gt; &lt;version&gt;". */
    public static String colorizedDescription(String modelUri, String modelVersion) {
        return "machine-colorized by " + SOFTWARE + ", model " + modelUri + " " + modelVersion;
    }

    /** Map for {@link ImageWriter#write}: Software and Description keys. */
    public static Map<String, String> colorized(String modelUri, String modelVersion) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Software", SOFTWARE);
        m.put("Description", colorizedDescription(modelUri, modelVersion));
        return m;
    }
}
