package org.kcdauditor.support;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The processes a test starts ({@code @RegisterExtension}), killed after each test whatever its outcome, so that a
 * failed assertion leaves no JVM running on the machine.
 */
public final class ChildProcesses implements AfterEachCallback {
    private final List<Process> started = new ArrayList<>();

    /** Keeps {@code p} to be killed after the test; returns it. */
    public Process add(Process p) {
        started.add(p);
        return p;
    }

    /** The {@code i}-th process added. */
    public Process get(int i) {
        return started.get(i);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(Process::destroyForcibly);
        started.clear();
    }
}
