package dev.pix2pix.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HostUploadTest {

    @Test
    void valuesArriveAndLaterUploadsDoNotOverwriteEarlierArrays() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = HostUpload.floats(m, new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            NDArray b = HostUpload.floats(m, new float[] {7, 8, 9, 10, 11, 12}, new Shape(3, 2));
            assertEquals(new Shape(2, 3), a.getShape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.toFloatArray()); // own storage, not the staging buffer
            assertArrayEquals(new float[] {7, 8, 9, 10, 11, 12}, b.toFloatArray());
        }
    }

    @Test
    void refusesAShapeThatDoesNotFit() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> HostUpload.floats(m, new float[5], new Shape(2, 3)));
        }
    }

    /**
     * The reason it exists: 400 uploads of 256 KB leave no direct buffers behind (NDManager.create(float[])
     * would leave 100 MB of them until a garbage collection).
     */
    @Test
    void leavesNoDirectBuffersBehind() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        float[] data = new float[64 * 1024];
        try (NDManager m = NDManager.newBaseManager()) {
            HostUpload.floats(m, data, new Shape(data.length)).close(); // staging buffer allocated once
            long before = direct.getMemoryUsed();
            for (int i = 0; i < 400; i++) {
                data[i] = i;
                try (NDArray a = HostUpload.floats(m, data, new Shape(data.length))) {
                    assertEquals(i, a.getFloat(i), 0f);
                }
            }
            long grown = direct.getMemoryUsed() - before;
            assertTrue(grown < 1 << 20, "direct memory grew by " + grown + " bytes over 400 uploads");
        }
    }
}
