package dev.pix2pix.worker.train;

import ai.djl.Device;
import dev.pix2pix.data.DataReport;
import dev.pix2pix.data.PairSet;
import dev.pix2pix.data.UnalignedSet;
import dev.pix2pix.train.CycleGanTrainer;
import dev.pix2pix.train.TrainOptions;
import dev.pix2pix.train.TrainPlan;
import dev.pix2pix.train.Trainer;
import dev.pix2pix.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A job's training run opened on its downloaded dataset, pix2pix or CycleGAN as the plan says, new or resumed
 * from the checkpoint in {@code modelDir}; the run and its data are closed together (the data's prepared cache
 * stays locked while open).
 *
 * @param entries the dataset's entries (both sides for CycleGAN)
 * @param samples renders an epoch's sample strip; null for CycleGAN (a strip's truth column needs pairs)
 */
record OpenedRun(TrainingRun run, AutoCloseable data, int entries, Supplier<DataReport> report, Sampler samples)
        implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OpenedRun.class);

    /** Renders an epoch's sample strip (PNG bytes). */
    @FunctionalInterface
    interface Sampler {
        byte[] render() throws IOException;
    }

    /**
     * @param o the options in effect (a resumed run's are the checkpoint's): they decide the samples, so the set
     *     is opened with them
     */
    static OpenedRun open(TrainPlan plan, TrainOptions o, DatasetCache.Download download, boolean resume,
            Path modelDir, Device device, WorkerConfig.Train cfg) throws IOException {
        return plan.isCycleGan() ? cycleGan(plan, o, download, resume, modelDir, device)
                : pix2pix(plan, o, download, resume, modelDir, device, cfg);
    }

    private static OpenedRun pix2pix(TrainPlan plan, TrainOptions o, DatasetCache.Download download, boolean resume,
            Path modelDir, Device device, WorkerConfig.Train cfg) throws IOException {
        PairSet data = PairSet.builder(download, plan.layout()).direction(plan.direction())
                .channels(plan.spec().inputNc(), plan.spec().outputNc())
                .preprocessing(o.preprocessing(plan.spec().sizeMultiple())).maxImages(o.maxImages(), o.seed())
                .preparedCache(download.preparedRoot()).warnings(LOG::warn).open();
        download.retain(data.fileNames());
        Trainer trainer;
        try {
            trainer = resume ? Trainer.resume(modelDir, o, data, device)
                    : Trainer.start(plan.spec(), o, plan.dataSpec(), data, modelDir, device);
        } catch (IOException | RuntimeException e) {
            data.close(); // its prepared cache stays locked otherwise, and the next job would decode every epoch
            throw e;
        }
        trainer.loaderThreads(cfg.loaderThreads());
        return new OpenedRun(trainer, data, data.size(), data::report, () -> SampleStrip.render(trainer.generator(),
                data, plan.colorize(), cfg.samplePairs(), device));
    }

    /** A/ and B/ of the dataset, G_A/G_B/D_A/D_B; the run publishes AtoB/ and BtoA/ model folders. */
    private static OpenedRun cycleGan(TrainPlan plan, TrainOptions o, DatasetCache.Download download, boolean resume,
            Path modelDir, Device device) throws IOException {
        UnalignedSet data = UnalignedSet.open(download, plan.spec().inputNc(), plan.spec().outputNc(),
                o.preprocessing(plan.spec().sizeMultiple()), download.preparedRoot());
        download.retain(data.fileNames());
        CycleGanTrainer trainer;
        try {
            trainer = resume ? CycleGanTrainer.resume(modelDir, o, data, device)
                    : CycleGanTrainer.start(plan.spec(), o, plan.cycle(), plan.dataSpec(), data, modelDir, device);
        } catch (IOException | RuntimeException e) {
            data.close();
            throw e;
        }
        return new OpenedRun(trainer, data, data.a().size() + data.b().size(), data::report, null);
    }

    @Override
    public void close() throws Exception {
        try (AutoCloseable d = data) {
            run.close();
        }
    }
}
