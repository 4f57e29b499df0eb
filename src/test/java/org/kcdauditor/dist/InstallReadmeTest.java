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
}
