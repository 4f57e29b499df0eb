package org.kcdauditor.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.InflaterInputStream;

/**
 * A host attribute's values as the store keeps them ({@code run_host_attr.vals_deflated}): the JSON array
 * ({@code ["cifs/HV2", ...]}; replication metadata as objects with ISO-8601 times), UTF-8, zlib-deflated.
 *
 * <p>At 20,000 hosts a snapshot is about 90 MB of JSON, mostly delegation lists that repeat the same
 * service and domain names; deflated it is a tenth of that. Before, the store wrote it as text into pages H2
 * then compressed itself, a character at a time: that was 40 % of a 20k run's CPU (docs/performance.md).
 * One instance per thread: it reuses its buffer, JSON generator and deflater.
 */
public final class PackedValues {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    /** The JSON of the array being packed, then its deflated form: both reused from call to call. */
    private final Buffer json = new Buffer();
    private final Buffer packed = new Buffer();
    private final byte[] chunk = new byte[8192];
    /**
     * Writes each array into {@link #json}, one generator for all of them (a new one per array was most of what
     * packing allocated); no separator between its top-level values, so each array's JSON is what a generator of
     * its own writes.
     */
    private final JsonGenerator generator;

    public PackedValues() {
        try {
            generator = JSON.createGenerator(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode host values", e);
        }
        generator.setRootValueSeparator(null);
    }

    /** A byte buffer whose bytes can be handed to the deflater without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(16 * 1024);
        }

        byte[] bytes() {
            return buf;
        }
    }

    /** The deflated JSON array of {@code values}; equal lists give equal bytes. */
    public byte[] pack(List<?> values) {
        json.reset();
        try {
            JSON.writeValue(generator, values);
            generator.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode host values", e);
        }
        return deflate(json.bytes(), json.size());
    }

    /** {@link #pack} of a JSON array already in text form (stores written before values were deflated). */
    public byte[] pack(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return deflate(utf8, utf8.length);
    }

    private byte[] deflate(byte[] input, int length) {
        deflater.reset();
        deflater.setInput(input, 0, length);
        deflater.finish();
        packed.reset();
        while (!deflater.finished()) {
            packed.write(chunk, 0, deflater.deflate(chunk));
        }
        return packed.toByteArray();
    }

    /** The string values of a packed array (the delegation list, SPNs, RBCD SIDs). */
    public static List<String> strings(byte[] packed) throws IOException {
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(packed))) {
            return JSON.readValue(in, STRINGS);
        }
    }

    /** Releases the deflater's native memory. */
    public void close() {
        deflater.end();
    }
}
