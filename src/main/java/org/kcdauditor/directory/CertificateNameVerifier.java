package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.util.args.IPAddressArgumentValueValidator;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.SSLSocketVerifier;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.security.auth.x500.X500Principal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * The check that the server's certificate names the host of the URL, after the TLS handshake and before the bind:
 * UnboundID's {@link HostNameSSLSocketVerifier} (wildcards allowed), except for a numeric loopback address, which
 * that verifier accepts with any certificate. ldaps://127.0.0.1 through a local forwarder (stunnel, ssh -L) reaches a
 * DC elsewhere, so there the certificate must list that address as an IP subject alternative name, as for any other
 * address; a name (localhost, dc1.contoso.com) is checked by UnboundID as before.
 */
final class CertificateNameVerifier extends SSLSocketVerifier {
    private final HostNameSSLSocketVerifier byName = new HostNameSSLSocketVerifier(true);

    @Override
    public void verifySSLSocket(String host, int port, SSLSocket socket) throws LDAPException {
        InetAddress address = loopbackAddress(host);
        if (address == null) {
            byName.verifySSLSocket(host, port, socket);
            return;
        }
        X509Certificate cert = peerCertificate(host, port, socket);
        if (!listsAddress(cert, address)) {
            // UnboundID's words for a name the certificate lacks, so that the line (and its hint) is the same
            throw new LDAPException(ResultCode.CONNECT_ERROR, "Hostname verification failed because the expected"
                    + " hostname '" + host + "' was not found in peer certificate '" + describe(cert) + "'.");
        }
    }

    /** The address {@code host} writes when it is a numeric loopback address (127.0.0.1, ::1); null otherwise. */
    private static InetAddress loopbackAddress(String host) {
        if (!IPAddressArgumentValueValidator.isValidNumericIPAddress(host)) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(host); // a literal: no name service asked
            return a.isLoopbackAddress() ? a : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static X509Certificate peerCertificate(String host, int port, SSLSocket socket) throws LDAPException {
        Certificate[] chain;
        try {
            chain = socket.getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new LDAPException(ResultCode.CONNECT_ERROR, "Hostname verification failed: " + host + ":" + port
                    + " presented no certificate", e);
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
            throw new LDAPException(ResultCode.CONNECT_ERROR, "Hostname verification failed: " + host + ":" + port
                    + " presented no X.509 certificate");
        }
        return cert;
    }

    /** Whether one of the certificate's IP subject alternative names is {@code address} (RFC 6125: not the CN). */
    static boolean listsAddress(X509Certificate cert, InetAddress address) {
        for (List<?> san : altNames(cert)) {
            if (Integer.valueOf(7).equals(san.get(0)) && san.get(1) instanceof String ip
                    && IPAddressArgumentValueValidator.isValidNumericIPAddress(ip)) {
                try {
                    if (InetAddress.getByName(ip).equals(address)) {
                        return true;
                    }
                } catch (UnknownHostException e) {
                    // not an address after all: it names nothing
                }
            }
        }
        return false;
    }

    /** The subject and the DNS and IP alternative names, as UnboundID shows a certificate in this message. */
    private static String describe(X509Certificate cert) {
        StringBuilder s = new StringBuilder("subject='")
                .append(cert.getSubjectX500Principal().getName(X500Principal.RFC2253)).append('\'');
        for (List<?> san : altNames(cert)) {
            if (Integer.valueOf(2).equals(san.get(0))) {
                s.append(" dnsName='").append(san.get(1)).append('\'');
            } else if (Integer.valueOf(7).equals(san.get(0))) {
                s.append(" ipAddress='").append(san.get(1)).append('\'');
            }
        }
        return s.toString();
    }

    private static Collection<List<?>> altNames(X509Certificate cert) {
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
