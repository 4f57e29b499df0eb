package org.kcdauditor.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.List;

/**
 * The last originating write of one attribute of one object, as Active Directory's replication metadata records
 * it ({@code msDS-ReplAttributeMetaData}, or the {@code replPropertyMetaData} it is built from): when, at which
 * domain controller, and the attribute's version (how many originating writes it has had).
 *
 * @param dc the DC the write was made on (its name, from the originating DSA's DN or invocation id), or its
 *           invocation id when the DC is not known any more
 */
@JsonPropertyOrder({"attribute", "time", "dc", "version"})
@JsonIgnoreProperties(ignoreUnknown = true)
public record AttributeChange(String attribute, Instant time, String dc, long version) {
    /** The attributes whose changes are kept: the ones delegation depends on. */
    public static final List<String> DELEGATION_ATTRIBUTES = List.of("msDS-AllowedToDelegateTo", "userAccountControl",
            "servicePrincipalName", "msDS-AllowedToActOnBehalfOfOtherIdentity", "msDS-SupportedEncryptionTypes");

    /** {@code changed 2026-11-30 14:02:11 UTC at DC2 (version 7)}. */
    public String describe() {
        return "changed " + (time == null ? "at an unknown time" : UtcTime.of(time)) + (dc == null || dc.isBlank()
                ? "" : " at " + dc) + " (version " + version + ")";
    }

    /** {@code msDS-AllowedToDelegateTo changed 2026-11-30 14:02:11 UTC at DC2 (version 7)}. */
    public String describeWithAttribute() {
        return attribute + " " + describe();
    }

    /** The change of {@code attribute} among {@code changes} (case-insensitive), or null. */
    public static AttributeChange of(List<AttributeChange> changes, String attribute) {
        if (changes == null) {
            return null;
        }
        for (AttributeChange c : changes) {
            if (c.attribute() != null && c.attribute().equalsIgnoreCase(attribute)) {
                return c;
            }
        }
        return null;
    }
}
