package dev.brigade.events.topics;

import java.util.stream.Collectors;

/**
 * Prints the topic catalogue one topic per line, {@code name partitions config=value ...}: the topics file the broker
 * launcher's cluster mode creates as its admin (deploy/run-local.sh --cluster), and a list an operator can feed to
 * kafka-topics.sh. Replication is the cluster's business, so it is not printed.
 */
public final class TopicCatalogFile {

    private TopicCatalogFile() {
    }

    public static void main(String[] args) {
        System.out.println("# Brigade topic catalogue: name partitions config=value ...");
        TopicCatalog.all().forEach(topic -> System.out.println(line(topic)));
    }

    static String line(TopicSpec topic) {
        return topic.name() + " " + topic.partitions() + topic.configs().entrySet().stream()
                .map(e -> " " + e.getKey() + "=" + e.getValue()).collect(Collectors.joining());
    }
}
