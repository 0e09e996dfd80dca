package dev.pix2pix.image;

/**
 * Fits an image of any aspect ratio into a canvas the network accepts (square, or each side a multiple
 * of N) by resizing the long side and padding the rest, and undoes it: {@link Fitted#restore} crops the
 * content rectangle out of a network result and resizes it back to the exact original size.
 */
public final class Letterbox {
    private Letterbox() {}

    /** How the border around the content is filled. */
    public enum Padding {
        /** Mirror without repeating the edge pixel (numpy 'reflect'); repeats for very thin images. */
        REFLECT,
        /** Repeat the edge pixel. */
        EDGE
    }

    /** Content rectangle inside the canvas. */
    public record Rect(int x, int y, int width, int height) {}

    /** A fitted canvas plus what is needed to map a result back. */
    public record Fitted(FloatImage canvas, Rect content, int originalWidth, int originalHeight) {
        /** Crops the content rectangle of {@code result} (same size as the canvas) and resizes it to the original size. */
        public FloatImage restore(FloatImage result) {
            if (result.width() != canvas.width() || result.height() != canvas.height()) {
                throw new IllegalArgumentException("result " + result.width() + "x" + result.height()
                        + " is not the canvas size " + canvas.width() + "x" + canvas.height());
            }
            FloatImage crop = result.crop(content.x(), content.y(), content.width(), content.height());
            return Resize.bicubic(crop, originalWidth, originalHeight);
        }
    }

    /** Square canvas of side {@code size}; the long side of the content becomes {@code size}. */
    public static Fitted square(FloatImage img, int size, Padding padding) {
        return fit(img, size, 1, padding, true);
    }

    /**
     * Long side resized to {@code longSide}, each canvas side rounded up to a multiple of {@code multiple}
     * (e.g. 256 for a U-Net with 8 down-samplings). Content is centred.
     */
    public static Fitted toMultiple(FloatImage img, int longSide, int multiple, Padding padding) {
        return fit(img, longSide, multiple, padding, false);
    }

    private static Fitted fit(FloatImage img, int longSide, int multiple, Padding padding, boolean square) {
        if (longSide <= 0 || multiple <= 0) throw new IllegalArgumentException("sizes must be positive");
        int w = img.width(), h = img.height();
        double scale = (double) longSide / Math.max(w, h);
        int cw = Math.max(1, Math.min(longSide, (int) Math.round(w * scale)));
        int ch = Math.max(1, Math.min(longSide, (int) Math.round(h * scale)));
        int canvasW = square ? longSide : roundUp(cw, multiple);
        int canvasH = square ? longSide : roundUp(ch, multiple);
        FloatImage content = (cw == w && ch == h) ? img : Resize.bicubic(img, cw, ch);
        int x0 = (canvasW - cw) / 2, y0 = (canvasH - ch) / 2;
        FloatImage canvas = pad(content, canvasW, canvasH, x0, y0, padding);
        return new Fitted(canvas, new Rect(x0, y0, cw, ch), w, h);
    }

    private static int roundUp(int v, int m) {
        return ((v + m - 1) / m) * m;
    }

    /** Places {@code img} at (x0,y0) on a canvas and fills the rest by reflection or edge replication. */
    static FloatImage pad(FloatImage img, int canvasW, int canvasH, int x0, int y0, Padding padding) {
        int c = img.channels(), w = img.width(), h = img.height();
        int[] mapX = new int[canvasW], mapY = new int[canvasH];
        for (int x = 0; x < canvasW; x++) mapX[x] = source(x - x0, w, padding);
        for (int y = 0; y < canvasH; y++) mapY[y] = source(y - y0, h, padding);
        float[] src = img.data(), out = new float[c * canvasW * canvasH];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < canvasH; y++) {
                int srow = (ch * h + mapY[y]) * w, orow = (ch * canvasH + y) * canvasW;
                for (int x = 0; x < canvasW; x++) out[orow + x] = src[srow + mapX[x]];
            }
        }
        return new FloatImage(c, canvasH, canvasW, out);
    }

    static int source(int i, int n, Padding padding) {
        if (i >= 0 && i < n) return i;
        if (padding == Padding.EDGE || n == 1) return i < 0 ? 0 : n - 1;
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }
}
