package dev.brigade.feature;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RawEventRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"card-42", "a", "A.b_c:d@e-f", "0", "evt-2026-11-26T10:00:00Z", "-x", ".x", "_x", "x y",
            "x/y", "x%2e", "..", "é", "x\u0000", " x", "x\n"})
    void theHandWrittenIdCheckAgreesWithThePattern(String value) {
        // Given an id, When checked by hand and by the documented pattern, Then both agree
        assertThat(RawEventRules.isId(value)).isEqualTo(RawEventRules.ID.matcher(value).matches());
    }

    @Test
    void theHandWrittenIdCheckAgreesWithThePatternOnRandomStringsAndLengths() {
        // Given random strings over the allowed characters and some others, of lengths around the limit
        String alphabet = "aZ09._:@-/ %é\u0000";
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(4) == 0 ? 126 + random.nextInt(5) : random.nextInt(8);
            StringBuilder value = new StringBuilder();
            for (int c = 0; c < length; c++) {
                value.append(alphabet.charAt(random.nextInt(random.nextInt(10) == 0 ? alphabet.length() : 9)));
            }
            // When checked both ways, Then both agree
            assertThat(RawEventRules.isId(value.toString())).as(value.toString())
                    .isEqualTo(RawEventRules.ID.matcher(value).matches());
        }
    }
}
