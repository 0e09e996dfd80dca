package dev.pix2pix.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferUShort;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.w3c.dom.Node;

/**
 * Encodes a FloatImage (1 or 3 channels, sRGB-encoded [0,1], clamped) as PNG ({@link PngEncoder}), JPEG or TIFF with text
 * metadata and, where the format has a place for it, an ICC profile:
 * <ul>
 *   <li>PNG: one tEXt chunk per entry (iTXt when the key or value is not Latin-1); ICC in iCCP.</li>
 *   <li>JPEG: one COM segment per entry, "Key: value"; ICC in APP2.</li>
 *   <li>TIFF: Description/ImageDescription/Comment go to ImageDescription, Software, Artist and Copyright to
 *       their tags, other keys are appended to ImageDescription as "Key: value" lines; ICC in tag 34675;
 *       Deflate compression.</li>
 * </ul>
 * No Exif is written: the pixels are already upright, so an orientation tag would only mislead.
 * An ICC profile whose colour space does not match the channel count (RGB profile on a gray image) or
 * that Java cannot parse is left out rather than making a file that lies about its colours.
 */
public final class ImageWriter {
    private ImageWriter() {}

    public static byte[] write(FloatImage img, OutputFormat fmt, Map<String, String> textMetadata, byte[] iccProfile)
            throws IOException {
        if (img.channels() != 1 && img.channels() != 3) {
            throw new IllegalArgumentException("can only write 1 or 3 channels, got " + img.channels());
        }
        Map<String, String> text = textMetadata == null ? Map.of() : textMetadata;
        byte[] icc = usableIcc(iccProfile, img.channels()) ? iccProfile : null;
        if (fmt.container() == OutputFormat.Container.PNG) {
            return PngEncoder.encode(img, fmt.bitDepth(), text, icc);
        }
        BufferedImage bi = fmt.bitDepth() == 16 ? toBufferedImage16(img) : img.toBufferedImage();
        String name = fmt.container() == OutputFormat.Container.JPEG ? "jpeg" : "tiff";
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName(name).next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (fmt.container() == OutputFormat.Container.JPEG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(fmt.jpegQuality());
            } else if (fmt.container() == OutputFormat.Container.TIFF) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType("Deflate");
            }
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(bi), param);
            meta = fmt.container() == OutputFormat.Container.JPEG ? jpegMetadata(meta, text) : tiffMetadata(meta, text, icc);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(bi, null, meta), param);
            }
            byte[] encoded = bytes.toByteArray();
            // the JDK JPEG writer replaces a given profile with its own, so splice ours in afterwards
            return fmt.container() == OutputFormat.Container.JPEG && icc != null ? JpegIcc.insert(encoded, icc) : encoded;
        } finally {
            writer.dispose();
        }
    }

    /** True when the bytes parse as an ICC profile whose colour space fits the channel count. */
    public static boolean usableIcc(byte[] icc, int channels) {
        if (icc == null || icc.length < 132) return false;
        String space = new String(icc, 16, 4, StandardCharsets.ISO_8859_1);
        if (!space.equals(channels == 1 ? "GRAY" : "RGB ")) return false;
        try {
            ICC_Profile.getInstance(icc);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static BufferedImage toBufferedImage16(FloatImage img) {
        int c = img.channels(), h = img.height(), w = img.width(), n = h * w;
        ColorSpace cs = ColorSpace.getInstance(c == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        int[] bits = new int[c];
        java.util.Arrays.fill(bits, 16);
        ComponentColorModel cm = new ComponentColorModel(cs, bits, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        short[] dst = ((DataBufferUShort) raster.getDataBuffer()).getData();
        float[] src = img.data();
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) dst[i * c + ch] = (short) FloatImage.to16(src[ch * n + i]);
        }
        return new BufferedImage(cm, raster, false, null);
    }

    private static IIOMetadata jpegMetadata(IIOMetadata meta, Map<String, String> text) throws IOException {
        String format = "javax_imageio_jpeg_image_1.0";
        Node root = meta.getAsTree(format);
        Node markers = child(root, "markerSequence");
        Node first = markers.getFirstChild(); // COM segments go before the tables, in map order
        for (Map.Entry<String, String> e : text.entrySet()) {
            IIOMetadataNode com = new IIOMetadataNode("com");
            // COM is bytes; UTF-8 keeps non-ASCII model names intact for readers that guess UTF-8
            com.setUserObject((e.getKey() + ": " + e.getValue()).getBytes(StandardCharsets.UTF_8));
            markers.insertBefore(com, first);
        }
        meta.setFromTree(format, root);
        return meta;
    }

    private static IIOMetadata tiffMetadata(IIOMetadata meta, Map<String, String> text, byte[] icc) throws IOException {
        TIFFDirectory dir = TIFFDirectory.createFromMetadata(meta);
        BaselineTIFFTagSet base = BaselineTIFFTagSet.getInstance();
        Map<Integer, List<String>> tags = new LinkedHashMap<>();
        List<String> extra = new ArrayList<>();
        for (Map.Entry<String, String> e : text.entrySet()) {
            int tag = switch (e.getKey()) {
                case "Description", "ImageDescription", "Comment" -> BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION;
                case "Software" -> BaselineTIFFTagSet.TAG_SOFTWARE;
                case "Artist", "Author" -> BaselineTIFFTagSet.TAG_ARTIST;
                case "Copyright" -> BaselineTIFFTagSet.TAG_COPYRIGHT;
                default -> -1;
            };
            if (tag < 0) extra.add(e.getKey() + ": " + e.getValue());
            else tags.computeIfAbsent(tag, k -> new ArrayList<>()).add(e.getValue());
        }
        if (!extra.isEmpty()) tags.computeIfAbsent(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION, k -> new ArrayList<>()).addAll(extra);
        for (Map.Entry<Integer, List<String>> t : tags.entrySet()) {
            String value = String.join("\n", t.getValue());
            dir.addTIFFField(new TIFFField(base.getTag(t.getKey()), TIFFTag.TIFF_ASCII, 1, new String[] {value}));
        }
        if (icc != null) {
            dir.addTIFFField(new TIFFField(base.getTag(BaselineTIFFTagSet.TAG_ICC_PROFILE), TIFFTag.TIFF_UNDEFINED, icc.length, icc));
        }
        return dir.getAsMetadata();
    }

    private static Node child(Node parent, String name) {
        if (parent == null) return null;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) return n;
        }
        return null;
    }
}
