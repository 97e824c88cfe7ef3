package dev.brigade.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.brigade.platform.document.Wire;

/** The names under which serving finds a version: champion takes decisions, canary a share, shadow none. */
public enum Alias implements Wire {
    SHADOW, CANARY, CHAMPION;

    @Override
    @JsonValue
    public String wire() {
        return Wire.of(this);
    }

    @JsonCreator
    public static Alias fromWire(String text) {
        return Wire.parse(Alias.class, text);
    }
}
