package dev.brigade.registry;

import com.fasterxml.jackson.annotation.JsonValue;

import dev.brigade.platform.document.Wire;

/** An enum of {@link Wire} that Jackson writes by its wire name, whichever mapper writes it. */
public interface WireName extends Wire {

    @Override
    @JsonValue
    default String wire() {
        return Wire.of((Enum<?>) this);
    }
}
