package dev.brigade.feature.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HistoryStoreTest {

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, 15L, 16L, 1_764_151_200_000L, Long.MAX_VALUE, -1L, Long.MIN_VALUE})
    void keysSortByEntityThenTimeAndKeepTheirDocumentedLayout(long millis) {
        // Given an event at a time
        String eventId = "evt-1";

        // When its key is made
        String key = HistoryStore.key("card-7", millis, eventId);

        // Then it is entity NUL time as 16 lower-case hex digits NUL event id (the layout already in stores)
        assertThat(key).isEqualTo("card-7\u0000" + String.format("%016x", millis) + "\u0000evt-1");
        assertThat(key).startsWith(HistoryStore.prefix("card-7"));
    }
}
