package org.kcdauditor.model;

import java.util.List;

/**
 * The delegation-relevant state of one host, as a baseline documents it or a stored run recorded it:
 * its userAccountControl flag names and its msDS-AllowedToDelegateTo values.
 */
public record HostState(String name, List<String> userAccountControl, List<String> delegateTo) {
    public HostState {
        userAccountControl = userAccountControl == null ? List.of() : List.copyOf(userAccountControl);
        delegateTo = delegateTo == null ? List.of() : List.copyOf(delegateTo);
    }

    public static HostState of(AdObject o) {
        return new HostState(o.name(), Uac.flagNames(o.userAccountControl()), o.delegateTo());
    }
}
