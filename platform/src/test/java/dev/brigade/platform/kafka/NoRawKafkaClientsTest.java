package dev.brigade.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every Kafka client of every station is built by {@link KafkaClients}, so what is configured once (security,
 * client ids, rack) reaches all of them. The broker launcher and the simulator are tools outside the stations: the
 * broker's own probe, and a stand-in for the users' producers.
 */
class NoRawKafkaClientsTest {

    private static final Pattern RAW = Pattern.compile("new\\s+KafkaProducer\\s*<|new\\s+KafkaConsumer\\s*<"
            + "|new\\s+KafkaStreams\\s*\\(|Admin(Client)?\\.create\\s*\\(");
    private static final Path FACTORY = Path.of("platform/src/main/java/dev/brigade/platform/kafka/KafkaClients.java");

    @Test
    void noMainCodeBuildsAKafkaClientOutsideTheFactory() throws IOException {
        // Given the main sources of every module but the tools under deploy/
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(root)) {
            sources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> root.relativize(p).toString().contains("src/main/java"))
                    .filter(p -> !root.relativize(p).startsWith("deploy"))
                    .filter(p -> !root.relativize(p).startsWith(".run"))
                    .toList();
        }
        assertThat(sources).as("the scan sees the stations' code")
                .anySatisfy(p -> assertThat(p.toString()).contains("registry-service"));

        // When each is searched for a client built by hand
        List<String> raw = sources.stream().filter(p -> !root.relativize(p).equals(FACTORY))
                .filter(p -> RAW.matcher(read(p)).find()).map(p -> root.relativize(p).toString()).toList();

        // Then there is none: the factory is the only place
        assertThat(raw).as("Kafka clients built outside KafkaClients").isEmpty();
        assertThat(RAW.matcher(read(root.resolve(FACTORY))).find()).isTrue();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
