package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.LDAPConnection;
import org.junit.jupiter.api.Test;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.EncryptionTypes;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.OperatorAccount;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Spn;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo directory holds one case of each Kerberos fact beyond delegation, read as a run reads it: an RC4-only
 * non-Windows file server, a node whose password predates the domain's AES keys, a node delegating to a domain
 * controller, krbtgt in the sweep, and an operator group whose admin is in Protected Users through a nested group.
 */
class DemoDataTest {
    @Test
    void theDemoDirectoryHoldsEachCase() throws Exception {
        AuditConfig config = ConfigLoader.load(Path.of("config/demo/kcd-audit-demo.yaml"));
        Snapshot s;
        try (DemoDirectory demo = DemoDirectory.start(Path.of("config/demo/contoso.ldif"));
             LDAPConnection c = new LDAPConnection("127.0.0.1", Integer.parseInt(demo.url().replaceAll(".*:", "")),
                     DemoDirectory.BIND_DN, demo.password())) {
            s = new DirectoryCollector(config, Clock.systemUTC()).collect(c, n -> { });
        }
        Map<String, AdObject> o = s.objects().stream().collect(Collectors.toMap(AdObject::name, Function.identity()));
        assertEquals(DemoDirectory.DC, s.dc());

        AdObject nas = o.get("NAS01");
        assertEquals(EncryptionTypes.RC4_HMAC, nas.supportedEncryptionTypes());
        assertFalse(EncryptionTypes.hasAes(nas.supportedEncryptionTypes()));
        assertTrue(nas.operatingSystem().startsWith("NetApp"));
        assertEquals(List.of("NAS01", "NAS02"), config.clusters().get(0).fileServers());
        AdObject samba = o.get("NAS02");
        assertNull(samba.supportedEncryptionTypes(), "Samba writes no encryption types");
        assertFalse(samba.operatingSystem().contains("Windows"));

        assertTrue(o.get("HV13").pwdLastSet().isBefore(s.aesKeysSince()));
        assertEquals(1, s.objects().stream().filter(x -> x.pwdLastSet() != null && x.isComputer()
                && x.pwdLastSet().isBefore(s.aesKeysSince())).count(), "only HV13");

        assertTrue(o.get("DC1").isDomainController());
        assertEquals("dc1.contoso.com", Spn.parse("cifs/dc1.contoso.com").hostName());
        assertEquals("dc1.contoso.com", o.get("DC1").dnsHostName());
        assertTrue(o.get("HV11").delegateTo().contains("cifs/dc1.contoso.com"));
        assertTrue(s.objects().stream().anyMatch(AdObject::isKrbtgt));

        assertEquals(1, s.operators().size());
        Operator ops = s.operators().get(0);
        assertEquals(Operator.Kind.GROUP, ops.kind());
        assertEquals(Operator.Expansion.MEMBER_ATTRIBUTE, ops.expansion());
        Map<String, OperatorAccount> a = ops.accounts().stream()
                .collect(Collectors.toMap(OperatorAccount::samAccountName, Function.identity()));
        assertEquals(Boolean.TRUE, a.get("adm-jdoe").protectedUsers(), "Protected Users through Tier0 Admins");
        assertFalse(a.get("adm-jdoe").delegable());
        assertTrue(a.get("ops-hyperv").delegable());
    }
}
