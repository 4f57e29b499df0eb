package org.kcdauditor.store;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.AttributeChange;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.zip.InflaterInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One packer packs a run's every attribute: each array must be the JSON text (and so the bytes and digest) a packer
 * of its own gives, whatever it packed before, or unchanged values would no longer be recognised as the previous
 * run's and be stored again.
 */
class PackedValuesTest {
    @Test
    void eachArrayIsItsOwnJsonWhateverThePackerPackedBefore() throws Exception {
        List<String> spns = List.of("cifs/HV02.contoso.com", "Microsoft Virtual System Migration Service/HV02");
        List<AttributeChange> changes = List.of(new AttributeChange("msDS-AllowedToDelegateTo",
                Instant.parse("2026-11-01T06:00:00Z"), "DC01", 3));
        PackedValues used = new PackedValues();
        PackedValues fresh = new PackedValues();
        try {
            used.pack(List.of("a \"quoted\" \u00e9 value"));
            used.pack(changes);
            byte[] packed = used.pack(spns);
            assertEquals("[\"cifs/HV02.contoso.com\",\"Microsoft Virtual System Migration Service/HV02\"]",
                    json(packed));
            assertArrayEquals(fresh.pack(spns), packed);
            assertEquals("[{\"attribute\":\"msDS-AllowedToDelegateTo\",\"time\":\"2026-11-01T06:00:00Z\",\"dc\":\"DC01\","
                    + "\"version\":3}]", json(used.pack(changes)));
            assertEquals(spns, PackedValues.strings(used.pack(spns)));
        } finally {
            used.close();
            fresh.close();
        }
    }

    private static String json(byte[] packed) throws Exception {
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(packed))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
