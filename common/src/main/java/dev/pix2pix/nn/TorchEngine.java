package dev.pix2pix.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The one adapter around DJL's PyTorch engine internals ({@code ai.djl.pytorch.jni.JniUtils}): what
 * DJL's public API does not offer (grad mode per thread, backward with a kept graph, zeroing a
 * gradient in place, cuDNN autotuning, the native profiler). A DJL upgrade that moves these touches
 * this class only.
 */
public final class TorchEngine {
    private TorchEngine() {}

    /** Autograd recording for the calling thread (libtorch's grad mode is thread-local). */
    public static void gradMode(boolean on) {
        JniUtils.setGradMode(on);
    }

    public static boolean gradMode() {
        return JniUtils.isGradMode();
    }

    /** d(out)/d(leaves) with a gradient of ones; keepGraph for a second backward, createGraph for a
     *  gradient of a gradient (R1). */
    public static void backward(NDArray out, boolean keepGraph, boolean createGraph) {
        JniUtils.backward((PtNDArray) out, (PtNDArray) out.onesLike(), keepGraph, createGraph);
    }

    public static void zeroGrad(NDArray parameter) {
        JniUtils.zeroGrad((PtNDArray) parameter);
    }

    public static void cudnnBenchmark(boolean on) {
        JniUtils.setBenchmarkCuDNN(on);
    }

    /** The native profiler (CPU only, no shapes, no memory), written as a Chrome trace by {@link #stopProfile}. */
    public static void startProfile() {
        JniUtils.startProfile(false, false, false);
    }

    public static void stopProfile(String traceFile) {
        JniUtils.stopProfile(traceFile);
    }
}
