package dev.brigade.registry;

import com.fasterxml.jackson.annotation.JsonCreator;

import dev.brigade.platform.document.Wire;

/** The names under which serving finds a version: champion takes decisions, canary a share, shadow none. */
public enum Alias implements WireName {
    SHADOW, CANARY, CHAMPION;

    @JsonCreator
    public static Alias fromWire(String text) {
        return Wire.parse(Alias.class, text);
    }
}
