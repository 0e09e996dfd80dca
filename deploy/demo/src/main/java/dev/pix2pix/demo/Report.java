package dev.pix2pix.demo;

import dev.pix2pix.metrics.ImageScore;
import dev.pix2pix.metrics.MetricsSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The demo's HTML page: images side by side, metrics per image and overall, loss curves, timings. */
public final class Report {
    /** One test image: paths relative to the report folder (null output = failed). */
    public record Row(String name, String input, String output, String truth, ImageScore model, ImageScore baseline) {}

    private final String title;
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final Map<String, Double> timings = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private MetricsSummary model;
    private MetricsSummary baseline;
    private String lossChart;

    public Report(String title) {
        this.title = title;
    }

    public Report fact(String key, String value) {
        facts.put(key, value);
        return this;
    }

    public Report timing(String phase, double seconds) {
        timings.put(phase, seconds);
        return this;
    }

    public Report row(Row r) {
        rows.add(r);
        return this;
    }

    public Report failure(String text) {
        failures.add(text);
        return this;
    }

    public Report summaries(MetricsSummary model, MetricsSummary baseline) {
        this.model = model;
        this.baseline = baseline;
        return this;
    }

    public Report lossChart(String relativePath) {
        this.lossChart = relativePath;
        return this;
    }

    public Path write(Path file) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "text-align:right}th{background:#f0f0f0}td.l,th.l{text-align:left}"
                        + "img.t{width:128px;height:auto;image-rendering:pixelated}.bad{color:#b00}"
                        + "small{color:#666}</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        h.append("<table>\n");
        facts.forEach((k, v) -> h.append("<tr><th class=l>").append(esc(k)).append("</th><td class=l>").append(esc(v))
                .append("</td></tr>\n"));
        h.append("</table>\n");

        if (model != null) {
            h.append("<h2>Overall metrics</h2>\n<p><small>Definitions of shared/tools/metrics.py (computed with "
                    + "dev.pix2pix.metrics.MetricsAccumulator on the 8-bit files): L1 mean absolute error in [0,1] "
                    + "(lower is better), PSNR in dB and SSIM (higher is better), Lab histogram intersection per channel "
                    + "(1 = same colour distribution), colourfulness (Hasler–Süsstrunk). The baseline is the grayscale "
                    + "input itself scored against the ground truth: what “no colour at all” scores.</small></p>\n");
            h.append("<table><tr><th class=l></th><th>images</th><th>L1</th><th>PSNR</th><th>SSIM</th><th>hist L</th>"
                    + "<th>hist a</th><th>hist b</th><th>colourfulness</th><th>colourfulness (truth)</th></tr>\n");
            summaryRow(h, "model output", model);
            if (baseline != null) {
                summaryRow(h, "grayscale baseline", baseline);
            }
            h.append("</table>\n");
        }

        h.append("<h2>Images</h2>\n<table><tr><th class=l>image</th><th>input (B&amp;W)</th><th>colorized</th>"
                + "<th>ground truth</th><th>L1</th><th>PSNR</th><th>SSIM</th><th>colourfulness</th>"
                + "<th class=l>baseline L1 / PSNR / SSIM</th></tr>\n");
        for (Row r : rows) {
            h.append("<tr><td class=l>").append(esc(r.name())).append("</td>");
            cellImg(h, r.input());
            if (r.output() == null) {
                h.append("<td class=bad>failed</td>");
            } else {
                cellImg(h, r.output());
            }
            cellImg(h, r.truth());
            if (r.model() != null) {
                h.append(String.format(Locale.ROOT, "<td>%.4f</td><td>%.2f</td><td>%.4f</td><td>%.1f</td>",
                        r.model().l1(), r.model().psnr(), r.model().ssim(), r.model().colorfulnessFake()));
            } else {
                h.append("<td></td><td></td><td></td><td></td>");
            }
            h.append("<td class=l>").append(r.baseline() == null ? "" : String.format(Locale.ROOT, "%.4f / %.2f / %.4f",
                    r.baseline().l1(), r.baseline().psnr(), r.baseline().ssim())).append("</td></tr>\n");
        }
        h.append("</table>\n");

        if (!failures.isEmpty()) {
            h.append("<h2>Items that failed</h2>\n<ul>\n");
            failures.forEach(f -> h.append("<li class=bad>").append(esc(f)).append("</li>\n"));
            h.append("</ul>\n");
        }
        if (lossChart != null) {
            h.append("<h2>Loss curves</h2>\n<img src=\"").append(esc(lossChart)).append("\" alt=\"loss curves\">\n");
        }
        if (!timings.isEmpty()) {
            h.append("<h2>Timings</h2>\n<table>\n");
            timings.forEach((k, v) -> h.append("<tr><th class=l>").append(esc(k)).append("</th><td>")
                    .append(String.format(Locale.ROOT, "%.1f s", v)).append("</td></tr>\n"));
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, h, StandardCharsets.UTF_8);
        return file;
    }

    private static void summaryRow(StringBuilder h, String label, MetricsSummary s) {
        h.append(String.format(Locale.ROOT, "<tr><td class=l>%s</td><td>%d</td><td>%.4f</td><td>%.3f</td><td>%.4f</td>"
                        + "<td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.2f</td><td>%.2f</td></tr>\n",
                esc(label), s.count(), s.l1(), s.psnr(), s.ssim(), s.labHistIntersection().l(), s.labHistIntersection().a(),
                s.labHistIntersection().b(), s.colorfulnessFake(), s.colorfulnessReal()));
    }

    private static void cellImg(StringBuilder h, String src) {
        h.append("<td><img class=t src=\"").append(esc(src)).append("\" alt=\"").append(esc(src)).append("\"></td>");
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
