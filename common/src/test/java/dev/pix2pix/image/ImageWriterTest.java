package dev.pix2pix.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageWriterTest {
    private final ImageDecoder decoder = new ImageDecoder();
    private static final byte[] SRGB_ICC = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();

    private static FloatImage quantised8(FloatImage img) {
        FloatImage q = img.copy();
        for (int i = 0; i < q.data().length; i++) q.data()[i] = FloatImage.to8(q.data()[i]) / 255f;
        return q;
    }

    @Test
    void png8RoundTripWithTextAndIcc() throws IOException {
        FloatImage img = quantised8(TestImages.colourful(21, 13, 1));
        Map<String, String> text = Provenance.colorized("s3://models/colorize", "v3");
        byte[] png = ImageWriter.write(img, OutputFormat.png8(), text, SRGB_ICC);
        DecodedImage d = decoder.decode(png, "out.png");
        assertEquals(8, d.bitDepth());
        assertArrayEquals(img.data(), d.image().data(), 1e-6f);
        assertEquals("machine-colorized by pix2pix-workers, model s3://models/colorize v3", d.text().get("Description"));
        assertEquals("pix2pix-workers", d.text().get("Software"));
        assertArrayEquals(SRGB_ICC, d.iccProfile());
    }

    @Test
    void nonLatinTextGoesToItxt() throws IOException {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("Title", "Москва 1911");
        byte[] png = ImageWriter.write(TestImages.colourful(4, 4, 2), OutputFormat.png8(), text, null);
        assertEquals("Москва 1911", decoder.decode(png, "t.png").text().get("Title"));
    }

    @Test
    void png16KeepsSixteenBits() throws IOException {
        FloatImage img = TestImages.colourful(16, 9, 3);
        DecodedImage d = decoder.decode(ImageWriter.write(img, OutputFormat.png16(), Map.of(), SRGB_ICC), "m.png");
        assertEquals(16, d.bitDepth());
        assertArrayEquals(img.data(), d.image().data(), 0.51f / 65535);
        assertArrayEquals(SRGB_ICC, d.iccProfile());
    }

    @Test
    void grayPng16() throws IOException {
        FloatImage g = FloatImage.zeros(1, 5, 7);
        for (int i = 0; i < g.data().length; i++) g.data()[i] = i / 40f;
        DecodedImage d = decoder.decode(ImageWriter.write(g, OutputFormat.png16(), null, null), "g.png");
        assertEquals(1, d.image().channels());
        assertArrayEquals(g.data(), d.image().data(), 0.51f / 65535);
    }

    @Test
    void jpegQualityCommentAndIcc() throws IOException {
        FloatImage img = TestImages.colourful(64, 64, 4);
        Map<String, String> text = Provenance.colorized("hf://x/y", "1.2");
        byte[] hi = ImageWriter.write(img, OutputFormat.jpeg(0.95f), text, SRGB_ICC);
        byte[] lo = ImageWriter.write(img, OutputFormat.jpeg(0.3f), text, SRGB_ICC);
        assertTrue(lo.length < hi.length, "quality is applied");
        DecodedImage d = decoder.decode(hi, "o.jpg");
        String comment = d.text().get("Comment");
        assertTrue(comment.contains("Description: machine-colorized by pix2pix-workers, model hf://x/y 1.2"), comment);
        assertTrue(comment.contains("Software: pix2pix-workers"), comment);
        assertArrayEquals(SRGB_ICC, d.iccProfile());
        double err = 0;
        for (int i = 0; i < img.data().length; i++) err += Math.abs(img.data()[i] - d.image().data()[i]);
        assertTrue(err / img.data().length < 0.03, "mean abs error " + err / img.data().length);
    }

    @Test
    void tiffRoundTripWithDescriptionAndIcc() throws IOException {
        FloatImage img = quantised8(TestImages.colourful(10, 12, 5));
        Map<String, String> text = new LinkedHashMap<>(Provenance.colorized("file:/m.pt", "7"));
        text.put("SourceKey", "scans/0001.tif");
        DecodedImage d = decoder.decode(ImageWriter.write(img, OutputFormat.tiff8(), text, SRGB_ICC), "o.tif");
        assertArrayEquals(img.data(), d.image().data(), 1e-6f);
        assertEquals("pix2pix-workers", d.text().get("Software"));
        assertTrue(d.text().get("ImageDescription").startsWith("machine-colorized by pix2pix-workers, model file:/m.pt 7"));
        assertTrue(d.text().get("ImageDescription").contains("SourceKey: scans/0001.tif"));
        assertArrayEquals(SRGB_ICC, d.iccProfile());
    }

    @Test
    void nonSrgbProfileIsKeptInEveryFormatAndPixelsAreNotConverted() throws IOException {
        byte[] linear = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        FloatImage img = TestImages.colourful(24, 16, 6);
        for (OutputFormat f : new OutputFormat[] {OutputFormat.png8(), OutputFormat.png16(), OutputFormat.jpeg(0.95f),
                OutputFormat.tiff8(), OutputFormat.tiff16()}) {
            DecodedImage with = decoder.decode(ImageWriter.write(img, f, null, linear), "with." + f.fileExtension());
            DecodedImage without = decoder.decode(ImageWriter.write(img, f, null, null), "without." + f.fileExtension());
            assertArrayEquals(linear, with.iccProfile(), f.toString());
            assertNull(without.iccProfile());
            assertArrayEquals(without.image().data(), with.image().data(), 0f, "raw file values, no colour conversion: " + f);
        }
    }

    @Test
    void largeProfileSpansSeveralJpegSegments() throws IOException {
        byte[] big = new byte[150_000];
        System.arraycopy(SRGB_ICC, 0, big, 0, SRGB_ICC.length); // header says RGB; the rest is padding
        byte[] jpeg = JpegIcc.insert(ImageWriter.write(TestImages.colourful(8, 8, 1), OutputFormat.jpeg(0.8f), null, null), big);
        DecodedImage d = decoder.decode(jpeg, "big-icc.jpg");
        assertArrayEquals(big, d.iccProfile());
        assertEquals(8, d.width());
    }

    @Test
    void mismatchedIccIsLeftOut() throws IOException {
        FloatImage gray = FloatImage.zeros(1, 4, 4);
        DecodedImage d = decoder.decode(ImageWriter.write(gray, OutputFormat.png8(), null, SRGB_ICC), "g.png");
        assertNull(d.iccProfile());
        assertEquals(false, ImageWriter.usableIcc(new byte[200], 3));
    }
}
