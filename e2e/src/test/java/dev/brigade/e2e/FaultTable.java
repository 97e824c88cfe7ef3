package dev.brigade.e2e;

import java.time.Duration;
import java.util.List;

/** The table a fault suite prints: scenario, events in, events out, lost, duplicated, failed requests, notes. */
final class FaultTable {

    record Row(String scenario, long in, long out, long lost, long duplicated, long failedRequests, String notes) {
    }

    private FaultTable() {
    }

    static void print(String title, List<Row> rows, Duration wall) {
        StringBuilder out = new StringBuilder(String.format(
                "%n%s (wall time %d s, load average %.1f per core on %d cores)%n",
                title, wall.toSeconds(), loadPerCore(), Runtime.getRuntime().availableProcessors()));
        out.append(String.format("| %-60s | %9s | %10s | %5s | %10s | %6s | %s |%n", "scenario | counted",
                "events in", "events out", "lost", "duplicated", "failed", "notes"));
        out.append("|").append("-".repeat(62)).append("|").append("-".repeat(11)).append("|").append("-".repeat(12))
                .append("|").append("-".repeat(7)).append("|").append("-".repeat(12)).append("|").append("-".repeat(8))
                .append("|---|\n");
        for (Row r : rows) {
            out.append(String.format("| %-60s | %9d | %10d | %5d | %10d | %6d | %s |%n", r.scenario().replace(" | ",
                    ": "), r.in(), r.out(), r.lost(), r.duplicated(), r.failedRequests(), r.notes()));
        }
        System.out.println(out);
    }

    static double loadPerCore() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
                / Runtime.getRuntime().availableProcessors();
    }
}
