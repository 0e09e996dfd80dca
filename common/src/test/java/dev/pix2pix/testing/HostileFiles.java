package dev.pix2pix.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/** Crafted broken and hostile image files, shared by the decoder and pipeline tests. */
public final class HostileFiles {
    private HostileFiles() {}

    /** A PNG whose header declares 100000 x 100000 pixels (a decompression bomb's calling card). */
    public static byte[] bombPng() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(100_000).putInt(100_000).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        pngChunk(out, "IHDR", ihdr.array());
        pngChunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        pngChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    public static void pngChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A 4-component (Adobe, CMYK-like) JPEG as ImageIO writes a 4-band raster. */
    public static byte[] cmykJpeg() throws IOException {
        WritableRaster r = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        Random rnd = new Random(5);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                for (int c = 0; c < 4; c++) {
                    r.setSample(x, y, c, rnd.nextInt(256));
                }
            }
        }
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            w.write(null, new IIOImage(r, null, null), null);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** Inserts an APP1 Exif segment (IFD0 with only the orientation tag) right after the JPEG's SOI. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        byte[] payload = tiff.array();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xff);
        out.write(0xd8);
        out.write(0xff);
        out.write(0xe1);
        int len = 2 + 6 + payload.length;
        out.write(len >> 8);
        out.write(len & 0xff);
        out.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(payload);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** The first {@code fraction} of a file. */
    public static byte[] truncated(byte[] file, double fraction) {
        return Arrays.copyOf(file, (int) (file.length * fraction));
    }
}
