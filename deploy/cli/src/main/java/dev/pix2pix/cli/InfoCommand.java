package dev.pix2pix.cli;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.PatchDiscriminator;
import dev.pix2pix.model.Generator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Parameter counts and the discriminator's receptive field for the model options.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();

    @picocli.CommandLine.Option(names = "--json", description = "accepted for symmetry with train/translate: info always prints one JSON line")
    boolean json;

    @Override
    public Integer call() {
        ModelSpec spec = model.spec(false);
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
                Generator g = Generator.create(spec, m, 0);
                PatchDiscriminator d = new PatchDiscriminator(spec, m, 0)) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("paramsG", g.params().countTrainable());
            out.put("paramsD", d.params().countTrainable());
            out.put("receptiveField", d.receptiveField());
            System.out.println(JsonLine.of(out));
        }
        return 0;
    }
}
