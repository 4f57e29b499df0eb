package org.kcdauditor.schedule;

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
    /** Quartz's QRTZ_ tables hold 200 characters of instance name; the pid and time need 35. */
    private static final int MAX_HOST = 150;

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
