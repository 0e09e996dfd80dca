package dev.pix2pix.image;

import dev.pix2pix.testing.HostileFiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.image.DecodeException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder();

    @TempDir
    Path dir;

    private Reason reasonFor(byte[] bytes, String name) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        DecodeException e = assertThrows(DecodeException.class, () -> decoder.decode(f));
        assertTrue(e.getMessage().contains(name), "message names the file: " + e.getMessage());
        return e.reason();
    }

    private static byte[] jpeg(FloatImage img) throws IOException {
        return TestImages.encode(img.toBufferedImage(), "jpeg");
    }

    private static byte[] png(FloatImage img) throws IOException {
        return TestImages.encode(img.toBufferedImage(), "png");
    }

    @Test
    void emptyFile() throws IOException {
        assertEquals(Reason.EMPTY, reasonFor(new byte[0], "empty.jpg"));
    }

    @Test
    void randomBytesAreUnsupported() throws IOException {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        junk[0] = 0x13; // keep the seed from ever forming a real signature
        assertEquals(Reason.UNSUPPORTED_FORMAT, reasonFor(junk, "junk.png"));
    }

    @Test
    void webpIsUnsupported() throws IOException {
        byte[] b = "RIFF\0\0\0\0WEBPVP8 ....".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Reason.UNSUPPORTED_FORMAT, reasonFor(b, "photo.webp"));
    }

    @Test
    void truncatedJpegIsAnErrorNotAHalfGrayImage() throws IOException {
        byte[] full = jpeg(TestImages.colourful(96, 96, 1));
        assertEquals(96, decoder.decode(full, "ok.jpg").width());
        assertEquals(Reason.TRUNCATED, reasonFor(Arrays.copyOf(full, full.length * 6 / 10), "cut.jpg"));
        assertEquals(Reason.TRUNCATED, reasonFor(Arrays.copyOf(full, full.length - 2), "noeoi.jpg"));
        assertEquals(Reason.TRUNCATED, reasonFor(Arrays.copyOf(full, 40), "header-only.jpg"));
    }

    @Test
    void truncatedPng() throws IOException {
        byte[] full = png(TestImages.colourful(64, 64, 2));
        assertEquals(Reason.TRUNCATED, reasonFor(Arrays.copyOf(full, full.length / 2), "cut.png"));
        assertEquals(Reason.TRUNCATED, reasonFor(Arrays.copyOf(full, full.length - 12), "noiend.png"));
        assertEquals(Reason.TRUNCATED, reasonFor(Arrays.copyOf(full, 5), "sig.png"));
    }

    @Test
    void jpegWithDamagedScanDataIsCorrupt() throws IOException {
        FloatImage noise = FloatImage.zeros(3, 96, 96);
        Random rnd = new Random(1);
        for (int i = 0; i < noise.data().length; i++) noise.data()[i] = rnd.nextFloat();
        byte[] b = jpeg(noise);
        int sos = indexOf(b, new byte[] {(byte) 0xff, (byte) 0xda});
        int mid = sos + 20 + (b.length - sos - 40) / 3;
        for (int k = 0; k < 16; k++) {
            int p = mid + k * 37;
            if ((b[p] & 0xff) != 0xff && (b[p - 1] & 0xff) != 0xff) b[p] ^= 0x08; // flip bits, never touch markers
        }
        assertEquals(Reason.CORRUPT, reasonFor(b, "bitrot.jpg"));
        assertEquals(1142, ImageDecoder.extraneousBytes("Corrupt JPEG data: 1142 extraneous bytes before marker 0xd9"));
        assertEquals(0, ImageDecoder.extraneousBytes("Premature end of JPEG file"));
    }

    @Test
    void pngWithBadCrcInImageDataIsCorrupt() throws IOException {
        byte[] b = png(TestImages.colourful(32, 32, 3));
        int idat = indexOf(b, "IDAT".getBytes(StandardCharsets.ISO_8859_1));
        b[idat + 10] ^= 0x55;
        assertEquals(Reason.CORRUPT, reasonFor(b, "crc.png"));
    }

    @Test
    void hugeDeclaredPngIsRejectedBeforeDecoding() throws IOException {
        assertEquals(Reason.TOO_LARGE, reasonFor(HostileFiles.bombPng(), "bomb.png"));
    }

    @Test
    void configurablePixelLimit() throws IOException {
        byte[] b = jpeg(TestImages.colourful(64, 48, 4));
        ImageDecoder strict = new ImageDecoder(DecodeLimits.defaults().withMaxPixels(64 * 48 - 1));
        assertEquals(Reason.TOO_LARGE, assertThrows(DecodeException.class, () -> strict.decode(b, "x.jpg")).reason());
        ImageDecoder exact = new ImageDecoder(DecodeLimits.defaults().withMaxPixels(64 * 48));
        assertEquals(48, exact.decode(b, "x.jpg").height());
    }

    @Test
    void subsampledDecodeKeepsTwiceTheTarget() throws IOException {
        byte[] b = jpeg(TestImages.colourful(400, 300, 4));
        DecodedImage d = decoder.decode(b, "big.jpg", 50);
        assertEquals(100, d.width());
        assertEquals(75, d.height());
        assertEquals(400, decoder.decode(b, "big.jpg", 0).width());
        assertEquals(400, decoder.decode(b, "big.jpg", 300).width(), "no subsampling below 2x the target");
    }

    @Test
    void cmykJpegIsRejected() throws IOException {
        assertEquals(Reason.CMYK, reasonFor(HostileFiles.cmykJpeg(), "cmyk.jpg"));
    }

    @Test
    void sixteenBitGrayPngKeepsPrecision() throws IOException {
        BufferedImage bi = new BufferedImage(20, 10, BufferedImage.TYPE_USHORT_GRAY);
        short[] px = ((DataBufferUShort) bi.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) px[i] = (short) (i * 311 + 7); // not multiples of 257
        DecodedImage d = decoder.decode(TestImages.encode(bi, "png"), "g16.png");
        assertEquals(16, d.bitDepth());
        assertEquals(1, d.image().channels());
        assertTrue(d.isGray());
        for (int i = 0; i < px.length; i++) {
            assertEquals((px[i] & 0xffff) / 65535.0, d.image().data()[i], 1e-7, "sample " + i);
        }
    }

    @Test
    void sixteenBitTiffKeepsPrecision() throws IOException {
        FloatImage img = FloatImage.zeros(3, 8, 12);
        for (int i = 0; i < img.data().length; i++) img.data()[i] = (i * 977 % 65536) / 65535f;
        byte[] tiff = dev.pix2pix.image.ImageWriter.write(img, OutputFormat.tiff16(), null, null);
        DecodedImage d = decoder.decode(tiff, "rgb16.tif");
        assertEquals("tiff", d.format());
        assertEquals(16, d.bitDepth());
        assertArrayEquals(img.data(), d.image().data(), 1e-7f);
    }

    @Test
    void exifOrientationSixRotatesUpright() throws IOException {
        // stored 40 wide x 20 high: left half red, right half blue; orientation 6 = rotate 90 CW for display
        FloatImage img = FloatImage.zeros(3, 20, 40);
        for (int y = 0; y < 20; y++) for (int x = 0; x < 40; x++) img.set(x < 20 ? 0 : 2, y, x, 1f);
        byte[] jpeg = withExifOrientation(jpeg(img), 6);
        DecodedImage d = decoder.decode(jpeg, "rot6.jpg");
        assertEquals(6, d.orientation());
        assertEquals(20, d.width());
        assertEquals(40, d.height());
        assertTrue(d.image().get(0, 5, 10) > 0.8f && d.image().get(2, 5, 10) < 0.2f, "top is the stored left (red)");
        assertTrue(d.image().get(2, 35, 10) > 0.8f && d.image().get(0, 35, 10) < 0.2f, "bottom is the stored right (blue)");
        assertTrue(d.exif() != null && d.exif().length > 8);
    }

    @Test
    void grayProfileInColourJpegStillDecodes() throws IOException {
        // the JDK codec throws on this combination; the decoder keeps the profile away from it
        byte[] plain = jpeg(TestImages.colourful(24, 24, 3));
        byte[] gray = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_GRAY).getData();
        DecodedImage d = decoder.decode(JpegIcc.insert(plain, gray), "grayicc.jpg");
        assertArrayEquals(gray, d.iccProfile());
        assertArrayEquals(decoder.decode(plain, "plain.jpg").image().data(), d.image().data(), 0f);
    }

    @Test
    void brokenExifDoesNotLoseThePicture() throws IOException {
        byte[] jpeg = withExifOrientation(jpeg(TestImages.colourful(30, 20, 6)), 6);
        int at = indexOf(jpeg, "Exif".getBytes(StandardCharsets.ISO_8859_1));
        jpeg[at + 6] = 'X'; // byte-order mark destroyed
        DecodedImage d = decoder.decode(jpeg, "badexif.jpg");
        assertEquals(1, d.orientation());
        assertEquals(30, d.width());
    }

    @Test
    void grayDetection() throws IOException {
        FloatImage gray = FloatImage.zeros(3, 16, 16);
        for (int i = 0; i < 256; i++) {
            float v = i / 255f;
            gray.set(0, i / 16, i % 16, v);
            gray.set(1, i / 16, i % 16, v);
            gray.set(2, i / 16, i % 16, v);
        }
        DecodedImage rgbGray = decoder.decode(png(gray), "rgbgray.png");
        assertEquals(3, rgbGray.image().channels());
        assertTrue(rgbGray.isGray());
        assertEquals(1, rgbGray.gray().channels());
        assertFalse(decoder.decode(png(TestImages.colourful(16, 16, 8)), "c.png").isGray());
    }

    @Test
    void palettePngIsExpanded() throws IOException {
        byte[] r = {0, (byte) 255, 0, 0}, g = {0, 0, (byte) 255, 0}, b = {0, 0, 0, (byte) 255};
        BufferedImage bi = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 4, r, g, b));
        for (int x = 0; x < 4; x++) bi.getRaster().setSample(x, 0, 0, x);
        DecodedImage d = decoder.decode(TestImages.encode(bi, "png"), "pal.png");
        assertEquals(3, d.image().channels());
        assertEquals(8, d.bitDepth());
        assertEquals(1f, d.image().get(0, 0, 1));
        assertEquals(1f, d.image().get(1, 0, 2));
        assertEquals(1f, d.image().get(2, 0, 3));
        assertEquals(0f, d.image().get(0, 0, 3));
    }

    @Test
    void rgbaAlphaIsDropped() throws IOException {
        BufferedImage bi = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        bi.setRGB(1, 1, 0x80336699);
        DecodedImage d = decoder.decode(TestImages.encode(bi, "png"), "rgba.png");
        assertEquals(3, d.image().channels());
        assertEquals(0x33 / 255f, d.image().get(0, 1, 1), 1e-6f);
        assertEquals(0x99 / 255f, d.image().get(2, 1, 1), 1e-6f);
    }

    @Test
    void truncatedTiff() throws IOException {
        byte[] tiff = dev.pix2pix.image.ImageWriter.write(TestImages.colourful(40, 40, 9), OutputFormat.tiff8(), null, null);
        assertEquals(40, decoder.decode(tiff, "ok.tif").width());
        assertEquals(Reason.TRUNCATED, reasonFor(Arrays.copyOf(tiff, tiff.length / 3), "cut.tif"));
    }

    // --- crafting helpers ---

    static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        HostileFiles.pngChunk(out, type, data);
    }

    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        return HostileFiles.withExifOrientation(jpeg, orientation);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) if (hay[i + k] != needle[k]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
