/**
 * Who may manage the platform: {@link io.streamkit.core.account.Account}s with a
 * {@link io.streamkit.core.account.Role}, the API keys StreamKit issues them (shown once, stored hashed), and the
 * {@link io.streamkit.core.account.AuditLog} of who changed what. The {@link io.streamkit.core.account.Accounts} port
 * writes each change and its audit entry in one transaction.
 */
package io.streamkit.core.account;
