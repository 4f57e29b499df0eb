package org.kcdauditor.schedule;

import org.kcdauditor.config.DaemonConfig;
import org.quartz.SchedulerException;
import org.quartz.spi.InstanceIdGenerator;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The AUTO instance id of a daemon: host name, process id and start time. Quartz's own AUTO id is
 * host name + start time only, so two daemons started on one host in the same millisecond (a
 * service and a console test, or two services after a reboot) got the same id and checked in to
 * the cluster as one instance.
 */
public final class ProcessInstanceIdGenerator implements InstanceIdGenerator {
    /** The host name is cut to leave room for the process id (up to 10 digits) and the start time (13). */
    private static final int MAX_HOST = DaemonConfig.MAX_INSTANCE_ID - 1 - 10 - 1 - 13;

    @Override
    public String generateInstanceId() throws SchedulerException {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new SchedulerException("cannot read this computer's host name for the daemon's instance id"
                    + " (set daemon.instanceId): " + e.getMessage());
        }
        if (host.length() > MAX_HOST) {
            host = host.substring(0, MAX_HOST);
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis();
    }
}
