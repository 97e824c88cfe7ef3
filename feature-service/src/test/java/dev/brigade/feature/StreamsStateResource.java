package dev.brigade.feature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A fresh Streams state directory per test JVM, to match the fresh broker of the same JVM. */
public class StreamsStateResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            Files.createDirectories(Path.of("target"));
            Path dir = Files.createTempDirectory(Path.of("target"), "streams-state-");
            return Map.of("brigade.features.state-dir", dir.toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // Left under target/ for a look after a failed run; mvn clean removes it.
    }
}
