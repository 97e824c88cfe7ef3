package dev.brigade.events.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.brigade.events.RawEvent;

/**
 * The build-time guard of the contract: change a schema in src/main/avro and this test tells you whether old
 * records stay readable, and that the change must be recorded as a new history version.
 */
class SchemaHistoryTest {

    static List<EventType<?>> eventTypes() {
        return EventCatalog.all();
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void currentSchemaReadsEveryVersionEverPublished(EventType<?> type) {
        // Given the committed history of the type
        assertThat(type.history()).as("history of %s", type.name()).isNotEmpty();

        // When the current schema is checked against all of it, Then nothing is incompatible
        assertThat(BackwardTransitiveCheck.problems(type.current(), type.history()))
                .as("BACKWARD_TRANSITIVE problems of %s", type.name())
                .isEmpty();
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void currentSchemaIsRecordedAsTheNewestHistoryVersion(EventType<?> type) throws IOException {
        Schema newest = type.history().get(type.history().size() - 1);
        String currentForm = SchemaNormalization.toParsingForm(type.current());
        if (!currentForm.equals(SchemaNormalization.toParsingForm(newest))) {
            // Leave the file to commit where a developer finds it.
            Path proposed = Path.of("target/schema-history-proposed", type.name(),
                    "v" + (type.history().size() + 1) + ".avsc");
            Files.createDirectories(proposed.getParent());
            Files.writeString(proposed, type.current().toString(true) + "\n");
            assertThat(currentForm)
                    .as("%s changed without a history entry: copy %s to events/src/main/resources/%s%s/", type.name(),
                            proposed, EventCatalog.HISTORY_ROOT, type.name())
                    .isEqualTo(SchemaNormalization.toParsingForm(newest));
        }
    }

    @Test
    void aBreakingChangeIsRejectedNamingTheField() throws IOException {
        // Given a RawEvent that adds a required field without a default, and one that retypes eventTime
        Schema requiredField = fixture("compat/breaking/RawEvent-required-field.avsc");
        Schema retyped = fixture("compat/breaking/RawEvent-retyped-field.avsc");
        List<Schema> history = EventCatalog.of(RawEvent.class).history();

        // When they are checked against the committed history
        List<String> requiredProblems = BackwardTransitiveCheck.problems(requiredField, history);
        List<String> retypedProblems = BackwardTransitiveCheck.problems(retyped, history);

        // Then both are rejected, each naming what breaks
        assertThat(requiredProblems).singleElement().asString()
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("merchantId");
        assertThat(retypedProblems).singleElement().asString()
                .contains("TYPE_MISMATCH").contains("/fields/3/type");
    }

    @Test
    void anAdditiveChangeWithADefaultIsAccepted() throws IOException {
        // Given a RawEvent that adds an optional field with a default
        Schema additive = fixture("compat/RawEvent-optional-field.avsc");

        // Then it can read everything written before
        assertThat(BackwardTransitiveCheck.problems(additive, EventCatalog.of(RawEvent.class).history())).isEmpty();
    }

    private static Schema fixture(String path) throws IOException {
        try (InputStream in = SchemaHistoryTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new SchemaParser().parse(in).mainSchema();
        }
    }
}
