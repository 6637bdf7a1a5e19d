package io.streamkit.core.account;

/** An operation named an account id that is not stored. */
public class UnknownAccountException extends RuntimeException {

  /**
   * An exception whose message names the id and what to check.
   *
   * @param accountId the id that is not stored
   */
  public UnknownAccountException(String accountId) {
    super("unknown account '" + accountId + "'; list the accounts to find its id");
  }
}
