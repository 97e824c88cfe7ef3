package dev.brigade.training.listener;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.events.TrainingRunState;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.platform.kafka.TopicReplay;
import dev.brigade.training.config.TrainingConfig;
import dev.brigade.training.mapping.RunStateMapper;
import dev.brigade.training.service.RunStateSink;
import dev.brigade.training.service.RunStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Follows training-run-state from the beginning into the {@link RunStore} (a platform replay: every partition, no
 * consumer group), so every instance holds every run's state and answers GET /v1/runs alike, and the retraining
 * policy of every instance sees the same runs. It is read to its end at start-up, after the history of training-runs
 * and before the channels deliver a request. Records it cannot decode are skipped (they are this station's own; the
 * replay logs and counts them): a state record is rewritten on the run's next change or heartbeat anyway.
 */
@ApplicationScoped
public class RunStateFollower {

    private static final Logger LOG = Logger.getLogger(RunStateFollower.class);

    private final KafkaClients clients;
    private final TopicNames names;
    private final RunStore store;
    private final RunStateMapper mapper;
    private final Duration readTimeout;
    private TopicReplay<TrainingRunState> replay;

    RunStateFollower(KafkaClients clients, TopicNames names, RunStore store, ObjectMapper json,
            TrainingConfig config) {
        this.clients = clients;
        this.names = names;
        this.store = store;
        this.mapper = new RunStateMapper(json);
        this.readTimeout = config.dataset().readTimeout();
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 2) StartupEvent event)
            throws InterruptedException {
        replay = new TopicReplay<>(clients, "training-service-run-state-follower",
                names.topic(Topics.TRAINING_RUN_STATE), TrainingRunState.class,
                (state, record) -> store.apply(mapper.fromAvro(state))).start();
        if (!replay.awaitCaughtUp(readTimeout)) {
            throw new IllegalStateException("reading " + Topics.TRAINING_RUN_STATE + " did not reach its end "
                    + "offsets within " + readTimeout);
        }
        LOG.infof("Following %s: %d run states read at start-up", Topics.TRAINING_RUN_STATE, replay.applied());
    }

    /** Waits until this instance has read the record written there, so its view includes it (and what came first). */
    public boolean awaitRead(RunStateSink.Written written, Duration timeout) throws InterruptedException {
        return replay != null && replay.awaitPosition(written.partition(), written.offset(), timeout);
    }

    void stop(@Observes ShutdownEvent event) {
        if (replay != null) {
            replay.close();
        }
    }
}
