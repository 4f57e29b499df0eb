package org.kcdauditor.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code policy:} — what a correct cluster looks like.
 *
 * @param services        service classes every node must delegate to on each peer
 * @param nameForms       {@code netbios} (the peer's cn) and/or {@code fqdn} (its dNSHostName)
 * @param protocolTransition any | kerberos-only | either
 * @param migrationGroups groups of cluster names whose nodes also migrate between each other
 * @param operators       sAMAccountNames or DNs of the users and groups who start migrations remotely
 *                        (Hyper-V Manager, Windows Admin Center, PowerShell); constrained delegation must be
 *                        able to carry their credentials
 * @param preflightAllDcs  {@code preflight} reads every domain controller of the clusters' domains unless
 *                         {@code --no-all-dcs} is given (default false: only with {@code --all-dcs})
 */
public record PolicyConfig(List<String> services, List<String> nameForms, ProtocolTransition protocolTransition,
                           List<List<String>> migrationGroups, List<String> operators, Boolean preflightAllDcs) {

    public static final List<String> DEFAULT_SERVICES = List.of("Microsoft Virtual System Migration Service", "cifs");
    public static final List<String> DEFAULT_NAME_FORMS = List.of("netbios", "fqdn");

    public PolicyConfig {
        services = services == null ? DEFAULT_SERVICES : List.copyOf(services);
        nameForms = nameForms == null ? DEFAULT_NAME_FORMS : List.copyOf(nameForms);
        protocolTransition = protocolTransition == null ? ProtocolTransition.EITHER : protocolTransition;
        migrationGroups = migrationGroups == null ? List.of()
                : migrationGroups.stream().map(List::copyOf).toList();
        // null entries survive here so that validation can name them (policy.operators[2]: empty name)
        operators = operators == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(operators));
    }

    /** Without the preflight default. */
    public PolicyConfig(List<String> services, List<String> nameForms, ProtocolTransition protocolTransition,
                        List<List<String>> migrationGroups, List<String> operators) {
        this(services, nameForms, protocolTransition, migrationGroups, operators, null);
    }

    /** Without operators. */
    public PolicyConfig(List<String> services, List<String> nameForms, ProtocolTransition protocolTransition,
                        List<List<String>> migrationGroups) {
        this(services, nameForms, protocolTransition, migrationGroups, null);
    }

    public static PolicyConfig defaults() {
        return new PolicyConfig(null, null, null, null, null, null);
    }

    /**
     * The service classes a pair may ask for: {@link #services}, and {@code cifs} (the file servers', and the peers'
     * of a node whose Get-VMHost export says it migrates over SMB, which the directory's reader does not know yet)
     * where they leave it out.
     */
    public List<String> pairServices() {
        if (services.stream().anyMatch("cifs"::equalsIgnoreCase)) {
            return services;
        }
        List<String> out = new ArrayList<>(services);
        out.add("cifs");
        return List.copyOf(out);
    }

    /** {@code policy.preflightAllDcs}: preflight checks every DC by default. */
    public boolean allDcsByDefault() {
        return Boolean.TRUE.equals(preflightAllDcs);
    }

    public boolean netbiosForm() {
        return nameForms.contains("netbios");
    }

    public boolean fqdnForm() {
        return nameForms.contains("fqdn");
    }
}
