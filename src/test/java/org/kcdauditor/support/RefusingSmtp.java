package org.kcdauditor.support;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.smtp.SmtpManager;
import com.icegreen.greenmail.smtp.SmtpState;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import java.util.Map;

/**
 * GreenMail whose SMTP server answers {@code RCPT TO} for some addresses as a real server does for a mailbox that does
 * not exist ({@code 550 5.1.1 … user unknown}) or is over quota for now ({@code 452 4.2.2 …}): the reply in
 * {@code replies} for that address (the test may change the map while the server runs); every other address is
 * accepted as GreenMail always does. The reply under {@link #END_OF_DATA} answers the end of the message instead of
 * {@code 250}, as a server does for a message over its size limit ({@code 552 5.3.4 Message size exceeds fixed limit}).
 */
public final class RefusingSmtp {
    /** The key of {@code replies} whose value answers the end of DATA (the whole message). */
    public static final String END_OF_DATA = ".";

    private RefusingSmtp() {
    }

    public static GreenMail on(ServerSetup setup, Map<String, String> replies) {
        return new GreenMail(setup) {
            @Override
            protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers mgr) {
                SmtpManager refusing = new SmtpManager(mgr.getImapHostManager(), mgr.getUserManager()) {
                    @Override
                    public String checkRecipient(SmtpState state, MailAddress rcpt) {
                        return replies.get(rcpt.getEmail());
                    }

                    @Override
                    public String checkData(SmtpState state) {
                        return replies.get(END_OF_DATA);
                    }
                };
                return super.createServices(config, new Managers() {
                    @Override
                    public SmtpManager getSmtpManager() {
                        return refusing;
                    }

                    @Override
                    public UserManager getUserManager() {
                        return mgr.getUserManager();
                    }

                    @Override
                    public ImapHostManager getImapHostManager() {
                        return mgr.getImapHostManager();
                    }
                });
            }
        };
    }
}
