package dev.brigade.registry.service;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import dev.brigade.events.RegistryLeader;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.platform.kafka.TopicReplay;
import dev.brigade.platform.kafka.signing.SignatureGate;
import dev.brigade.platform.kafka.signing.SigningKeys;
import dev.brigade.registry.ActiveInstance;
import dev.brigade.registry.config.RegistryConfig;
import dev.brigade.registry.mapping.LeaderMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Which registry instance is active, and this instance's part in it. It runs the {@link LeaderElector} (group
 * {@value #GROUP} on registry-leader: the member holding partition 0 is active and takes over through
 * {@link WritePath#activate}) and follows the announcements on registry-leader (signed like registry-events and
 * verified the same way, since a standby sends its callers' credentials to the URL it reads there), so a standby
 * knows where to send writes.
 */
@ApplicationScoped
public class Leadership {

    /** The leader-election consumer group (under the install prefix). */
    public static final String GROUP = "registry-service-leader";

    private static final Logger LOG = Logger.getLogger(Leadership.class);

    /** This instance as others reach it. */
    public record Identity(String instanceId, String url) {
    }

    /** What this instance knows now: its role, and the active instance it would send writes to. */
    public record View(Identity self, boolean active, Optional<ActiveInstance> activeInstance) {

        /** The active instance if it is another one (never this instance's own stale announcement). */
        public Optional<ActiveInstance> elsewhere() {
            return active ? Optional.empty()
                    : activeInstance.filter(a -> !a.instanceId().equals(self.instanceId()));
        }
    }

    private final RegistryConfig config;
    private final WritePath writes;
    private final KafkaClients clients;
    private final SigningKeys keys;
    private final TopicNames names;
    private final MeterRegistry meters;
    private final AtomicReference<ActiveInstance> announced = new AtomicReference<>();
    private volatile Identity self;
    private volatile LeaderElector elector;
    private volatile TopicReplay<RegistryLeader> follower;

    Leadership(RegistryConfig config, WritePath writes, KafkaClients clients, SigningKeys keys, TopicNames names,
            MeterRegistry meters) {
        this.config = config;
        this.writes = writes;
        this.clients = clients;
        this.keys = keys;
        this.names = names;
        this.meters = meters;
        Gauge.builder("brigade.registry.active", this, l -> l.view().active() ? 1 : 0)
                .description("1 while this instance is the active registry (the one that writes registry-events)")
                .register(meters);
    }

    /**
     * After the replay (PLATFORM_BEFORE + 10) and the write path; then waits a bounded time until this instance is
     * active or knows the active one, so its first answers are not 503s for nothing.
     */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 30) StartupEvent start) {
        self = identity();
        String topic = names.topic(Topics.REGISTRY_LEADER);
        SignatureGate signatures = SignatureGate.counting(keys.verifier(), topic, meters);
        follower = new TopicReplay<>(clients, "registry-leader-follower", topic, RegistryLeader.class,
                signatures.guard((event, record) -> learn(LeaderMapper.toDomain(event)), RegistryLeader::getInstanceId))
                .ownDeadLetters().start();
        writes.onFenced(() -> {
            LeaderElector current = elector;
            if (current != null) {
                current.resign();
            }
        });
        RegistryConfig.Leader leader = config.leader();
        elector = new LeaderElector(clients, topic, names.group(GROUP), self.instanceId(),
                new LeaderElector.Timing(leader.sessionTimeout(), leader.heartbeatInterval(),
                        leader.maxPollInterval()),
                new LeaderElector.Role() {
                    @Override
                    public void activate(int generation) throws Exception {
                        Identity me = self();
                        // The term must pass every earlier one, also when the group started again from generation 1
                        // (all members gone): so know the latest announcement first.
                        if (!follower.awaitCaughtUp(config.writeTimeout())) {
                            throw new IllegalStateException("registry-leader not read to its end within "
                                    + config.writeTimeout());
                        }
                        int term = Optional.ofNullable(announced.get()).map(a -> Math.max(generation, a.epoch() + 1))
                                .orElse(generation);
                        learn(writes.activate(term, me.instanceId(), me.url()));
                    }

                    @Override
                    public void deactivate(String why) {
                        writes.deactivate(why);
                    }
                }).start();
        LOG.infof("Registry instance %s (%s) joined leader group %s (session %s, heartbeat %s); standby writes: %s",
                self.instanceId(), self.url(), names.group(GROUP), leader.sessionTimeout(), leader.heartbeatInterval(),
                leader.standbyWrites());
        awaitRole(leader.startupWait());
    }

    void stop(@Observes ShutdownEvent stop) {
        if (elector != null) {
            elector.close();
        }
        if (follower != null) {
            follower.close();
        }
    }

    public View view() {
        Identity me = self();
        Optional<ActiveInstance> mine = writes.active();
        return new View(me == null ? new Identity("", "") : me, mine.isPresent(),
                mine.isPresent() ? mine : Optional.ofNullable(announced.get()));
    }

    /**
     * The latest announcement wins: each is committed by the one transactional writer, and opening that writer fences
     * the previous holder, so a stale active can no longer announce and log order is term order.
     */
    private void learn(ActiveInstance candidate) {
        ActiveInstance before = announced.getAndSet(candidate);
        if (!candidate.equals(before)) {
            LOG.infof("Active registry instance: %s (%s), leader epoch %d, since %s", candidate.instanceId(),
                    candidate.url(), candidate.epoch(), candidate.since());
        }
    }

    private void awaitRole(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            View now = view();
            if (now.active() || now.elsewhere().isPresent()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warnf("Registry instance %s knows no active instance after %s; it is not ready until one is",
                self.instanceId(), wait);
    }

    /** This instance's identity, resolved again while its port is not known yet (a random port before listening). */
    private Identity self() {
        Identity me = self;
        if (me != null && me.url().endsWith(":0")) {
            Identity resolved = identity();
            if (!resolved.url().endsWith(":0")) {
                self = resolved;
                return resolved;
            }
        }
        return me;
    }

    private Identity identity() {
        RegistryConfig.Leader leader = config.leader();
        String portProperty = LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
        // A random port (0, the tests) is only known once the server listens; Quarkus then sets the system property.
        int port = Optional.ofNullable(System.getProperty(portProperty)).map(Integer::valueOf)
                .or(() -> ConfigProvider.getConfig().getOptionalValue(portProperty, Integer.class)).orElse(8083);
        String hostPort = leader.advertisedHost() + ":" + port;
        String url = leader.advertisedUrl().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
                .orElse("http://" + hostPort);
        return new Identity(leader.instanceId().orElse(hostPort), url);
    }
}
