package dev.pix2pix.infer;

import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageWriter;
import dev.pix2pix.image.OutputFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A before/after contact sheet under {@code _contact/}: JPEG thumbnails of each input and output,
 * and an {@code index.html} linking the full-size results, plus the failures with their reasons.
 * The leading underscore keeps it apart from outputs (and out of any later job's inputs).
 */
public final class ContactSheet implements TranslatePipeline.Listener {
    public static final String DIR = "_contact";
    private static final int THUMB = 192;
    private final TranslatePipeline.Sink sink;
    private final List<String[]> rows = new ArrayList<>();
    private final List<ItemResult> failures = new ArrayList<>();

    public ContactSheet(TranslatePipeline.Sink sink) {
        this.sink = sink;
    }

    @Override
    public void result(ItemResult r) {
        if (r.status() == ItemResult.Status.FAILED) {
            synchronized (failures) {
                failures.add(r);
            }
        } else if (r.status() == ItemResult.Status.EXISTS) {
            synchronized (rows) {
                rows.add(new String[] {r.input(), r.output(), null, null});
            }
        }
    }

    @Override
    public void output(String inputKey, String outputKey, FloatImage input, FloatImage output) {
        String before = thumb(outputKey, "before");
        String after = thumb(outputKey, "after");
        try {
            FloatImage in = Translator.thumbnail(input.channels() == 1 ? input.toRgb() : input, THUMB);
            sink.write(before, ImageWriter.write(in, OutputFormat.jpeg(0.85f), Map.of(), null), "image/jpeg");
            sink.write(after, ImageWriter.write(Translator.thumbnail(output, THUMB), OutputFormat.jpeg(0.85f), Map.of(),
                    null), "image/jpeg");
            synchronized (rows) {
                rows.add(new String[] {inputKey, outputKey, before, after});
            }
        } catch (IOException | RuntimeException e) {
            synchronized (rows) {
                rows.add(new String[] {inputKey, outputKey, null, null});
            }
        }
    }

    /** Writes {@code _contact/index.html}; links are relative to the output prefix. */
    public void writeIndex(String title) throws IOException {
        List<String[]> sorted;
        synchronized (rows) {
            sorted = new ArrayList<>(rows);
        }
        List<ItemResult> failed;
        synchronized (failures) {
            failed = new ArrayList<>(failures);
        }
        sink.write(DIR + "/index.html", html(title, sorted, failed), "text/html");
    }

    /**
     * Writes {@code _contact/index.html} from results gathered elsewhere (e.g. the manifest of a
     * sharded job, whose thumbnails several workers wrote): written and existing outputs link their
     * thumbnails at the paths {@link #output} uses, failures are listed.
     */
    public static void writeIndex(TranslatePipeline.Sink sink, String title, List<ItemResult> results)
            throws IOException {
        writeIndex(sink, "index.html", title, results);
    }

    /**
     * As {@link #writeIndex(TranslatePipeline.Sink, String, List)}, as {@code _contact/<name>} (one
     * page per job where several jobs write to one prefix).
     */
    public static void writeIndex(TranslatePipeline.Sink sink, String name, String title, List<ItemResult> results)
            throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<ItemResult> failed = new ArrayList<>();
        for (ItemResult r : results) {
            if (r.status() == ItemResult.Status.FAILED) {
                failed.add(r);
            } else {
                rows.add(new String[] {r.input(), r.output(), thumb(r.output(), "before"), thumb(r.output(), "after")});
            }
        }
        sink.write(DIR + "/" + name, html(title, rows, failed), "text/html");
    }

    private static String thumb(String outputKey, String side) {
        return DIR + "/thumbs/" + outputKey + "." + side + ".jpg";
    }

    private static byte[] html(String title, List<String[]> sorted, List<ItemResult> failures) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title><style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}"
                        + "td{padding:4px;border-bottom:1px solid #ddd;vertical-align:top}img{max-width:192px}"
                        + ".err{color:#a00}</style></head><body><h1>")
                .append(esc(title)).append("</h1>");
        sorted.sort(Comparator.comparing(r -> r[0]));
        h.append("<p>").append(sorted.size()).append(" outputs, ").append(failures.size()).append(" failed</p>");
        h.append("<table><tr><th>input</th><th>before</th><th>after</th></tr>");
        for (String[] r : sorted) {
            h.append("<tr><td><a href=\"../").append(esc(r[1])).append("\">").append(esc(r[0])).append("</a></td>");
            h.append("<td>").append(r[2] == null ? "" : "<img src=\"../" + esc(r[2]) + "\">").append("</td>");
            h.append("<td>").append(r[3] == null ? "" : "<a href=\"../" + esc(r[1]) + "\"><img src=\"../" + esc(r[3])
                    + "\"></a>").append("</td></tr>");
        }
        h.append("</table>");
        if (!failures.isEmpty()) {
            h.append("<h2>Failed</h2><ul>");
            for (ItemResult f : failures) {
                h.append("<li class=\"err\">").append(esc(f.input())).append(": ").append(esc(f.reason()))
                        .append(" &mdash; ").append(esc(f.error())).append("</li>");
            }
            h.append("</ul>");
        }
        h.append("</body></html>\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
