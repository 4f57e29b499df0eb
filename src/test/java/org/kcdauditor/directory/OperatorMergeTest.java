package org.kcdauditor.directory;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.Snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DirectoriesCollector#merge}: each policy.operators name as the directories answered it. */
class OperatorMergeTest {
    private static Snapshot part(String name, String baseDn, List<Operator> operators) {
        DirectoryPart p = new DirectoryPart(name, "ldap://" + name, baseDn, "dc1." + name, "DC1", null, false, null, 0,
                0, null, false, List.of());
        return new Snapshot(Instant.EPOCH, "ldap://" + name, baseDn, List.of(), "dc1." + name, "DC1", null, operators,
                List.of(p), Map.of());
    }

    private static Operator notFound(String name, String note) {
        return new Operator(name, Operator.Kind.NOT_FOUND, null, List.of(), Operator.Expansion.NONE, note);
    }

    /**
     * fabrikam was read, but looking the names up there failed (it gave no answers): a name contoso does not hold is
     * not said to exist nowhere, nor FABRIKAM\name to be "not the domain of this directory", as if fabrikam had been
     * asked.
     */
    @Test
    void aDirectoryWhoseLookupFailedIsNamedAsNotLookedUp() {
        Snapshot contoso = part("contoso", "DC=contoso,DC=test", List.of(notFound("nobody", null),
                notFound("FABRIKAM\\adm-fab", "FABRIKAM is not the domain of this directory")));
        Snapshot fabrikam = part("fabrikam", "DC=fabrikam,DC=test", List.of());
        List<Operator> merged = DirectoriesCollector.merge(List.of(contoso, fabrikam)).operators();
        assertEquals(2, merged.size(), merged.toString());
        for (Operator o : merged) {
            assertEquals(Operator.Kind.NOT_FOUND, o.kind(), o.toString());
            assertTrue(o.note() != null && o.note().contains("not looked up in fabrikam"), o.toString());
        }
    }
}
