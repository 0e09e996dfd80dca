package dev.pix2pix.cli;

import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Copy every object below s3://bucket/prefix/ into LOCAL_DIR (keeping sub-folders; existing files "
                + "are replaced).")
final class DownloadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "S3_PREFIX")
    String source;

    @Parameters(index = "1", paramLabel = "LOCAL_DIR")
    Path dir;

    @Mixin
    Connection connection = new Connection();

    @Override
    public Integer call() {
        S3Uri prefix = S3Uri.parse(source).asPrefix();
        try (ObjectStore store = new ObjectStore(connection.store())) {
            int n = Transfer.download(store, prefix, dir);
            if (n == 0) {
                System.err.println("nothing below " + prefix);
                return 1;
            }
            System.err.println("downloaded " + n + " file(s) to " + dir.toAbsolutePath());
        }
        return 0;
    }
}
