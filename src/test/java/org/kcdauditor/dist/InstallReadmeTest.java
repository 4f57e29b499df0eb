package org.kcdauditor.dist;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * README's Install section names the release archive and every part of it the "ship it" issue made product (file
 * names and layout), spelt as they are shipped: an admin reads it before unpacking, and ArchiveIT checks the same
 * paths in the built archive.
 */
class InstallReadmeTest {
    private static final List<String> ARCHIVE = List.of("target/kcd-auditor-<version>.zip", "`.tar.gz`", "`.sha256`",
            "`lib/kcd-auditor.jar`", "`bin/kcd-audit`", "`bin/kcd-audit.cmd`", "`bin/kcd-audit.ps1`",
            "`bin/install-task.ps1`", "`templates/`", "`config/`", "`docs/`", "`README.md`", "`licenses/`",
            "`packaging/systemd/kcd-audit.service`", "`packaging/windows/kcd-audit-daemon.xml`", "`docs/install.md`",
            "`KCD_AUDIT_HOME`");

    @Test
    void theInstallSectionNamesEveryPartOfTheArchive() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Install\n");
        String install = readme.substring(start, readme.indexOf("\n## ", start + 1));
        assertEquals(List.of(), ARCHIVE.stream().filter(p -> !install.contains(p)).toList(),
                "README.md's Install section does not name these parts of the release archive");
    }

    /**
     * README is shipped in the archive, which holds of {@code scripts/} only what the assembly names
     * ({@code scripts/samba-ad.sh}): a paragraph or list item naming another script (the demo's generator, the bench,
     * the PostgreSQL script) says that it is in the source checkout, so an admin does not look for it in the archive.
     */
    @Test
    void scriptsTheArchiveDoesNotHoldAreMarkedAsTheCheckouts() throws Exception {
        String assembly = Files.readString(Path.of("src/assembly/dist.xml"));
        java.util.Set<String> shipped = new java.util.HashSet<>();
        java.util.regex.Matcher source = java.util.regex.Pattern.compile("<source>(scripts/[^<]+)</source>")
                .matcher(assembly);
        while (source.find()) {
            shipped.add(source.group(1));
        }
        assertEquals(java.util.Set.of("scripts/samba-ad.sh"), shipped, "the archive's scripts");
        String prose = Files.readString(Path.of("README.md")).replaceAll("(?s)\n```.*?\n```", "\n");
        List<String> unmarked = new java.util.ArrayList<>();
        for (String paragraph : prose.split("\n(\\s*\n|- )")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("scripts/[\\w./-]*\\w").matcher(paragraph);
            while (m.find()) {
                if (!shipped.contains(m.group()) && !paragraph.replaceAll("\\s+", " ").contains("source checkout")) {
                    unmarked.add(m.group() + " in: " + paragraph.strip());
                }
            }
        }
        assertEquals(List.of(), unmarked, "README names scripts the release archive does not hold without saying so");
    }
}
