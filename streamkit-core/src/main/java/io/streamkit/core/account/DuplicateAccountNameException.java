package io.streamkit.core.account;

/** An account was to be created with a name another account already has. */
public class DuplicateAccountNameException extends RuntimeException {

  /**
   * An exception whose message names the name and what to do.
   *
   * @param name the name that is taken
   */
  public DuplicateAccountNameException(String name) {
    super("an account named '" + name + "' already exists; choose another name");
  }
}
