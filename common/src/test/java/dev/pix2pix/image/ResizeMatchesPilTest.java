package dev.pix2pix.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Our bicubic resize against PIL's (the reference's Image.BICUBIC, antialiased when shrinking) on the
 * fixture written by tools/resize/pil_resize.py: a noisy gradient with hard edges, shrunk by up to
 * 8.7x, stretched in one direction and enlarged. {@link Resize#bicubic8}, which rounds to 8 bits
 * between the passes as PIL does, is within one level of PIL everywhere; the float
 * {@link Resize#bicubic} (serving's, which keeps the kernel's overshoot between the passes) differs only
 * at hard edges.
 */
class ResizeMatchesPilTest {
    static byte[] resource(String name) throws IOException {
        try (InputStream in = ResizeMatchesPilTest.class.getResourceAsStream("/resize/" + name)) {
            return in.readAllBytes();
        }
    }

    /** {max, mean} absolute difference in 8-bit levels between two same-size RGB images. */
    static double[] diff(byte[] a, byte[] b) {
        double max = 0;
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Math.abs((a[i] & 0xff) - (b[i] & 0xff));
            max = Math.max(max, d);
            sum += d;
        }
        return new double[] {max, sum / a.length};
    }

    @Test
    void bicubic8IsPilsBicubicWithinOneLevel() throws Exception {
        JsonNode m = new ObjectMapper().readTree(resource("manifest.json"));
        ImageDecoder decoder = new ImageDecoder();
        FloatImage input = decoder.decode(resource("input.png"), "input.png").image();
        StringBuilder report = new StringBuilder();
        for (JsonNode o : m.get("outputs")) {
            int w = o.get("width").asInt();
            int h = o.get("height").asInt();
            byte[] pil = decoder.decode(resource(o.get("file").asText()), o.get("file").asText()).image().toRgb8();
            double[] d8 = diff(Resize.bicubic8(input, w, h).toRgb8(), pil);
            double[] df = diff(Resize.bicubic(input, w, h).toRgb8(), pil);
            report.append(String.format("%dx%d: bicubic8 max %.0f mean %.4f, float max %.0f mean %.3f; ", w, h, d8[0],
                    d8[1], df[0], df[1]));
            assertTrue(d8[0] <= 1 && d8[1] <= 0.01, report::toString);
            assertTrue(df[1] <= 0.4, report::toString);
        }
        System.out.println("resize vs PIL " + m.get("pil").asText() + ": " + report);
    }

    @Test
    void aResizeWithoutAntialiasingIsFarFromPil() throws Exception {
        // what training did before (Java2D bicubic: no antialiasing when shrinking), to show the fixture tells them apart
        FloatImage input = new ImageDecoder().decode(resource("input.png"), "input.png").image();
        java.awt.image.BufferedImage src = input.toBufferedImage();
        java.awt.image.BufferedImage dst = new java.awt.image.BufferedImage(23, 17, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = dst.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(src, 0, 0, 23, 17, null);
        g.dispose();
        byte[] pil = new ImageDecoder().decode(resource("pil_23x17.png"), "pil").image().toRgb8();
        double[] d = diff(FloatImage.fromBufferedImage(dst).toRgb8(), pil);
        assertTrue(d[1] > 5, "mean " + d[1]);
    }
}
