package org.kcdauditor.inventory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AES-related updates of the catalogue, with their dated phases, in the shipped and the demo catalogue. */
class HardeningCatalogueTest {
    @TempDir
    Path tmp;

    private static HardeningUpdate update(HardeningCatalogue c, String kb) {
        return c.updates().stream().filter(u -> u.kb().equals(kb)).findFirst().orElseThrow();
    }

    @Test
    void bothCataloguesCarryTheAesUpdatesWithTheirPhases() {
        for (String file : List.of("config/hardening-kbs.yaml", "config/demo/hardening-kbs.yaml")) {
            HardeningCatalogue c = HardeningCatalogueFile.read(Path.of(file));
            HardeningUpdate sessionKeys = update(c, "KB5021131");
            assertEquals("CVE-2022-37966", sessionKeys.cve());
            assertEquals(LocalDate.of(2022, 11, 8), sessionKeys.released());
            HardeningUpdate rc4 = update(c, "KB5073381");
            assertEquals("CVE-2026-20833", rc4.cve());
            assertEquals(List.of(LocalDate.of(2026, 1, 13), LocalDate.of(2026, 4, 14), LocalDate.of(2026, 7, 14)),
                    rc4.phases().stream().map(HardeningUpdate.Phase::from).toList(), file);
            assertTrue(rc4.phases().get(0).change().contains("201-209"));
            assertTrue(rc4.phases().get(2).change().contains("no rollback"));
            assertEquals(List.of(), rc4.carriedBy(), "a KDC change: the nodes' updates do not carry it");
        }
    }

    @Test
    void aPhaseWithoutDateIsRefused() throws Exception {
        Path f = tmp.resolve("kbs.yaml");
        Files.writeString(f, "updates:\n  - kb: KB5073381\n    phases:\n      - change: audit\n");
        String msg = assertThrows(ConfigException.class, () -> HardeningCatalogueFile.read(f)).getMessage();
        assertTrue(msg.endsWith("updates[0].phases[0]: give from (a date, 2026-04-14) and change (what domain"
                + " controllers do from then on)"), msg);
    }

    @Test
    void aTabIsPlacedAtItsLineAndColumnWithoutAKeyPath() throws Exception {
        Path f = tmp.resolve("kbs.yaml");
        Files.writeString(f, "updates:\n  - kb: KB5073381\n    carriedBy: [KB5073379, KB5073380]\n\tcve: x\n");
        String msg = assertThrows(ConfigException.class, () -> HardeningCatalogueFile.read(f)).getMessage();
        assertTrue(msg.startsWith(f + ":4:1: not valid YAML: while scanning for the next token; found character"
                + " '\\t(TAB)'"), msg);
    }

    /** A number is no date: {@code released: 20221108} was read as a day 20 million days after 1970. */
    @Test
    void aNumberWhereADateBelongsIsRefusedAtItsPosition() throws Exception {
        Path f = tmp.resolve("kbs.yaml");
        Files.writeString(f, "updates:\n  - kb: KB5020805\n    released: 20221108\n");
        assertEquals(f + ":3:15: updates[0].released: invalid value '20221108' (expected a date such as 2026-12-31)",
                assertThrows(ConfigException.class, () -> HardeningCatalogueFile.read(f)).getMessage());
    }

    /**
     * An id the catalogue accepts is one a HotFixID matches: "KB 5019966" and a bare 5019966 are read as Get-HotFix
     * gives them (KB5019966). Accepted but kept as written, "KB 5019966" never matched and the hardening went unseen.
     */
    @Test
    void carriedByIdsWrittenWithASpaceOrWithoutKbMatchTheHotFixId() throws Exception {
        Path f = tmp.resolve("kbs.yaml");
        Files.writeString(f, "updates:\n  - kb: KB 5020805\n    carriedBy: [\"KB 5019966\", 5019081, kb5021249]\n");
        HardeningCatalogue c = HardeningCatalogueFile.read(f);
        for (String hotFix : List.of("KB5020805", "KB5019966", "KB5019081", "KB5021249")) {
            assertEquals(1, c.carriedBy(PatchImporter.kb(hotFix)).size(), hotFix);
        }
    }
}
