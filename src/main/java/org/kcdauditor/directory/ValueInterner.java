package org.kcdauditor.directory;

import com.unboundid.asn1.ASN1OctetString;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * One String per distinct attribute value, looked up by the value's bytes as the server sent them, so a value
 * seen before is neither decoded nor allocated again. A peer's SPN stands in every other node's delegation list:
 * at 20,000 hosts 1.46 million values, about 95 % of them repeats (docs/performance.md).
 *
 * <p>Open addressing with a hash seeded per instance, and a bounded probe: a value whose probe would be longer
 * ({@value #MAX_PROBE} slots; only crafted colliding values get there) is decoded on its own instead, so no
 * directory content can make the lookup quadratic. Not thread-safe; one per collection.
 */
final class ValueInterner {
    static final int MAX_PROBE = 128;

    private final ToIntFunction<byte[]> hash;
    private byte[][] keys = new byte[1 << 12][];
    private String[] strings = new String[keys.length];
    private int[] hashes = new int[keys.length];
    private int size;

    ValueInterner() {
        int seed = (int) System.nanoTime() | 1;
        hash = b -> {
            int h = seed;
            for (byte x : b) {
                h = h * 0x01000193 ^ x;
            }
            // murmur3's finalizer: the table takes the low bits, so every input bit must reach them (linear probing
            // at half load keeps probes short only for a well-spread hash)
            h ^= h >>> 16;
            h *= 0x85EBCA6B;
            h ^= h >>> 13;
            h *= 0xC2B2AE35;
            return h ^ h >>> 16;
        };
    }

    /** With {@code hash} instead of the seeded one (tests: values that all collide). */
    ValueInterner(ToIntFunction<byte[]> hash) {
        this.hash = hash;
    }

    /** The value as a String: the instance returned for equal bytes before, or a new one. */
    String intern(ASN1OctetString value) {
        byte[] b = value.getValue(); // the stream's own array when the value fills it (no copy)
        int h = hash.applyAsInt(b);
        int mask = keys.length - 1;
        for (int i = h & mask, probe = 0; probe < MAX_PROBE; i = (i + 1) & mask, probe++) {
            byte[] k = keys[i];
            if (k == null) {
                String s = new String(b, StandardCharsets.UTF_8);
                keys[i] = b;
                strings[i] = s;
                hashes[i] = h;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return s;
            }
            if (hashes[i] == h && Arrays.equals(k, b)) {
                return strings[i];
            }
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    int size() {
        return size;
    }

    private void grow() {
        byte[][] oldKeys = keys;
        String[] oldStrings = strings;
        int[] oldHashes = hashes;
        keys = new byte[oldKeys.length * 2][];
        strings = new String[keys.length];
        hashes = new int[keys.length];
        int mask = keys.length - 1;
        size = 0;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] == null) {
                continue;
            }
            for (int i = oldHashes[j] & mask, probe = 0; probe < MAX_PROBE; i = (i + 1) & mask, probe++) {
                if (keys[i] == null) {
                    keys[i] = oldKeys[j];
                    strings[i] = oldStrings[j];
                    hashes[i] = oldHashes[j];
                    size++;
                    break;
                }
            }
        }
    }
}
