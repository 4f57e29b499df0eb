package org.kcdauditor.directory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Binary SIDs (MS-DTYP 2.4.2.2) and the self-relative security descriptor that
 * {@code msDS-AllowedToActOnBehalfOfOtherIdentity} holds (MS-DTYP 2.4.6): enough to list the SIDs
 * that the DACL allows.
 */
public final class Sids {
    private static final int ACCESS_ALLOWED_ACE = 0x00;
    private static final int ACCESS_ALLOWED_OBJECT_ACE = 0x05;
    private static final int ACCESS_DENIED_ACE = 0x01;
    private static final int ACCESS_DENIED_OBJECT_ACE = 0x06;
    /** An ACE flag: the ACE only passes on to children, the access check of the object itself skips it. */
    private static final int INHERIT_ONLY_ACE = 0x08;
    private static final int ACE_OBJECT_TYPE_PRESENT = 0x1;
    private static final int ACE_INHERITED_OBJECT_TYPE_PRESENT = 0x2;

    private Sids() {
    }

    /** {@code S-1-5-21-…} form of a binary SID starting at {@code offset}. */
    public static String toString(byte[] b, int offset) {
        if (b == null || b.length < offset + 8) {
            throw new IllegalArgumentException("SID too short");
        }
        int revision = b[offset] & 0xFF;
        int count = b[offset + 1] & 0xFF;
        if (b.length < offset + 8 + 4 * count) {
            throw new IllegalArgumentException("SID truncated");
        }
        long authority = 0;
        for (int i = 2; i < 8; i++) {
            authority = (authority << 8) | (b[offset + i] & 0xFF);
        }
        StringBuilder sb = new StringBuilder("S-").append(revision).append('-').append(authority);
        ByteBuffer buf = ByteBuffer.wrap(b, offset + 8, 4 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            sb.append('-').append(Integer.toUnsignedLong(buf.getInt()));
        }
        return sb.toString();
    }

    public static String toString(byte[] b) {
        return toString(b, 0);
    }

    private static final java.util.regex.Pattern FORM = java.util.regex.Pattern.compile("S-1-[0-9]+(-[0-9]+)+");

    /** Whether {@code s} is a SID in the {@code S-1-5-21-…} form {@link #toString(byte[])} writes. */
    public static boolean isSid(String s) {
        return s != null && FORM.matcher(s).matches();
    }

    /** Inverse of {@link #toString(byte[])}, for fixtures and the demo directory. */
    public static byte[] toBytes(String sid) {
        String[] parts = sid.split("-");
        if (parts.length < 3 || !parts[0].equals("S")) {
            throw new IllegalArgumentException("not a SID: " + sid);
        }
        int count = parts.length - 3;
        ByteBuffer buf = ByteBuffer.allocate(8 + 4 * count).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) Integer.parseInt(parts[1])).put((byte) count);
        long authority = Long.parseLong(parts[2]);
        for (int i = 5; i >= 0; i--) {
            buf.put((byte) (authority >>> (8 * i)));
        }
        for (int i = 0; i < count; i++) {
            buf.putInt((int) Long.parseLong(parts[3 + i]));
        }
        return buf.array();
    }

    /** SIDs granted by access-allowed ACEs of the DACL of a self-relative security descriptor. */
    public static List<String> allowedSids(byte[] sd) {
        return sids(sd, ACCESS_ALLOWED_ACE, ACCESS_ALLOWED_OBJECT_ACE);
    }

    /**
     * SIDs refused by access-denied ACEs of the DACL of a self-relative security descriptor: the KDC's access check
     * of an RBCD descriptor (MS-SFU 3.2.5.2.3) fails for a host whose token holds one of them, whatever the DACL
     * allows (ACLs in canonical order put the denials first, as ADSI Edit and Set-ADComputer write them).
     */
    public static List<String> deniedSids(byte[] sd) {
        return sids(sd, ACCESS_DENIED_ACE, ACCESS_DENIED_OBJECT_ACE);
    }

    private static List<String> sids(byte[] sd, int plainType, int objectType) {
        if (sd == null || sd.length < 20) {
            throw new IllegalArgumentException("security descriptor too short");
        }
        ByteBuffer buf = ByteBuffer.wrap(sd).order(ByteOrder.LITTLE_ENDIAN);
        int daclOffset = buf.getInt(16);
        if (daclOffset == 0) {
            return List.of();
        }
        int aceCount = Short.toUnsignedInt(buf.getShort(daclOffset + 4));
        int pos = daclOffset + 8;
        Set<String> sids = new LinkedHashSet<>();
        for (int i = 0; i < aceCount; i++) {
            int type = sd[pos] & 0xFF;
            int flags = sd[pos + 1] & 0xFF;
            int size = Short.toUnsignedInt(buf.getShort(pos + 2));
            if (size < 8 || pos + size > sd.length) {
                throw new IllegalArgumentException("malformed ACE " + i);
            }
            if ((flags & INHERIT_ONLY_ACE) != 0) {
                pos += size;
                continue;
            }
            if (type == plainType) {
                sids.add(toString(sd, pos + 8));
            } else if (type == objectType) {
                int objectFlags = buf.getInt(pos + 8);
                int sidAt = pos + 12 + ((objectFlags & ACE_OBJECT_TYPE_PRESENT) != 0 ? 16 : 0)
                        + ((objectFlags & ACE_INHERITED_OBJECT_TYPE_PRESENT) != 0 ? 16 : 0);
                sids.add(toString(sd, sidAt));
            }
            pos += size;
        }
        return new ArrayList<>(sids);
    }
}
