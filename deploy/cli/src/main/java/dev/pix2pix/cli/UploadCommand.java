package dev.pix2pix.cli;

import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "upload", mixinStandardHelpOptions = true,
        description = "Copy every file below LOCAL_DIR to s3://bucket/prefix/ (keeping sub-folders); creates the bucket "
                + "if needed.")
final class UploadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "LOCAL_DIR")
    Path dir;

    @Parameters(index = "1", paramLabel = "S3_PREFIX", description = "e.g. s3://pix2pix/datasets/facades/")
    String target;

    @Mixin
    Connection connection = new Connection();

    @Override
    public Integer call() {
        S3Uri prefix = S3Uri.parse(target).asPrefix();
        try (ObjectStore store = new ObjectStore(connection.store())) {
            int n = Transfer.upload(store, dir, prefix);
            System.err.println("uploaded " + n + " file(s) to " + prefix);
            System.out.println(prefix);
        }
        return 0;
    }
}
