package io.streamkit.core.store;

import java.sql.SQLException;

/** The database refused or failed an operation. Carries the SQLSTATE code so callers can tell causes apart. */
public class StoreException extends RuntimeException {

  /** The SQLSTATE of the database error; see {@link #sqlState()}. */
  private final String sqlState;

  /**
   * A database error: the message is {@code message}, a colon and the driver's message; the SQLSTATE is kept.
   *
   * @param message what StreamKit was doing, e.g. {@code cannot create schema media}
   * @param cause the driver's exception
   */
  public StoreException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
    this.sqlState = cause.getSQLState();
  }

  /**
   * A failure that is not a database error (a migration, a pool that cannot start); {@link #sqlState()} is
   * {@code null}.
   *
   * @param message the whole message, naming what failed and what to check
   * @param cause the underlying failure
   */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
    this.sqlState = null;
  }

  /**
   * {@return the SQLSTATE of the database error (e.g. {@code 23503} for a foreign-key violation), or {@code null} if
   * the failure was not a database error}
   */
  public String sqlState() {
    return sqlState;
  }
}
