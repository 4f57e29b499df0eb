package org.kcdauditor.notify;

import jakarta.activation.DataHandler;
import jakarta.activation.FileDataSource;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.Secrets;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * SMTP through Jakarta Mail (Angus Mail). STARTTLS is required when {@code security: starttls}
 * (never a silent fall-back to plain text), SMTPS connects with TLS; both check the server's
 * certificate and host name, against the JDK's trust store or {@code mail.trustStore}. The password
 * is read when a message is sent and is never part of a message or a log line.
 */
public final class Mailer {
    private final MailConfig mail;
    private final AuditConfig config;
    private final Secrets secrets;
    private final Clock clock;

    public Mailer(AuditConfig config, Secrets secrets, Clock clock) {
        this.config = config;
        this.mail = config.mail();
        this.secrets = secrets;
        this.clock = clock;
    }

    /** The complete MIME message of a notice, with its stable Message-ID, as stored in the outbox. */
    public byte[] toMime(Notice n) throws MessagingException, IOException {
        MimeMessage m = new StableIdMessage(Session.getInstance(new Properties()), n.messageId());
        m.setFrom(new InternetAddress(mail.from()));
        m.setRecipients(MimeMessage.RecipientType.TO, addresses(n.recipients()));
        m.setSubject(n.subject(), "UTF-8");
        m.setSentDate(Date.from(clock.instant()));
        m.setHeader("Auto-Submitted", "auto-generated");
        if (n.runId() != null) {
            m.setHeader("X-Kcd-Audit-Run", n.runId());
        }

        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(n.text(), "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(n.html(), "UTF-8", "html");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        if (n.pdf() == null) {
            m.setContent(alternative);
        } else {
            MimeMultipart mixed = new MimeMultipart("mixed");
            MimeBodyPart body = new MimeBodyPart();
            body.setContent(alternative);
            mixed.addBodyPart(body);
            MimeBodyPart pdf = new MimeBodyPart();
            pdf.setDataHandler(new DataHandler(new FileDataSource(n.pdf().toFile())));
            pdf.setFileName(n.pdf().getFileName().toString());
            pdf.setHeader("Content-Type", "application/pdf; name=\"" + n.pdf().getFileName() + "\"");
            pdf.setDisposition(MimeBodyPart.ATTACHMENT);
            mixed.addBodyPart(pdf);
            m.setContent(mixed);
        }
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    /** How long one attempt of {@link #send} may take at most ({@code mail.timeoutSeconds}). */
    java.time.Duration attemptBound() {
        return java.time.Duration.ofSeconds(mail.timeoutSecondsOrDefault());
    }

    /**
     * Sends a stored message to {@code recipients}. Returns only when the server accepted it; any
     * refusal or connection problem is a {@link MessagingException}, and so is an attempt (connect, TLS and the
     * whole dialogue) that has not ended within {@code mail.timeoutSeconds}.
     */
    public void send(byte[] mime, List<String> recipients) throws MessagingException {
        try (SmtpDeadline deadline = new SmtpDeadline(mail.timeoutSecondsOrDefault())) {
            Session session = session(deadline);
            MimeMessage m = new StableIdMessage(session, new ByteArrayInputStream(mime));
            Transport t = session.getTransport(protocol());
            try {
                if (mail.username() != null && !mail.username().isBlank()) {
                    char[] pw = password();
                    t.connect(mail.host(), mail.portOrDefault(), mail.username(), pw == null ? null : new String(pw));
                } else {
                    t.connect(mail.host(), mail.portOrDefault(), null, null);
                }
                t.sendMessage(m, addresses(recipients));
            } catch (MessagingException e) {
                throw deadline.ranOutOfTime(e) ? deadline.noAnswer(e) : e;
            } finally {
                quit(t);
            }
        }
    }

    /**
     * {@code text} (a failed attempt's reason, from the server's replies) without the mail password in any form the
     * login sent it: as it is, Base64-encoded (AUTH LOGIN's line) and inside AUTH PLAIN's argument. A server that
     * repeats what it refuses (sendmail's {@code 500 5.5.1 Command unrecognized: "…"}, some relays after a refused
     * login) would otherwise bring it into the outbox, its listing and the daemon's log.
     */
    String withoutPassword(String text) {
        if (text == null || mail.username() == null || mail.username().isBlank()) {
            return text;
        }
        char[] pw;
        try {
            pw = password();
        } catch (RuntimeException e) {
            return text; // no password to send, so none was sent
        }
        if (pw == null || pw.length == 0) {
            return text;
        }
        String password = new String(pw);
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        String user = mail.username();
        String out = text;
        for (String sent : List.of("\0" + user + "\0" + password, user + "\0" + user + "\0" + password, password)) {
            out = out.replace(b64.encodeToString(sent.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "***");
        }
        return out.replace(password, "***");
    }

    private char[] password() {
        return secrets.resolve("mail.passwordEnv", mail.passwordEnv(),
                config, mail.passwordFile(), "mail.passwordFile");
    }

    /**
     * Says QUIT and closes. The outcome is decided before it: the server accepted the message, or the attempt failed
     * for the reason thrown. A QUIT the server does not answer (in time) changes neither: a message it accepted is
     * not counted as failed, which would send it again.
     */
    private static void quit(Transport t) {
        try {
            t.close();
        } catch (MessagingException e) {
            // see above: nothing to decide any more
        }
    }

    private String protocol() {
        return mail.securityMode() == MailConfig.Security.SMTPS ? "smtps" : "smtp";
    }

    /**
     * The session of one attempt: Jakarta Mail's timeouts per read, write and connect, and its sockets made through
     * {@code deadline}'s factories: plain sockets as Jakarta Mail makes them, and TLS wrapped around the JDK's (or
     * {@code mail.trustStore}'s) so every certificate and host-name check stays as it is. No fall-back to sockets
     * made without them.
     */
    Session session(SmtpDeadline deadline) {
        Properties p = new Properties();
        String pre = "mail." + protocol() + ".";
        long timeout = mail.timeoutSecondsOrDefault() * 1000L;
        p.put(pre + "host", mail.host());
        p.put(pre + "port", String.valueOf(mail.portOrDefault()));
        p.put(pre + "connectiontimeout", String.valueOf(timeout));
        p.put(pre + "timeout", String.valueOf(timeout));
        p.put(pre + "writetimeout", String.valueOf(timeout));
        p.put(pre + "auth", String.valueOf(mail.username() != null && !mail.username().isBlank()));
        // a recipient the server refuses (no such mailbox) does not keep the message from the others (see Outbox)
        p.put(pre + "sendpartial", "true");
        switch (mail.securityMode()) {
            case STARTTLS -> {
                p.put(pre + "starttls.enable", "true");
                p.put(pre + "starttls.required", "true");
                p.put(pre + "ssl.checkserveridentity", "true");
                p.put(pre + "ssl.protocols", "TLSv1.3 TLSv1.2");
            }
            case SMTPS -> {
                p.put(pre + "ssl.enable", "true");
                p.put(pre + "ssl.checkserveridentity", "true");
                p.put(pre + "ssl.protocols", "TLSv1.3 TLSv1.2");
            }
            case NONE -> p.put(pre + "starttls.enable", "false");
        }
        // SMTPS makes its TCP socket itself and layers TLS over it with the ssl factory: that one is wrapped
        if (mail.securityMode() != MailConfig.Security.SMTPS) {
            p.put(pre + "socketFactory", deadline.plain());
        }
        if (mail.securityMode() != MailConfig.Security.NONE) {
            p.put(pre + "ssl.socketFactory", deadline.tls(mail.trustStore() != null
                    ? trustStoreContext().getSocketFactory() : (SSLSocketFactory) SSLSocketFactory.getDefault()));
        }
        p.put(pre + "socketFactory.fallback", "false");
        return Session.getInstance(p);
    }

    private SSLContext trustStoreContext() {
        Path file = config.resolve(mail.trustStore());
        ConfigException.refuseSpecialFile("mail.trustStore", file, "give the key store file (PKCS#12 or JKS)");
        if (org.kcdauditor.io.CaCertificateFiles.named(file)) {
            return caFileContext(file);
        }
        char[] pw = secrets.resolve("mail.trustStorePasswordEnv", mail.trustStorePasswordEnv(), null, null);
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(file.toString().toLowerCase().endsWith(".jks") ? "JKS" : "PKCS12");
            ks.load(in, pw);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            javax.net.ssl.TrustManager[] managers = tmf.getTrustManagers();
            for (int i = 0; i < managers.length; i++) {
                if (managers[i] instanceof javax.net.ssl.X509TrustManager x) {
                    managers[i] = org.kcdauditor.io.CaCertificateFiles.checkingDates(x);
                }
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, managers, null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("mail.trustStore: cannot read " + file + " (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    /** The context trusting the CAs of a certificate file ({@code .cer}, {@code .crt}, {@code .pem}, {@code .der}). */
    private static SSLContext caFileContext(Path file) {
        try {
            List<java.security.cert.X509Certificate> cas = org.kcdauditor.io.CaCertificateFiles.read(file);
            if (cas.isEmpty()) {
                throw new ConfigException("mail.trustStore: " + file + " holds no X.509 certificate (DER or Base64/PEM)"
                        + " — export the CA that signed the SMTP server's certificate again");
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[]{org.kcdauditor.io.CaCertificateFiles.trustManager(cas)},
                    null);
            return ctx;
        } catch (IOException e) {
            throw new ConfigException("mail.trustStore: cannot read " + file + ": "
                    + org.kcdauditor.io.IoErrors.reason(e));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context", e);
        }
    }

    private static Address[] addresses(List<String> list) throws MessagingException {
        Address[] out = new Address[list.size()];
        for (int i = 0; i < list.size(); i++) {
            out[i] = new InternetAddress(list.get(i), true);
        }
        return out;
    }

    /** Keeps the Message-ID it was given (or parsed with) instead of generating a new one on save. */
    static final class StableIdMessage extends MimeMessage {
        private final String messageId;

        StableIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        StableIdMessage(Session session, InputStream in) throws MessagingException {
            super(session, in);
            this.messageId = getHeader("Message-ID", null);
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (messageId != null) {
                setHeader("Message-ID", messageId);
            } else {
                super.updateMessageID();
            }
        }
    }
}
