package dev.brigade.serving.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterTest {

    @Test
    void bucketsAreStableAndSpreadEvenly() {
        // Given 100,000 entity ids
        int[] histogram = new int[10];
        for (int i = 0; i < 100_000; i++) {
            int bucket = Router.bucket("card-fraud", "card-" + i);
            // Then each bucket is in range and the same on every call
            assertThat(bucket).isBetween(0, Router.BUCKETS - 1).isEqualTo(Router.bucket("card-fraud", "card-" + i));
            histogram[bucket / 1000]++;
        }
        // And each tenth of the range holds a tenth of the entities, within 5%
        for (int count : histogram) {
            assertThat(count).isBetween(9_500, 10_500);
        }
    }

    @Test
    void aGrowingCanaryKeepsItsEntitiesAndUseCasesSplitIndependently() {
        int both = 0;
        int fiveOnly = 0;
        int sharedAcrossUseCases = 0;
        for (int i = 0; i < 10_000; i++) {
            String entity = "courier-" + i;
            boolean at5 = Router.canary("delivery-eta", entity, 5);
            boolean at25 = Router.canary("delivery-eta", entity, 25);
            if (at5 && at25) {
                both++;
            }
            if (at5 && !at25) {
                fiveOnly++;
            }
            if (at5 && Router.canary("other-case", entity, 5)) {
                sharedAcrossUseCases++;
            }
        }
        assertThat(fiveOnly).isZero();
        assertThat(both / 100.0).isBetween(4.0, 6.0);
        // Independent hashes: about 5% of 5%, not all of them
        assertThat(sharedAcrossUseCases).isLessThan(100);
        assertThat(Router.canary("x", "y", 0)).isFalse();
    }
}
