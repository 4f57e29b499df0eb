-- What the SMTP server refused for good at a notice's last attempt: RECIPIENTS (every recipient left, 5xx at RCPT TO)
-- or MESSAGE (the message itself, 5xx at the end of DATA); null when the next attempt may succeed. kcd-audit outbox
-- then says the notice cannot be delivered as it stands and names outbox --discard. Portable SQL (H2 2.x, PostgreSQL).
ALTER TABLE notice_outbox ADD COLUMN refused VARCHAR(16);
