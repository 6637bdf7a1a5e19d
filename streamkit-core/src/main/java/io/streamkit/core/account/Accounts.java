package io.streamkit.core.account;

import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import java.util.List;
import java.util.Optional;

/**
 * Accounts and their API keys. Every change is written with its {@link AuditLog} entry in one transaction, so the log
 * holds a change exactly when the change happened; {@code actor} names who made it ({@link AuditEntry#actor()}).
 * Thread-safe.
 */
public interface Accounts {

  /**
   * Creates an account.
   *
   * @param actor who creates it, for the audit log
   * @param name a name no other account has, checked by {@link Account#checkName}
   * @param role what it may do
   * @return the new account
   * @throws io.streamkit.core.InvalidValueException if the name is not valid
   * @throws DuplicateAccountNameException if another account has that name
   */
  Account create(String actor, String name, Role role);

  /**
   * Looks an account up.
   *
   * @param id an account id; anything that is not one finds nothing
   * @return the account, or empty
   */
  Optional<Account> find(String id);

  /**
   * Lists accounts, oldest first.
   *
   * @param page the slice to return
   * @return the slice
   */
  Page<Account> list(PageRequest page);

  /**
   * Gives an account another role; its keys carry the new role from the next request.
   *
   * @param actor who changes it, for the audit log
   * @param id the account
   * @param role the new role
   * @return the changed account
   * @throws UnknownAccountException if no account has that id
   */
  Account changeRole(String actor, String id, Role role);

  /**
   * Deletes an account with its keys, which stop authenticating at once; its name is free again. The audit log keeps
   * every entry by or about it, and the deletion's own ({@code account.delete}). Deleting an account that does not
   * exist changes nothing and logs nothing.
   *
   * @param actor who deletes it, for the audit log
   * @param id the account; anything that is not an account id finds nothing
   * @return the deleted account, or empty if no account has that id
   */
  Optional<Account> delete(String actor, String id);

  /**
   * Issues a new key for an account. Only its hash is stored.
   *
   * @param actor who issues it, for the audit log
   * @param accountId the account the key authenticates
   * @param label what the key is for, checked by {@link ApiKey#checkLabel}
   * @return the key with its secret, which cannot be read again
   * @throws UnknownAccountException if no account has that id
   */
  IssuedApiKey issueKey(String actor, String accountId, String label);

  /**
   * Revokes a key: it stops authenticating at once. Revoking a revoked key changes nothing and logs nothing.
   *
   * @param actor who revokes it, for the audit log
   * @param keyId the key
   * @return the revoked key, or empty if no key has that id
   */
  Optional<ApiKey> revokeKey(String actor, String keyId);

  /**
   * Lists an account's keys, revoked ones included, oldest first.
   *
   * @param accountId the account
   * @return its keys, without secrets
   * @throws UnknownAccountException if no account has that id
   */
  List<ApiKey> keys(String accountId);

  /**
   * The account a presented secret authenticates: the key must exist and not be revoked.
   *
   * @param secret what the client sent as its bearer credential
   * @return the key's account, or empty for any other secret
   */
  Optional<Account> authenticate(String secret);
}
