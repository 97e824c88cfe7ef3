package dev.brigade.registry;

import java.time.Instant;

/** The version an alias points at, since when, and (canary) its share of traffic. */
public record AliasHolder(int version, Double trafficPercent, Instant since) {
}
