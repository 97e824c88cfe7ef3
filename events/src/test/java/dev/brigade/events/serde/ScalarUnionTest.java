package dev.brigade.events.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import dev.brigade.events.RawEvent;

class ScalarUnionTest {

    /** The attributes' value schema of RawEvent: the union as the contract declares it. */
    private static final Schema UNION = RawEvent.getClassSchema().getField("attributes").schema().getValueType();

    @Test
    void writesEveryBranchAsAvrosGenericWriterDoes() throws IOException {
        // Given a value of every branch, edge values among them
        List<Object> values = Arrays.asList(null, true, false, 0L, Long.MIN_VALUE, 42L, 12.5, -0.0, Double.NaN,
                Double.MAX_VALUE, "", "région", "x".repeat(300));

        for (Object value : values) {
            // When the helper writes it, Then the bytes are the generic writer's for the declared union
            assertThat(ScalarUnion.writes(value)).as("%s", value).isTrue();
            assertThat(helper(value)).as("%s", value).isEqualTo(generic(value));
        }
    }

    @Test
    void anythingElseIsLeftToTheCodecOrRefusedNamingItsType() {
        // Given values outside the union's direct Java types
        for (Object value : List.of(3, 1.5f, new BigDecimal("1.5"), new org.apache.avro.util.Utf8("s"))) {
            // Then writes says no, and write refuses them by type
            assertThat(ScalarUnion.writes(value)).as("%s", value).isFalse();
            assertThatThrownBy(() -> helper(value)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(value.getClass().getName());
        }
    }

    @Test
    void theUnionIsTheOneTheContractDeclares() {
        assertThat(UNION.getTypes()).extracting(Schema::getType).containsExactly(Schema.Type.NULL,
                Schema.Type.BOOLEAN, Schema.Type.LONG, Schema.Type.DOUBLE, Schema.Type.STRING);
    }

    private static byte[] helper(Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        ScalarUnion.write(encoder, value);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] generic(Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<Object>(UNION).write(value, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
