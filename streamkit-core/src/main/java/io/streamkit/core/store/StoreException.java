package io.streamkit.core.store;

import java.sql.SQLException;

/** The database refused or failed an operation. Carries the SQLSTATE code so callers can tell causes apart. */
public class StoreException extends RuntimeException {

  private final String sqlState;

  public StoreException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
    this.sqlState = cause.getSQLState();
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
    this.sqlState = null;
  }

  /** The SQLSTATE of the database error, or {@code null} if the failure was not a database error. */
  public String sqlState() {
    return sqlState;
  }
}
