package org.kcdauditor.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.model.HostState;
import org.kcdauditor.support.BenchShape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The size of a captured baseline in the benchmark generator's cluster shapes (scripts/bench/gen_ldif.py: one
 * 64-node cluster, the rest cycling 4, 8, 16, 16, 32, 8, 2, 16), against BaselineFile.MAX_CHARS, and the time
 * to write and read it. {@code mvn -o test -Dtest.excludedGroups=integration -Dtest=BaselineSizeBench}.
 */
@Tag("bench")
class BaselineSizeBench {
    @TempDir
    Path dir;

    static Map<String, HostState> hosts(int count) {
        Map<String, HostState> hosts = new LinkedHashMap<>();
        BenchShape.of(count).hosts().forEach(o -> hosts.put(o.name(), HostState.of(o)));
        return hosts;
    }

    /** The length of the whole baseline of {@code count} hosts, formatted 10,000 hosts at a time (heap). */
    static long formattedLength(int count) {
        Map<String, HostState> all = hosts(count);
        long empty = BaselineFile.format(new Baseline(Instant.EPOCH, "run", "bench", Map.of(), List.of())).length()
                - "hosts: {}\n".length() + "hosts:\n".length();
        long sum = empty;
        Map<String, HostState> chunk = new LinkedHashMap<>();
        for (Map.Entry<String, HostState> e : all.entrySet()) {
            chunk.put(e.getKey(), e.getValue());
            if (chunk.size() == 10_000) {
                sum += BaselineFile.format(new Baseline(Instant.EPOCH, "run", "bench", chunk, List.of())).length() - empty;
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            sum += BaselineFile.format(new Baseline(Instant.EPOCH, "run", "bench", chunk, List.of())).length() - empty;
        }
        return sum;
    }

    @Test
    void sizes() throws Exception {
        for (int n : new int[]{5_000, 20_000, 100_000}) {
            long chars = formattedLength(n);
            Baseline b = n == 20_000 ? new Baseline(Instant.EPOCH, "run", "bench", hosts(n), List.of()) : null;
            System.out.printf("baseline %d hosts: %.1f M characters (%.0f %% of MAX_CHARS)%n", n, chars / 1e6,
                    100.0 * chars / BaselineFile.MAX_CHARS);
            if (n == 20_000) {
                Path file = dir.resolve("baseline.yaml");
                long t = System.nanoTime();
                BaselineFile.write(file, b, false, Instant.EPOCH);
                long w = System.nanoTime() - t;
                b = null;
                System.gc();
                t = System.nanoTime();
                Baseline read = BaselineFile.read(file);
                System.out.printf("  20k: file %.1f MB, write %.1f s, read %.1f s, %d hosts%n",
                        Files.size(file) / 1e6, w / 1e9, (System.nanoTime() - t) / 1e9, read.hosts().size());
            }
        }
    }
}
