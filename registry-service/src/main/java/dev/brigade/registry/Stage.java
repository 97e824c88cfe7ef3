package dev.brigade.registry;

import java.util.List;
import java.util.Map;

/**
 * One stage of a use case's loop (framing, data, training, evaluation, deploy, monitor) as the registry sees it:
 * who owns it, the criteria for entering and for leaving it, and where the use case stands. Derived on every read
 * from the spec and the folded state, never stored. docs/stages.md lists every criterion.
 *
 * @param owner the spec's owner of this stage ({@code owners.<stage>})
 * @param entered every entry criterion is met
 * @param exited every exit criterion is met (the monitor's exit is the way back to training)
 */
public record Stage(Name name, String owner, Status status, boolean entered, boolean exited, List<Criterion> entry,
        List<Criterion> exit) {

    public enum Name implements WireName {
        FRAMING, DATA, TRAINING, EVALUATION, DEPLOY, MONITOR;
    }

    /**
     * EXITED: the use case went through it; CURRENT: work happens here now (the monitor is current for as long as a
     * champion serves, alongside a candidate's evaluation or deploy); NOT_ENTERED: not reached yet in this turn.
     */
    public enum Status implements WireName {
        EXITED, CURRENT, NOT_ENTERED;
    }

    /**
     * One criterion with the values it was decided on.
     *
     * @param met true or false, null when the registry cannot know (the evidence says why)
     */
    public record Criterion(String id, String text, Boolean met, Map<String, Object> evidence) {

        /** Not a bean getter on purpose: Jackson would take it for the {@code met} property. */
        public boolean holds() {
            return Boolean.TRUE.equals(met);
        }
    }
}
