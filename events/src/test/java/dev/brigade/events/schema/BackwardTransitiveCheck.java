package dev.brigade.events.schema;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * BACKWARD_TRANSITIVE: a consumer on the candidate schema must read what was written with every earlier version,
 * not only the last one.
 */
final class BackwardTransitiveCheck {

    private BackwardTransitiveCheck() {
    }

    /** One line per incompatibility, naming the version, the location and the message; empty when compatible. */
    static List<String> problems(Schema candidate, List<Schema> history) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            SchemaCompatibility.SchemaPairCompatibility result =
                    SchemaCompatibility.checkReaderWriterCompatibility(candidate, history.get(i));
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
                    problems.add("cannot read v" + (i + 1) + " at " + incompatibility.getLocation() + ": "
                            + incompatibility.getType() + " " + incompatibility.getMessage());
                }
            }
        }
        return problems;
    }
}
