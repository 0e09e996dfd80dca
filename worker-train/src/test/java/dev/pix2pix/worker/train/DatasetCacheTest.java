package dev.pix2pix.worker.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk budget: least recently used other datasets go first; what cannot fit is said by name. */
class DatasetCacheTest {
    static Path dataset(Path root, String name, int bytes, long lastUsedMillis) throws Exception {
        Path d = root.resolve(name);
        Files.createDirectories(d.resolve("data"));
        Files.write(d.resolve("data/x.bin"), new byte[bytes]);
        Files.writeString(d.resolve("last-used"), "t");
        Files.setLastModifiedTime(d.resolve("last-used"), FileTime.fromMillis(lastUsedMillis));
        return d;
    }

    @Test
    void leastRecentlyUsedDatasetsMakeRoom(@TempDir Path root) throws Exception {
        Path old = dataset(root, "old", 4000, 1_000);
        Path recent = dataset(root, "recent", 4000, 5_000);
        Path mine = dataset(root, "mine", 0, 9_000);
        DatasetCache cache = new DatasetCache(null, root, 10_000);
        DatasetCache.Room room = cache.makeRoom(mine, 3000, 2000);
        assertTrue(room.prepared());
        assertEquals(List.of("old"), room.evicted());
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(recent));
        // both go when needed; the prepared cache is dropped (with the reason) before the dataset is refused
        DatasetCache.Room tight = cache.makeRoom(mine, 7000, 4000);
        assertFalse(tight.prepared());
        assertEquals(List.of("recent"), tight.evicted());
        assertTrue(tight.message().contains("prepared cache off"), tight.message());
        DatasetCache.DatasetException e = assertThrows(DatasetCache.DatasetException.class,
                () -> cache.makeRoom(mine, 20_000, 0));
        assertTrue(e.getMessage().contains("dataset-cache-budget"), e.getMessage());
    }

    @Test
    void objectKeysCannotEscapeTheCache() {
        Path data = Path.of("/tmp/cache/data");
        assertEquals(data.resolve("A/x.png"), DatasetCache.safeResolve(data, "A/x.png"));
        assertThrows(DatasetCache.DatasetException.class, () -> DatasetCache.safeResolve(data, "../../etc/passwd"));
    }
}
