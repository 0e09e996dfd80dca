package dev.pix2pix.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What leaves and enters a store is in the reference's layout, whatever the stored layout. */
class ParamStoreTest {

    private static ParamStore store(NDManager m, long seed) {
        ParamStore p = new ParamStore(m, seed);
        p.addConv("down", 4, 3, 4, false);
        p.addConvTranspose("up", 4, 3, 4, true);
        p.addBatchNorm("norm", 3);
        p.flatten();
        return p;
    }

    @Test
    void stateDictIsInTheReferenceLayoutAndLoadsBack() {
        try (NDManager m = NDManager.newBaseManager(); ParamStore a = store(m, 1); ParamStore b = store(m, 2)) {
            Map<String, NDArray> sd = a.stateDict(m);
            assertEquals(new Shape(4, 3, 4, 4), sd.get("up.weight").getShape());
            assertEquals(ConvTranspose.phaseShape(4, 3), a.get("up.weight").getShape());
            assertArrayEquals(ConvTranspose.toTorchLayout(a.get("up.weight"), m).toFloatArray(),
                    sd.get("up.weight").toFloatArray(), 0f);

            assertNotEquals(Arrays.toString(a.get("up.weight").toFloatArray()),
                    Arrays.toString(b.get("up.weight").toFloatArray()));
            b.decode(a.encode());
            for (String k : sd.keySet()) {
                assertArrayEquals(a.stateDict(m).get(k).toFloatArray(), b.stateDict(m).get(k).toFloatArray(), 0f, k);
            }
        }
    }

    @Test
    void layoutConversionsLeaveNoArrayBehind() {
        try (NDManager m = NDManager.newBaseManager(); ParamStore a = store(m, 1)) {
            // parameters (down.weight, up.weight, up.bias, norm.weight, norm.bias), 2 running stats, the flat buffer
            assertEquals(8, live(m), "after construction");
            for (int i = 0; i < 3; i++) {
                try (NDManager tmp = m.newSubManager()) {
                    a.stateDict(tmp);
                    a.flatFromExchange(a.flatToExchange(a.flat(), tmp), tmp);
                }
                a.decode(a.encode());
                a.dropGradients();
            }
            assertEquals(8, live(m), "after conversions");
        }
    }

    private static int live(NDManager m) {
        return ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size();
    }

    @Test
    void refusesAStoredLayoutShapeFromAFile() {
        try (NDManager m = NDManager.newBaseManager(); ParamStore a = store(m, 1)) {
            Map<String, NDArray> sd = a.stateDict(m);
            sd.put("up.weight", m.zeros(ConvTranspose.phaseShape(4, 3)));
            var e = assertThrows(IllegalArgumentException.class, () -> a.load(sd));
            assertTrue(e.getMessage().contains("shape mismatch for up.weight"), e.getMessage());
        }
    }

    @Test
    void flatVectorsGoOutInParameterOrderAndReferenceLayout() {
        try (NDManager m = NDManager.newBaseManager(); ParamStore a = store(m, 3)) {
            Map<String, NDArray> sd = a.stateDict(m);
            NDList expected = new NDList();
            for (String k : a.trainableByName().keySet()) {
                expected.add(sd.get(k).reshape(-1));
            }
            NDArray out = a.flatToExchange(a.flat(), m);
            assertArrayEquals(NDArrays.concat(expected).toFloatArray(), out.toFloatArray(), 0f);
            assertArrayEquals(a.flat().toFloatArray(), a.flatFromExchange(out, m).toFloatArray(), 0f);
            assertThrows(IllegalArgumentException.class, () -> a.flatToExchange(m.zeros(new Shape(5)), m));
        }
    }
}
