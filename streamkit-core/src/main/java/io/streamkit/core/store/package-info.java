/**
 * Persistence: {@link io.streamkit.core.store.StreamkitStore} opens a HikariCP pool on H2 (embedded default) or
 * PostgreSQL, migrates the schema with Flyway (history table {@code streamkit_schema_history}) and hands out the
 * catalog, progress and event stores. The JDBC implementations, the thin runner and the H2/PostgreSQL dialects are
 * package-private.
 */
package io.streamkit.core.store;
