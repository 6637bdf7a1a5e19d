package io.streamkit.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A thin layer over JDBC in the manner of db-scheduler's {@code JdbcRunner}: prepared statements only, checked
 * {@link SQLException}s turned into {@link StoreException}s, and transactions as a callback. A runner made by
 * {@link #inTransaction} runs every statement on the transaction's connection.
 */
final class JdbcRunner {

  @FunctionalInterface
  interface StatementSetter {
    void set(PreparedStatement statement) throws SQLException;
  }

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  @FunctionalInterface
  interface BatchSetter<T> {
    void set(PreparedStatement statement, T item) throws SQLException;
  }

  @FunctionalInterface
  interface TransactionWork<T> {
    T run(JdbcRunner transaction);
  }

  static final StatementSetter NO_PARAMETERS = statement -> { };

  private final DataSource dataSource;
  private final Connection transaction;

  JdbcRunner(DataSource dataSource) {
    this(dataSource, null);
  }

  private JdbcRunner(DataSource dataSource, Connection transaction) {
    this.dataSource = dataSource;
    this.transaction = transaction;
  }

  <T> List<T> query(String sql, StatementSetter setter, RowMapper<T> mapper) {
    return withStatement(sql, statement -> {
      setter.set(statement);
      List<T> rows = new ArrayList<>();
      try (ResultSet resultSet = statement.executeQuery()) {
        while (resultSet.next()) {
          rows.add(mapper.map(resultSet));
        }
      }
      return rows;
    });
  }

  <T> Optional<T> queryOne(String sql, StatementSetter setter, RowMapper<T> mapper) {
    List<T> rows = query(sql, setter, mapper);
    if (rows.size() > 1) {
      throw new IllegalStateException("expected at most one row, got " + rows.size() + " from: " + sql);
    }
    return rows.stream().findFirst();
  }

  /** Runs an INSERT, UPDATE, DELETE or MERGE and returns the affected row count. */
  int execute(String sql, StatementSetter setter) {
    return withStatement(sql, statement -> {
      setter.set(statement);
      return statement.executeUpdate();
    });
  }

  /** Runs one statement for each item as a JDBC batch and returns the total affected row count, where known. */
  <T> int batch(String sql, List<T> items, BatchSetter<T> setter) {
    if (items.isEmpty()) {
      return 0;
    }
    return withStatement(sql, statement -> {
      for (T item : items) {
        setter.set(statement, item);
        statement.addBatch();
      }
      int affected = 0;
      for (int count : statement.executeBatch()) {
        affected += Math.max(count, 0);
      }
      return affected;
    });
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  <T> T inTransaction(TransactionWork<T> work) {
    if (transaction != null) {
      return work.run(this);
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(new JdbcRunner(dataSource, connection));
        connection.commit();
        return result;
      } catch (RuntimeException | Error e) {
        rollback(connection, e);
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("transaction failed", e);
    }
  }

  private static void rollback(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  @FunctionalInterface
  private interface StatementWork<T> {
    T run(PreparedStatement statement) throws SQLException;
  }

  private <T> T withStatement(String sql, StatementWork<T> work) {
    try {
      if (transaction != null) {
        try (PreparedStatement statement = transaction.prepareStatement(sql)) {
          return work.run(statement);
        }
      }
      try (Connection connection = dataSource.getConnection();
          PreparedStatement statement = connection.prepareStatement(sql)) {
        return work.run(statement);
      }
    } catch (SQLException e) {
      throw new StoreException("statement failed [" + abbreviate(sql) + "]", e);
    }
  }

  private static String abbreviate(String sql) {
    String oneLine = sql.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
  }
}
