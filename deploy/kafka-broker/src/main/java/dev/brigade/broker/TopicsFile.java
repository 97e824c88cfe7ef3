package dev.brigade.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.NewTopic;

/**
 * Topics for the --topics-file option of {@link KafkaClusterMain}: one per line, {@code name partitions [config=value ...]}, blank
 * lines and {@code #} comments ignored. Replication is the cluster's business, so the file does not say it.
 */
final class TopicsFile {

    private TopicsFile() {
    }

    static List<NewTopic> read(Path file) throws IOException {
        List<NewTopic> topics = new ArrayList<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNumber++;
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            String[] words = content.split("\\s+");
            if (words.length < 2) {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": expected 'name partitions [config=value ...]'");
            }
            int partitions;
            try {
                partitions = Integer.parseInt(words[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": not a partition count: " + words[1]);
            }
            Map<String, String> configs = new LinkedHashMap<>();
            for (int i = 2; i < words.length; i++) {
                int equals = words[i].indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException(file + ":" + lineNumber + ": not config=value: " + words[i]);
                }
                configs.put(words[i].substring(0, equals), words[i].substring(equals + 1));
            }
            topics.add(new NewTopic(words[0], Optional.of(partitions), Optional.empty()).configs(configs));
        }
        return topics;
    }
}
