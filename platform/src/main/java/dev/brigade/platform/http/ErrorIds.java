package dev.brigade.platform.http;

import java.util.UUID;

/** The id that ties a 5xx answer to the log line of its failure. */
final class ErrorIds {

    private ErrorIds() {
    }

    static String next() {
        return UUID.randomUUID().toString();
    }
}
