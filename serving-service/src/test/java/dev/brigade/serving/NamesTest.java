package dev.brigade.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The hand-written id checks answer exactly as the documented patterns do. */
class NamesTest {

    private static final String ALPHABET = "abcxyzABCXYZ019._:@-/ %é+\\\n\u0000";

    @Test
    void idAndUseCaseChecksAgreeWithTheirPatterns() {
        // Given edge cases and 20,000 random strings over letters, digits, the allowed signs and some that are not
        List<String> cases = new ArrayList<>(List.of("", "a", "A", "0", "-a", ".a", "a-", "a.b:c@d_e-f", "a/b",
                "..", "%2e%2e", "a".repeat(128), "a".repeat(129), "a".repeat(63), "a".repeat(64), "fraud-api",
                "Fraud", "card fraud", "é"));
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(i % 100 == 0 ? 140 : 6);
            StringBuilder text = new StringBuilder();
            for (int j = 0; j < length; j++) {
                text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            cases.add(text.toString());
        }

        // When checked both ways, Then the answers are the same
        for (String text : cases) {
            assertThat(Names.isId(text)).as("id %s", text)
                    .isEqualTo(Names.ID.matcher(text).matches());
            assertThat(Names.isUseCase(text)).as("use case %s", text)
                    .isEqualTo(Names.USE_CASE.matcher(text).matches());
        }
        assertThat(Names.isId(null)).isFalse();
        assertThat(Names.isUseCase(null)).isFalse();
    }
}
