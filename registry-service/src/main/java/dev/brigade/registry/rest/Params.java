package dev.brigade.registry.rest;

import dev.brigade.registry.Alias;
import dev.brigade.registry.service.RegistryException;

/** Path parameters other than names, parsed strictly. */
final class Params {

    private Params() {
    }

    static int version(String text) {
        if (text == null || !text.matches("[1-9][0-9]{0,8}")) {
            throw RegistryException.badRequest("version", "must be a version number (1, 2, ...)");
        }
        return Integer.parseInt(text);
    }

    static Alias alias(String text) {
        Alias alias = Alias.fromWire(text);
        if (alias == null) {
            throw RegistryException.badRequest("alias", "must be shadow, canary or champion");
        }
        return alias;
    }
}
