package dev.pix2pix.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one way Java floats become tensors. DJL's {@code NDManager.create(float[])} copies into a fresh
 * direct ByteBuffer that a CPU tensor then uses as its storage; that buffer is only freed when the
 * garbage collector finds it. With a large heap, collections are rare, so a training loop left about
 * 100 KB of dead direct buffers per iteration (worker inference: megabytes per batch) waiting for one:
 * resident memory that grew for minutes (issue #3). Here the floats go through one reused staging
 * buffer per thread and the tensor owns a copy of them (on a GPU, the upload is that copy).
 */
public final class HostUpload {
    private static final ThreadLocal<ByteBuffer> STAGING = new ThreadLocal<>();

    private HostUpload() {}

    public static NDArray floats(NDManager m, float[] data, Shape shape) {
        if (shape.size() != data.length) {
            throw new IllegalArgumentException(data.length + " values for shape " + shape);
        }
        int bytes = data.length * Float.BYTES;
        ByteBuffer staging = STAGING.get();
        if (staging == null || staging.capacity() < bytes) {
            staging = ByteBuffer.allocateDirect(Math.max(bytes, 1 << 16)).order(ByteOrder.nativeOrder());
            STAGING.set(staging);
        }
        staging.clear();
        staging.asFloatBuffer().put(data);
        ByteBuffer view = staging.slice(0, bytes).order(ByteOrder.nativeOrder());
        NDArray blob = m.create(view, shape, DataType.FLOAT32);
        if (blob.getDevice().isGpu()) {
            return blob; // copied to the device while being created: nothing refers to the staging buffer
        }
        NDArray owned = blob.duplicate(); // torch-allocated storage, freed when the array is closed
        blob.close();
        return owned;
    }
}
