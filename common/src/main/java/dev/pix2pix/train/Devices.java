package dev.pix2pix.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Device selection: cpu, gpu (fails clearly when there is none) or auto. */
public final class Devices {
    private Devices() {}

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
                return Device.gpu();
            case "auto":
                return gpus > 0 ? Device.gpu() : Device.cpu();
            default:
                throw new IllegalArgumentException("unknown device '" + choice + "' (cpu|gpu|auto)");
        }
    }
}
