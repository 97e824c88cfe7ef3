package dev.brigade.registry.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.KafkaSettings;
import dev.brigade.registry.TestKeys;
import dev.brigade.registry.mapping.RegistryEventMapper;

/**
 * A registry "instance" of its own in a child JVM, for {@link LeaderElectionTest} to kill with SIGKILL: an elector
 * whose activation opens the writer and commits one write, then says so on stdout and runs until killed.
 *
 * <p>Arguments: bootstrap servers, leader topic, group, log topic, transactional id, session ms, heartbeat ms.
 */
public final class ElectorProcess {

    private ElectorProcess() {
    }

    public static void main(String[] args) throws Exception {
        KafkaClients clients = new KafkaClients(new KafkaSettings(Map.of("bootstrap.servers", args[0])));
        LeaderElector.Timing timing = new LeaderElector.Timing(Duration.ofMillis(Long.parseLong(args[5])),
                Duration.ofMillis(Long.parseLong(args[6])), Duration.ofSeconds(30));
        LeaderElector elector = new LeaderElector(clients, args[1], args[2], "child", timing, new LeaderElector.Role() {
            @Override
            public void activate(int epoch) {
                RegistryWriter writer = new RegistryWriter(clients, args[3], args[4], Duration.ofSeconds(10),
                        TestKeys.trusted());
                writer.write(List.of(RegistryEventMapper.toAvro(LeaderElectionTest.spec("child-" + epoch))));
                System.out.println("ACTIVE " + epoch);
                System.out.flush();
            }

            @Override
            public void deactivate(String why) {
                System.out.println("STANDBY " + why);
                System.out.flush();
            }
        });
        elector.start();
        Thread.sleep(Long.MAX_VALUE);
    }

}
