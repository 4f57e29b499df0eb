package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.LDAPConnection;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.DirectoryConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.DcRead;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.Snapshot;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Reads every configured directory (one per domain) with its own connection and secrets, one after the other,
 * and merges them into one snapshot whose {@link Snapshot#directories()} say which objects came from where.
 * A directory that cannot be read fails the run, naming it, unless it is {@code optional}: its clusters are then
 * not audited. For a preflight with {@code --all-dcs}, every domain controller of the domains of the cluster (and
 * of the clusters it migrates with) is read too ({@link DomainControllers}), once every directory is: a domain's DCs
 * are also searched for other holders of the SPNs of the nodes of the other domains checked, which the pairs from its
 * nodes go to.
 */
public final class DirectoriesCollector {
    private final AuditConfig config;
    private final Secrets secrets;
    private final Clock clock;
    private final String preflightCluster;

    /**
     * @param preflightCluster the cluster whose DCs are all read ({@code preflight --all-dcs}); null for none
     */
    public DirectoriesCollector(AuditConfig config, Secrets secrets, Clock clock, String preflightCluster) {
        this.config = config;
        this.secrets = secrets;
        this.clock = clock;
        this.preflightCluster = preflightCluster;
    }

    public Snapshot collect(IntConsumer progress) throws DirectoryException {
        return collect(deadline -> { }, progress);
    }

    /**
     * @param reading told each directory's {@link Deadline} as its reading starts (a run that is stopped aborts
     *                the reading through it)
     */
    public Snapshot collect(Consumer<Deadline> reading, IntConsumer progress) throws DirectoryException {
        List<Snapshot> parts = new ArrayList<>();
        List<DcCheck> checks = new ArrayList<>();
        int[] offset = {0};
        for (Map.Entry<String, DirectoryConfig> e : config.directories().entrySet()) {
            String name = e.getKey();
            DirectoryConfig d = e.getValue();
            String key = config.directoryKey(name);
            LdapConnector connector = new LdapConnector(config, secrets, key, d);
            int base = offset[0];
            LDAPConnection[] reads = new LDAPConnection[1];
            Deadline deadline = Deadline.start(d);
            reading.accept(deadline);
            try (LDAPConnection connection = connector.connect(deadline)) {
                // the nodes' metadata reads go over a second, pipelined connection, opened only when needed and
                // bounded (and stopped) with the first
                Snapshot s = new DirectoryCollector(config, name, clock).collect(connection, deadline,
                        () -> reads[0] != null ? reads[0] : (reads[0] = connector.pipelined().connect(deadline)),
                        n -> progress.accept(base + n));
                List<ClusterConfig> scope = dcCheckScope(name);
                if (!scope.isEmpty()) {
                    checks.add(dcCheck(connection, deadline, connector, s, scope, clusters(name), parts.size()));
                }
                parts.add(s);
                offset[0] += s.objects().size();
            } catch (DirectoryException ex) {
                if (!d.isOptional()) {
                    throw config.multiDirectory() ? new DirectoryException(key + ": " + ex.getMessage(), ex) : ex;
                }
                parts.add(new Snapshot(clock.instant(), d.url(), d.baseDn(), List.of(), null, null, null, List.of(),
                        List.of(new DirectoryPart(name, d.url(), d.baseDn(), null, null, null, true, ex.getMessage(),
                                0, 0, null, false, List.of())), null));
            } finally {
                if (reads[0] != null) {
                    reads[0].close();
                }
            }
        }
        // the DCs are read once every directory is: each domain's are also searched for the nodes of the others
        for (DcCheck c : checks) {
            List<AdObject> across = new ArrayList<>();
            checks.stream().filter(other -> other != c).forEach(other -> across.addAll(other.objects()));
            parts.set(c.part(), withDcs(c.snapshot(), c.read(across)));
        }
        return merge(parts);
    }

    /** The clusters whose DCs a preflight reads in directory {@code name}: the cluster and those it migrates with. */
    private List<ClusterConfig> dcCheckScope(String name) {
        if (preflightCluster == null) {
            return List.of();
        }
        return config.migratingWith(preflightCluster).stream().filter(c -> name.equals(config.directoryOf(c))).toList();
    }

    /** Every cluster of directory {@code name}: those the audit checks there. */
    private List<ClusterConfig> clusters(String name) {
        return config.clusters().stream().filter(c -> name.equals(config.directoryOf(c))).toList();
    }

    /**
     * The DC check of one directory, its DCs found ({@code part}: its index among the directories read), to be read
     * once every directory is ({@link #read}).
     *
     * @param objects the nodes and file servers of the clusters checked there, as the audit takes them
     */
    private record DcCheck(int part, Snapshot snapshot, LdapConnector connector, List<DomainControllers.Target> targets,
                           List<AdObject> objects, List<AdObject> audited) {
        /**
         * Every DC's copy of the checked objects; {@code across}: the nodes of the other domains checked, which the
         * pairs from this domain's nodes go to (its KDC finds another holder of their SPNs in this domain first).
         */
        List<DcRead> read(List<AdObject> across) throws DirectoryException {
            // the DC the audit read is not read again: whether it is read-only is what its root DSE said
            return DomainControllers.read(connector, targets, objects, snapshot.dc(), connector.settings().url(),
                    snapshot.directories().get(0).dcReadOnly(), new DomainControllers.Groups(domainDn(snapshot),
                            snapshot.objects(), snapshot.rbcdPrincipals(), audited, across));
        }
    }

    private static DcCheck dcCheck(LDAPConnection connection, Deadline deadline, LdapConnector connector, Snapshot s,
                            List<ClusterConfig> scope, List<ClusterConfig> audited, int part)
            throws DirectoryException {
        DirectoryConfig d = connector.settings();
        // the nodes as the audit takes them: a managed service account under a cluster's OU is none, and is read as
        // any other object there (another holder of a node's SPN, say)
        List<AdObject> objects = new NodeSelector(scope).select(s.objects(), s.managedServiceAccounts());
        List<DomainControllers.Target> targets = d.domainControllers().isEmpty()
                ? DomainControllers.discover(connection, deadline, domainDn(s), d.url(), s.objects())
                : DomainControllers.listed(d.domainControllers());
        return new DcCheck(part, s, connector, targets, objects,
                new NodeSelector(audited).select(s.objects(), s.managedServiceAccounts()));
    }

    /** The domain the DC serves, else the base DN's domain components, else the base DN. */
    private static String domainDn(Snapshot s) {
        String base = s.baseDn();
        int dc = base.toUpperCase(Locale.ROOT).indexOf("DC=");
        return dc >= 0 ? base.substring(dc) : base;
    }

    private static Snapshot withDcs(Snapshot s, List<DcRead> dcs) {
        DirectoryPart p = s.directories().get(0);
        DirectoryPart checked = new DirectoryPart(p.name(), p.url(), p.baseDn(), p.dc(), p.dcServerName(),
                p.aesKeysSince(), p.optional(), p.failure(), p.firstObject(), p.objectCount(), p.changeTimes(), true, dcs,
                p.dcReadOnly(), p.writeDc());
        return new Snapshot(s.takenAt(), s.directoryUrl(), s.baseDn(), s.objects(), s.dc(), s.dcServerName(),
                s.aesKeysSince(), s.operators(), List.of(checked), s.changes(), s.rbcdPrincipals(),
                s.managedServiceAccounts());
    }

    /**
     * The {@code i}-th operator name as the directories answered it (a directory that could not be read answered
     * nothing): the user or group of the first directory that holds it, else something else of that name, else
     * not found, saying in which directories it was looked up (a {@code DOMAIN\name} of another domain is looked
     * up only in its own) and which could not be read or gave no answer (its lookup failed, DirectoryCollector).
     */
    private static Operator operator(List<Snapshot> parts, int i) {
        List<Operator> answers = new ArrayList<>();
        List<String> searched = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        List<String> unanswered = new ArrayList<>(); // read, but looking the names up there failed (DirectoryCollector)
        for (Snapshot s : parts) {
            if (!s.directories().get(0).audited()) {
                unread.add(s.directories().get(0).name());
            } else if (s.operators().size() <= i) {
                unanswered.add(s.directories().get(0).name());
            } else {
                Operator o = s.operators().get(i);
                answers.add(o);
                if (!o.found() && o.note() == null) {
                    DirectoryPart p = s.directories().get(0);
                    searched.add((o.dn() != null ? o.dn() : p.baseDn()) + " (" + p.name() + ")");
                }
            }
        }
        for (Operator o : answers) {
            if (o.kind() == Operator.Kind.USER || o.kind() == Operator.Kind.GROUP) {
                return o;
            }
        }
        for (Operator o : answers) {
            if (o.found()) {
                return o;
            }
        }
        Operator first = answers.get(0);
        String note = searched.isEmpty() ? first.note() : "no user or group of that name or DN exists under "
                + String.join(" or ", searched);
        if (!unread.isEmpty()) {
            note = note + " (not looked up in " + String.join(", ", unread) + ", which could not be read)";
        }
        if (!unanswered.isEmpty()) {
            note = note + " (not looked up in " + String.join(", ", unanswered) + ", where the lookup failed)";
        }
        return note.equals(first.note()) ? first : new Operator(first.name(), Operator.Kind.NOT_FOUND, null,
                List.of(), Operator.Expansion.NONE, note);
    }

    /**
     * One snapshot of all directories: their objects one after the other, each part with its range and its own
     * AES date; the top-level URL, base DN, DC and AES date those of the first directory (findings.json's
     * {@code directory}). Each {@code policy.operators} name is the account of the first directory that holds it
     * ({@link #operator}). An object's AES keys are judged by its own part's date.
     */
    static Snapshot merge(List<Snapshot> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<AdObject> objects = new ArrayList<>();
        List<DirectoryPart> directories = new ArrayList<>();
        Map<String, List<AttributeChange>> changes = new HashMap<>();
        Map<String, RbcdPrincipal> principals = new HashMap<>();
        int names = 0;
        for (Snapshot s : parts) {
            DirectoryPart p = s.directories().get(0);
            directories.add(p.at(objects.size()));
            objects.addAll(s.objects());
            changes.putAll(s.changes());
            principals.putAll(s.rbcdPrincipals());
            names = Math.max(names, s.operators().size());
        }
        List<Operator> operators = new ArrayList<>();
        for (int i = 0; i < names; i++) {
            operators.add(operator(parts, i));
        }
        Snapshot first = parts.get(0);
        java.util.Set<String> serviceAccounts = new java.util.HashSet<>();
        parts.forEach(p -> serviceAccounts.addAll(p.managedServiceAccounts()));
        return new Snapshot(first.takenAt(), first.directoryUrl(), first.baseDn(), objects, first.dc(),
                first.dcServerName(), first.aesKeysSince(), operators, directories, changes, principals,
                serviceAccounts);
    }
}
