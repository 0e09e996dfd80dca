package dev.pix2pix.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Device selection: cpu, gpu (fails clearly when there is none) or auto. */
public final class Devices {
    private Devices() {}

    /**
     * The first GPU, with cuDNN autotuning on: our shapes repeat every iteration, so the one-off
     * search pays for itself (-Dpix2pix.cudnn.benchmark=false turns it off).
     */
    private static Device gpu() {
        if (Boolean.parseBoolean(System.getProperty("pix2pix.cudnn.benchmark", "true"))) {
            ai.djl.pytorch.jni.JniUtils.setBenchmarkCuDNN(true);
        }
        return Device.gpu();
    }

    public static Device select(String choice) {
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
                return gpu();
            case "auto":
                return gpus > 0 ? gpu() : Device.cpu();
            default:
                throw new IllegalArgumentException("unknown device '" + choice + "' (cpu|gpu|auto)");
        }
    }
}
