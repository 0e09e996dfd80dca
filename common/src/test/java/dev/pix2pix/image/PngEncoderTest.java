package dev.pix2pix.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Our PNG encoder against the JDK's PNG reader: every sample exact, every chunk well-formed. */
class PngEncoderTest {
    private static final byte[] SRGB_ICC =
            java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_sRGB).getData();

    @ParameterizedTest(name = "{0} channel(s), {1} bits, {2}x{3}")
    @CsvSource({"1,8,1,1", "3,8,1,7", "3,8,7,1", "1,16,5,3", "3,16,13,11", "3,8,640,480", "1,16,900,700"})
    void samplesAreExactWhateverTheShape(int channels, int bits, int w, int h) throws IOException {
        FloatImage img = noise(channels, w, h, 17L * w + h);
        byte[] png = PngEncoder.encode(img, bits, Map.of(), null);
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(w, read.getWidth());
        assertEquals(h, read.getHeight());
        Raster r = read.getRaster();
        assertEquals(channels, r.getNumBands());
        assertEquals(bits, read.getColorModel().getComponentSize(0));
        int n = w * h;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    float v = img.data()[c * n + y * w + x];
                    int want = bits == 8 ? FloatImage.to8(v) : FloatImage.to16(v);
                    assertEquals(want, r.getSample(x, y, c), "sample at " + x + "," + y + " channel " + c);
                }
            }
        }
    }

    @Test
    void chunksAreWellFormedAndLargeImagesSpanSeveralIdats() {
        // noise compresses badly: 900x700 RGB at 16 bits is ~3.8 MB of pixels, so several 1 MiB IDATs
        byte[] png = PngEncoder.encode(noise(3, 900, 700, 5), 16, Map.of("Software", "pix2pix-workers"),
                SRGB_ICC);
        List<String> types = chunkTypesCheckingCrcs(png);
        assertEquals("IHDR", types.get(0));
        assertEquals("IEND", types.get(types.size() - 1));
        assertTrue(types.indexOf("iCCP") < types.indexOf("IDAT"), "iCCP precedes the image data: " + types);
        assertTrue(types.indexOf("tEXt") < types.indexOf("IDAT"), "text precedes the image data: " + types);
        assertTrue(types.stream().filter("IDAT"::equals).count() >= 3, types.toString());
    }

    @Test
    void outOfRangeAndNanValuesAreClampedNotWrapped() throws IOException {
        FloatImage img = new FloatImage(1, 1, 4, new float[] {-0.5f, 1.5f, Float.NaN, 0.5f});
        Raster r = ImageIO.read(new ByteArrayInputStream(PngEncoder.encode(img, 8, null, null))).getRaster();
        assertEquals(List.of(0, 255, 0, 128), List.of(r.getSample(0, 0, 0), r.getSample(1, 0, 0), r.getSample(2, 0, 0),
                r.getSample(3, 0, 0)));
    }

    private static List<String> chunkTypesCheckingCrcs(byte[] png) {
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(8);
        List<String> types = new ArrayList<>();
        while (b.hasRemaining()) {
            int len = b.getInt();
            int start = b.position();
            String type = new String(png, start, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            CRC32 crc = new CRC32();
            crc.update(png, start, 4 + len);
            b.position(start + 4 + len);
            assertEquals((int) crc.getValue(), b.getInt(), "CRC of " + type);
            types.add(type);
        }
        return types;
    }

    /** Uniform noise plus some exact 0 and 1 values, the worst case for the filter arithmetic. */
    private static FloatImage noise(int c, int w, int h, long seed) {
        Random rnd = new Random(seed);
        float[] d = new float[c * w * h];
        for (int i = 0; i < d.length; i++) {
            int k = rnd.nextInt(20);
            d[i] = k == 0 ? 0f : k == 1 ? 1f : rnd.nextFloat();
        }
        return new FloatImage(c, h, w, d);
    }
}
