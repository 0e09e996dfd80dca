package dev.pix2pix.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Device selection: cpu, gpu (fails clearly when there is none) or auto. */
public final class Devices {
    private Devices() {}

    /**
     * The first GPU. Training turns cuDNN autotuning on: our shapes repeat every iteration, so the one-off
     * search pays for itself (-Dpix2pix.cudnn.benchmark=false turns it off). Inference turns it off: the
     * autotuner picks algorithms by timing, so an image's output bits could differ between runs and workers.
     */
    private static Device gpu(boolean autotune) {
        dev.pix2pix.nn.TorchEngine.cudnnBenchmark(
                autotune && Boolean.parseBoolean(System.getProperty("pix2pix.cudnn.benchmark", "true")));
        return Device.gpu();
    }

    /** For training: cpu, gpu (fails clearly when there is none) or auto; cuDNN autotuning on a GPU. */
    public static Device select(String choice) {
        return select(choice, true);
    }

    /** For inference: as {@link #select} but with cuDNN's algorithm choice deterministic (no autotuning). */
    public static Device selectForInference(String choice) {
        return select(choice, false);
    }

    private static Device select(String choice, boolean autotune) {
        String c = choice == null ? "auto" : choice.toLowerCase(Locale.ROOT);
        int gpus = Engine.getInstance().getGpuCount();
        switch (c) {
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (gpus == 0) {
                    throw new IllegalStateException("--device gpu: no CUDA GPU is visible to the PyTorch engine "
                            + "(check the CUDA natives, PYTORCH_FLAVOR and the driver)");
                }
                return gpu(autotune);
            case "auto":
                return gpus > 0 ? gpu(autotune) : Device.cpu();
            default:
                throw new IllegalArgumentException("unknown device '" + choice + "' (cpu|gpu|auto)");
        }
    }
}
