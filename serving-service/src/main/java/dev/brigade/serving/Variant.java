package dev.brigade.serving;

/** Which role of the use case produced a score; every answer and every logged prediction says it. */
public enum Variant {
    CHAMPION, CANARY, SHADOW, BASELINE
}
