package dev.brigade.serving.service;

import java.nio.charset.StandardCharsets;

import dev.brigade.serving.Deployment;
import dev.brigade.serving.LoadedModel;
import dev.brigade.serving.Variant;

/**
 * Sticky traffic split: an entity's bucket is a stable hash of (use case, entity id), the same in every instance and
 * after every restart, so an entity stays with the canary for as long as the canary holds its share. Growing the share
 * (5% -> 25%) keeps the first 5% inside the 25%.
 */
public final class Router {

    /** Buckets of 0.01 percent. */
    public static final int BUCKETS = 10_000;

    private Router() {
    }

    /** The model a request goes to and as which variant. */
    public record Routed(LoadedModel model, Variant variant) {
    }

    /**
     * The canary for the entities of its share, else the champion, else the baseline (a deployment that can serve
     * has one of them).
     */
    public static Routed route(Deployment d, String entityId) {
        if (d.canary() != null && d.champion() != null && canary(d.useCase(), entityId, d.canaryPercent())) {
            return new Routed(d.canary(), Variant.CANARY);
        }
        if (d.champion() != null) {
            return new Routed(d.champion(), Variant.CHAMPION);
        }
        return new Routed(d.baseline(), Variant.BASELINE);
    }

    /** The entity's bucket in [0, 10000). */
    public static int bucket(String useCase, String entityId) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64 over the UTF-8 bytes, then a splitmix64 finaliser
        for (byte b : useCase.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ 0) * 0x100000001b3L;
        for (byte b : entityId.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (int) Long.remainderUnsigned(h, BUCKETS);
    }

    /** Whether the entity goes to a canary holding {@code percent} of traffic. */
    public static boolean canary(String useCase, String entityId, double percent) {
        return percent > 0 && bucket(useCase, entityId) < Math.round(percent * (BUCKETS / 100.0));
    }
}
