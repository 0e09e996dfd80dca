package dev.pix2pix.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Loss curves from a model folder's {@code loss_log.jsonl}, drawn with Java2D: one small chart per loss. */
public final class LossChart {
    private static final Color[] COLORS = {
        new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44), new Color(255, 127, 14),
        new Color(148, 103, 189), new Color(140, 86, 75),
    };

    private LossChart() {}

    /** loss name -> value per epoch (in file order); epochs in {@code epochsOut}. */
    public static Map<String, List<Double>> read(Path lossLog, List<Integer> epochsOut) throws IOException {
        Map<String, List<Double>> series = new LinkedHashMap<>();
        int line = 0;
        for (dev.pix2pix.model.LossLog.Entry e : dev.pix2pix.model.LossLog.read(lossLog)) {
            epochsOut.add(e.epoch());
            for (Map.Entry<String, Double> l : e.losses().entrySet()) {
                List<Double> v = series.computeIfAbsent(l.getKey(), k -> new ArrayList<>());
                while (v.size() < line) {
                    v.add(Double.NaN);
                }
                v.add(l.getValue());
            }
            line++;
        }
        return series;
    }

    /** Draws the curves of {@code lossLog} into a PNG image. */
    public static BufferedImage draw(Path lossLog) throws IOException {
        List<Integer> epochs = new ArrayList<>();
        Map<String, List<Double>> series = read(lossLog, epochs);
        if (series.isEmpty()) {
            throw new IOException(lossLog + " holds no losses");
        }
        int cols = 2, cw = 360, ch = 220;
        int rows = (series.size() + cols - 1) / cols;
        BufferedImage img = new BufferedImage(cols * cw, rows * ch + 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Training losses per epoch (" + lossLog.getFileName() + ", " + epochs.size() + " epochs)", 10, 20);
        int i = 0;
        for (Map.Entry<String, List<Double>> e : series.entrySet()) {
            panel(g, 30 + (i / cols) * ch, (i % cols) * cw, cw, ch, e.getKey(), epochs, e.getValue(), COLORS[i % COLORS.length]);
            i++;
        }
        g.dispose();
        return img;
    }

    private static void panel(Graphics2D g, int top, int left, int w, int h, String name, List<Integer> epochs,
                              List<Double> values, Color color) {
        int ml = 58, mr = 12, mt = 22, mb = 30;
        int x0 = left + ml, x1 = left + w - mr, y0 = top + h - mb, y1 = top + mt;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (!Double.isFinite(min)) {
            min = 0;
            max = 1;
        }
        if (max - min < 1e-9) {
            max = min + Math.max(1e-3, Math.abs(min) * 0.1);
        }
        double pad = (max - min) * 0.08;
        min -= pad;
        max += pad;
        int e0 = epochs.get(0), e1 = Math.max(epochs.get(epochs.size() - 1), e0 + 1);

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.setColor(Color.BLACK);
        g.drawString(name, x0, top + 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        g.setStroke(new BasicStroke(1f));
        for (int k = 0; k <= 4; k++) {
            double v = min + (max - min) * k / 4;
            int y = (int) Math.round(y0 - (y0 - y1) * (v - min) / (max - min));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(x0, y, x1, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.3g", v), left + 4, y + 4);
        }
        g.setColor(Color.GRAY);
        g.drawRect(x0, y1, x1 - x0, y0 - y1);
        g.setColor(Color.DARK_GRAY);
        g.drawString("epoch " + e0, x0, y0 + 14);
        String last = "epoch " + e1;
        g.drawString(last, x1 - g.getFontMetrics().stringWidth(last), y0 + 14);

        g.setColor(color);
        g.setStroke(new BasicStroke(2f));
        Path2D path = new Path2D.Double();
        boolean pen = false;
        for (int k = 0; k < values.size() && k < epochs.size(); k++) {
            double v = values.get(k);
            if (!Double.isFinite(v)) {
                pen = false;
                continue;
            }
            double x = x0 + (x1 - x0) * (epochs.get(k) - e0) / (double) (e1 - e0);
            double y = y0 - (y0 - y1) * (v - min) / (max - min);
            if (pen) {
                path.lineTo(x, y);
            } else {
                path.moveTo(x, y);
                pen = true;
            }
            g.fillOval((int) x - 2, (int) y - 2, 5, 5);
        }
        g.draw(path);
    }
}
