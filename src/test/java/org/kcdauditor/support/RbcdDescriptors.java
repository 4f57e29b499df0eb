package org.kcdauditor.support;

import org.kcdauditor.directory.Sids;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** msDS-AllowedToActOnBehalfOfOtherIdentity values for directories built in tests. */
public final class RbcdDescriptors {
    private static final byte ACCESS_ALLOWED_ACE = 0x00;
    private static final byte ACCESS_DENIED_ACE = 0x01;

    private RbcdDescriptors() {
    }

    /**
     * A minimal self-relative descriptor (owner BUILTIN\Administrators, one access-allowed ACE per
     * SID) as AD writes for RBCD: for the fixtures.
     */
    public static byte[] of(List<String> allowed) {
        return of(allowed, List.of());
    }

    /** The same, with an access-denied ACE per SID of {@code denied} first (canonical order): for fixtures. */
    public static byte[] of(List<String> allowed, List<String> denied) {
        byte[] owner = Sids.toBytes("S-1-5-32-544");
        List<byte[]> deny = denied.stream().map(Sids::toBytes).toList();
        List<byte[]> sids = allowed.stream().map(Sids::toBytes).toList();
        int aclSize = 8 + sids.stream().mapToInt(s -> 8 + s.length).sum() + deny.stream().mapToInt(s -> 8 + s.length).sum();
        ByteBuffer buf = ByteBuffer.allocate(20 + owner.length + aclSize).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 1).put((byte) 0).putShort((short) 0x8004); // SE_SELF_RELATIVE | SE_DACL_PRESENT
        buf.putInt(20).putInt(0).putInt(0).putInt(20 + owner.length);
        buf.put(owner);
        buf.put((byte) 4).put((byte) 0).putShort((short) aclSize).putShort((short) (deny.size() + sids.size()))
                .putShort((short) 0);
        for (byte[] sid : deny) {
            buf.put(ACCESS_DENIED_ACE).put((byte) 0).putShort((short) (8 + sid.length)).putInt(0xF01FF);
            buf.put(sid);
        }
        for (byte[] sid : sids) {
            buf.put(ACCESS_ALLOWED_ACE).put((byte) 0).putShort((short) (8 + sid.length)).putInt(0xF01FF);
            buf.put(sid);
        }
        return buf.array();
    }
}
