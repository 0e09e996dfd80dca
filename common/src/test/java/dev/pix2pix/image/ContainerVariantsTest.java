package dev.pix2pix.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.image.DecodeException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;
import org.junit.jupiter.api.Test;

/** Orientation and colour-type variants beyond the basic decoder cases. */
class ContainerVariantsTest {
    private final ImageDecoder decoder = new ImageDecoder();

    /** 6 wide x 4 high, value encodes position, red channel only. */
    private static FloatImage positions() {
        FloatImage img = FloatImage.zeros(3, 4, 6);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 6; x++) img.set(0, y, x, (y * 6 + x) * 10 / 255f);
        return img;
    }

    private static byte[] tiffWithOrientation(FloatImage img, int orientation) throws IOException {
        BufferedImage bi = img.toBufferedImage();
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("tiff").next();
        try {
            IIOMetadata meta = w.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(bi), w.getDefaultWriteParam());
            TIFFDirectory dir = TIFFDirectory.createFromMetadata(meta);
            TIFFTag tag = BaselineTIFFTagSet.getInstance().getTag(BaselineTIFFTagSet.TAG_ORIENTATION);
            dir.addTIFFField(new TIFFField(tag, TIFFTag.TIFF_SHORT, 1, new char[] {(char) orientation}));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (var ios = ImageIO.createImageOutputStream(out)) {
                w.setOutput(ios);
                w.write(null, new IIOImage(bi, null, dir.getAsMetadata()), null);
            }
            return out.toByteArray();
        } finally {
            w.dispose();
        }
    }

    @Test
    void tiffOrientationIsApplied() throws IOException {
        FloatImage img = positions();
        DecodedImage d = decoder.decode(tiffWithOrientation(img, 8), "rot8.tif");
        assertEquals(8, d.orientation());
        assertEquals(4, d.width());
        assertEquals(6, d.height());
        assertArrayEquals(Orientation.upright(img, 8).data(), d.image().data(), 1e-6f);
    }

    @Test
    void pngExifOrientationIsApplied() throws IOException {
        FloatImage img = positions();
        byte[] png = TestImages.encode(img.toBufferedImage(), "png");
        // insert an eXIf chunk (little-endian TIFF this time) right after IHDR
        ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 3).putShort((short) 0).putInt(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 33); // signature + IHDR chunk
        ImageDecoderTest.chunk(out, "eXIf", tiff.array());
        out.write(png, 33, png.length - 33);
        DecodedImage d = decoder.decode(out.toByteArray(), "rot3.png");
        assertEquals(3, d.orientation());
        assertArrayEquals(Orientation.upright(img, 3).data(), d.image().data(), 1e-6f);
    }

    @Test
    void separatedTiffIsCmyk() throws IOException {
        byte[] tiff = ImageWriter.write(TestImages.colourful(8, 8, 1), OutputFormat.tiff8(), null, null);
        patchShortTag(tiff, 262, 5); // PhotometricInterpretation = Separated
        assertEquals(Reason.CMYK, assertThrows(DecodeException.class, () -> decoder.decode(tiff, "sep.tif")).reason());
    }

    @Test
    void grayTiff16AndBilevelPng() throws IOException {
        FloatImage g = FloatImage.zeros(1, 3, 5);
        for (int i = 0; i < 15; i++) g.data()[i] = (i * 4099 % 65536) / 65535f;
        DecodedImage d = decoder.decode(ImageWriter.write(g, OutputFormat.tiff16(), null, null), "g.tif");
        assertEquals(16, d.bitDepth());
        assertEquals(1, d.image().channels());
        assertArrayEquals(g.data(), d.image().data(), 1e-7f);

        BufferedImage bin = new BufferedImage(9, 2, BufferedImage.TYPE_BYTE_BINARY);
        bin.getRaster().setSample(4, 1, 0, 1);
        DecodedImage b = decoder.decode(TestImages.encode(bin, "png"), "bw.png");
        assertTrue(b.isGray());
        FloatImage gray = b.gray();
        assertEquals(1f, gray.get(0, 1, 4));
        assertEquals(0f, gray.get(0, 1, 3));
    }

    @Test
    void bmpAndGifDecode() throws IOException {
        FloatImage img = TestImages.colourful(10, 7, 2);
        DecodedImage bmp = decoder.decode(TestImages.encode(img.toBufferedImage(), "bmp"), "x.bmp");
        assertEquals("bmp", bmp.format());
        assertArrayEquals(quantised(img), bmp.image().data(), 1e-6f);
        DecodedImage gif = decoder.decode(TestImages.encode(img.toBufferedImage(), "gif"), "x.gif");
        assertEquals(10, gif.width());
        byte[] cut = TestImages.encode(img.toBufferedImage(), "bmp");
        assertEquals(Reason.TRUNCATED, assertThrows(DecodeException.class,
                () -> decoder.decode(java.util.Arrays.copyOf(cut, cut.length - 40), "cut.bmp")).reason());
    }

    @Test
    void bufferedImageRoundTrip() {
        FloatImage rgb = new FloatImage(3, 2, 2, quantised(TestImages.colourful(2, 2, 3)));
        assertArrayEquals(rgb.data(), FloatImage.fromBufferedImage(rgb.toBufferedImage()).data(), 1e-6f);
        FloatImage gray = new FloatImage(1, 1, 3, new float[] {0f, 128 / 255f, 1f});
        FloatImage back = FloatImage.fromBufferedImage(gray.toBufferedImage());
        assertEquals(1, back.channels());
        assertArrayEquals(gray.data(), back.data(), 1e-6f);
        assertEquals(255, FloatImage.to8(1.7f));
        assertEquals(0, FloatImage.to8(Float.NaN));
    }

    private static float[] quantised(FloatImage img) {
        float[] q = img.data().clone();
        for (int i = 0; i < q.length; i++) q[i] = FloatImage.to8(q[i]) / 255f;
        return q;
    }

    /** Overwrites the (SHORT, count 1) value of a tag in IFD0 of a TIFF. */
    static void patchShortTag(byte[] tiff, int tag, int value) {
        ByteBuffer b = ByteBuffer.wrap(tiff).order(tiff[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = b.getInt(4);
        int n = b.getShort(ifd) & 0xffff;
        for (int i = 0; i < n; i++) {
            int e = ifd + 2 + 12 * i;
            if ((b.getShort(e) & 0xffff) == tag) {
                b.putShort(e + 8, (short) value);
                return;
            }
        }
        throw new AssertionError("tag " + tag + " not in " + new String(tiff, 0, 2, StandardCharsets.ISO_8859_1) + " TIFF");
    }
}
