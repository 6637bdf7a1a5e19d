package io.streamkit.core.account;

import java.time.Instant;

/**
 * One line of the audit log: who did what to what, and when.
 *
 * @param id increasing number, in the order entries were written
 * @param at when the change was committed, to the millisecond
 * @param actor who made it: {@code account:<id>}, {@code oidc:<subject>} or {@code admin-key}
 * @param action what was done, e.g. {@code title.publish} or {@code key.revoke}
 * @param target what it was done to: a title, account or key id
 * @param detail the rest a reader needs (a reject reason, the new role), possibly empty
 */
public record AuditEntry(long id, Instant at, String actor, String action, String target, String detail) {}
