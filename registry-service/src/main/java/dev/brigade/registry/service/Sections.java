package dev.brigade.registry.service;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.brigade.platform.document.Fields;

/** What the section readers share: reading a list of objects item by item. */
final class Sections {

    private Sections() {
    }

    /**
     * Reads every item, even after an invalid one, so one 422 names them all. read answers null for an invalid item;
     * the list is null when absent or when any item is invalid.
     */
    static <T> List<T> each(List<Fields.Obj> items, Function<Fields.Obj, T> read) {
        if (items == null) {
            return null;
        }
        List<T> values = new ArrayList<>();
        boolean ok = true;
        for (Fields.Obj item : items) {
            T value = read.apply(item);
            ok &= value != null;
            if (value != null) {
                values.add(value);
            }
        }
        return ok ? List.copyOf(values) : null;
    }
}
