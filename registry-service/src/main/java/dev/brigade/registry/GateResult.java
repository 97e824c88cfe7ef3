package dev.brigade.registry;

import java.time.Instant;
import java.util.List;

/**
 * A gate evaluated on a version: passed when no check failed (skipped checks do not fail).
 *
 * @param championVersion the champion the candidate was compared with; null when there was none
 * @param specVersion the spec version whose promotion policy applied
 */
public record GateResult(boolean passed, List<GateCheck> checks, Integer championVersion, Integer specVersion,
        Instant evaluatedAt) {
}
