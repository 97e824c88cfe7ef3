package dev.brigade.monitor.service;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.RestResponse;

import dev.brigade.events.AlertAction;
import dev.brigade.events.AlertEvent;
import dev.brigade.events.AlertRaised;
import dev.brigade.events.Severity;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.monitor.client.Pager;
import dev.brigade.monitor.client.RegistryClient;
import dev.brigade.platform.http.ClientAnswers;
import dev.brigade.platform.kafka.DeadLetters;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;

/**
 * Carries out the actions of committed alerts (consumer group {@code <app id>-actions}, read_committed, offsets
 * committed after the action): page (webhook and log) and rollback (the registry, as the monitor's deployer
 * account). Retrain needs nothing here: the drift event left with the alert. A new group starts at the end of the
 * topic, so a first start does not page for history. This consumer owns the dead letters of alerts: an alert that
 * does not decode, or whose action throws, goes to alerts.dlq with the reason and the group moves on; if the dead
 * letter cannot be sent, the partition is held at that record (not committed) and retried.
 */
@ApplicationScoped
public class AlertActions {

    private static final Logger LOG = Logger.getLogger(AlertActions.class);
    private static final EventCodec<AlertEvent> CODEC = EventCodec.of(AlertEvent.class);

    /**
     * What the rollback action did, for the dashboard and tests; {@code at} when (epoch ms), so the lists of several
     * instances merge into one order.
     */
    public record ActionTaken(String alertId, String useCase, String action, String outcome, String detail, long at) {
    }

    /** Newest first. */
    static final java.util.Comparator<ActionTaken> NEWEST_FIRST = java.util.Comparator
            .comparingLong(ActionTaken::at).reversed().thenComparing(ActionTaken::alertId)
            .thenComparing(ActionTaken::action).thenComparing(ActionTaken::outcome);

    /**
     * The actions every instance took, as one list, newest first: each instance's consumer of the actions group acts
     * on the alerts of its partitions and keeps what it did in memory, so a read from any instance asks them all.
     */
    public static List<ActionTaken> merge(List<List<ActionTaken>> perInstance) {
        return perInstance.stream().flatMap(List::stream).distinct().sorted(NEWEST_FIRST).toList();
    }

    private final Pager pager;
    private final RegistryClient registryClient;
    private final RegistryView registry;
    private final StationMetrics metrics;
    private final KafkaClients clients;
    private final TopicNames names;
    private final java.util.Deque<ActionTaken> taken = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile DeadLetters deadLetters;
    private volatile boolean running;
    private Thread thread;

    AlertActions(Pager pager, @RestClient RegistryClient registryClient, RegistryView registry, StationMetrics metrics,
            KafkaClients clients, TopicNames names) {
        this.names = names;
        this.pager = pager;
        this.registryClient = registryClient;
        this.registry = registry;
        this.metrics = metrics;
        this.clients = clients;
    }

    /** @param groupId the install's group id ({@link TopicNames#group}) */
    public synchronized void start(String groupId) {
        consumer = clients.consumer(groupId, Map.of(ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50));
        consumer.subscribe(List.of(names.topic(Topics.ALERTS)));
        deadLetters = new DeadLetters(clients, names.dlq(Topics.ALERTS), groupId + "-dead-letters");
        running = true;
        thread = new Thread(this::run, "monitor-alert-actions");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try (AutoCloseable lag = clients.meter(consumer)) {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
                Set<TopicPartition> held = new HashSet<>();
                for (ConsumerRecord<String, byte[]> r : records) {
                    TopicPartition partition = new TopicPartition(r.topic(), r.partition());
                    if (held.contains(partition)) {
                        continue;
                    }
                    if (handleOrDeadLetter(r)) {
                        handled.put(partition, new OffsetAndMetadata(r.offset() + 1));
                    } else {
                        held.add(partition);
                        consumer.seek(partition, r.offset());
                    }
                }
                if (!handled.isEmpty()) {
                    consumer.commitSync(handled);
                }
                if (!held.isEmpty()) {
                    Thread.sleep(1_000);
                }
            }
        } catch (WakeupException stopping) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("Alert actions stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
            deadLetters.close();
        }
    }

    /** True when the record is done with (acted on or dead-lettered); false when its dead letter could not be sent. */
    private boolean handleOrDeadLetter(ConsumerRecord<String, byte[]> r) throws InterruptedException {
        AlertEvent alert;
        try {
            alert = CODEC.decode(r.value());
        } catch (RuntimeException e) {
            return deadLetter(r, "undecodable alert: " + e.getMessage(), e, true);
        }
        try {
            handle(alert);
            return true;
        } catch (RuntimeException e) {
            return deadLetter(r, "alert " + alert.getEventId() + " not acted on: " + e, e, false);
        }
    }

    private boolean deadLetter(ConsumerRecord<String, byte[]> r, String reason, RuntimeException e,
            boolean decodeFailure) throws InterruptedException {
        try {
            deadLetters.send(r, reason, String.valueOf(e.getMessage()), e.getClass().getName(), decodeFailure);
            metrics.deadLettered(Topics.ALERTS, e.getClass().getSimpleName());
            return true;
        } catch (InterruptedException interrupted) {
            throw interrupted;
        } catch (Exception failed) {
            LOG.errorf("Dead letter for alerts-%d@%d not sent, retrying: %s", r.partition(), r.offset(),
                    failed.getMessage());
            return false;
        }
    }

    private void handle(AlertEvent alert) throws InterruptedException {
        MDC.put("eventId", alert.getEventId());
        try {
            boolean raised = alert.getPayload() instanceof AlertRaised;
            String text = (raised ? "RAISED " : "RESOLVED ") + alert.getUseCase() + " " + alert.getRule() + " ["
                    + alert.getSeverity() + ", owner " + alert.getOwner() + ", action " + alert.getAction() + "]: "
                    + (raised ? ((AlertRaised) alert.getPayload()).getMessage()
                            : ((dev.brigade.events.AlertResolved) alert.getPayload()).getMessage())
                    + " | playbook: " + alert.getPlaybook();
            if (alert.getSeverity() == Severity.PAGE || alert.getAction() == AlertAction.PAGE) {
                LOG.error("PAGE " + text);
                boolean delivered = pager.page(alert.getEventId(), webhookBody(alert, text));
                metrics.action("page", pager.configured() ? (delivered ? "delivered" : "failed") : "logged");
            } else {
                LOG.warn(text);
            }
            if (raised && alert.getAction() == AlertAction.ROLLBACK) {
                rollback(alert, (AlertRaised) alert.getPayload());
            }
        } finally {
            MDC.remove("eventId");
        }
    }

    /**
     * A canary that breaks its guardrails loses its traffic (canary cleared); a champion that does is rolled back
     * to the previous champion. A shadow that does is cleared too: it serves nobody, but the rule stays raised for
     * that version, so it would not fire again once the rollout moved the version on to canary and champion; a
     * clear ends its rollout (the registry's driver never takes back a cleared version). Anything else (an old
     * version) is left to the owner, and says so.
     */
    private void rollback(AlertEvent alert, AlertRaised raised) {
        String uc = alert.getUseCase();
        Integer version = raised.getModelVersion();
        Optional<String> alias = version == null ? Optional.empty() : registry.aliasOf(uc, version);
        String reason = "monitor alert " + alert.getAlertId() + ": " + raised.getMessage();
        try {
            RestResponse<String> result;
            if (alias.filter(a -> a.equals("canary") || a.equals("shadow")).isPresent()) {
                result = registryClient.moveAlias(uc, alias.get(), new RegistryClient.AliasMove(null, reason));
            } else if (alias.filter("champion"::equals).isPresent() && registry.previousChampion(uc).isPresent()) {
                result = registryClient.rollback(uc, new RegistryClient.Reason(reason));
            } else {
                record(alert, "rollback", "skipped", "v" + version + " holds " + alias.orElse("no alias")
                        + (alias.filter("champion"::equals).isPresent() ? " and there is no previous champion" : "")
                        + ": nothing to roll back");
                return;
            }
            boolean ok = result.getStatusInfo().getFamily() == Response.Status.Family.SUCCESSFUL;
            record(alert, "rollback", ok ? "done" : "refused", "v" + version + " (" + alias.get()
                    + "): registry answered " + result.getStatus() + (ok ? "" : " " + ClientAnswers.text(result)));
        } catch (RuntimeException e) {
            record(alert, "rollback", "failed", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void record(AlertEvent alert, String action, String outcome, String detail) {
        ActionTaken t = new ActionTaken(alert.getAlertId(), alert.getUseCase(), action, outcome, detail,
                System.currentTimeMillis());
        taken.addFirst(t);
        while (taken.size() > 200) {
            taken.removeLast();
        }
        metrics.action(action, outcome);
        if ("done".equals(outcome)) {
            LOG.warnf("Rollback for %s: %s", alert.getAlertId(), detail);
        } else {
            LOG.errorf("Rollback for %s %s: %s", alert.getAlertId(), outcome, detail);
        }
    }

    private static Map<String, Object> webhookBody(AlertEvent alert, String text) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("eventId", alert.getEventId());
        body.put("alertId", alert.getAlertId());
        body.put("status", alert.getPayload() instanceof AlertRaised ? "raised" : "resolved");
        body.put("useCase", alert.getUseCase());
        body.put("rule", alert.getRule());
        body.put("severity", alert.getSeverity().name().toLowerCase());
        body.put("owner", alert.getOwner());
        body.put("playbook", alert.getPlaybook());
        body.put("action", alert.getAction().name().toLowerCase());
        if (alert.getPayload() instanceof AlertRaised r) {
            body.put("metric", r.getMetric());
            body.put("value", r.getValue());
            body.put("threshold", r.getThreshold());
            body.put("modelVersion", r.getModelVersion());
        }
        body.put("occurredAt", alert.getOccurredAt().toString());
        return body;
    }

    public List<ActionTaken> taken() {
        return List.copyOf(taken);
    }

    public synchronized void stop() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
