package io.streamkit.core.account;

import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.title.Catalog;
import java.util.function.Function;

/**
 * Who changed what, kept in the database beside what changed. {@link Accounts} logs its own changes; catalog changes
 * are logged through {@link #audited}, which runs the change and writes its entry in one transaction. Thread-safe.
 */
public interface AuditLog {

  /** The longest {@code detail}, in characters; longer text is cut with an ellipsis. */
  int MAX_DETAIL_LENGTH = 1000;

  /**
   * Lists entries, newest first.
   *
   * @param page the slice to return
   * @return the slice
   */
  Page<AuditEntry> list(PageRequest page);

  /** {@return how many entries the log holds} */
  long count();

  /**
   * Runs a catalog change and logs it in the same transaction: if the change throws, nothing is logged and nothing
   * changed; if the entry cannot be written, the change is rolled back.
   *
   * @param actor who makes the change
   * @param action what it is, e.g. {@code title.publish}
   * @param target what it changes, e.g. the title id
   * @param detail the rest a reader needs, possibly empty
   * @param change the change, given a catalog bound to the transaction
   * @param <T> what the change returns
   * @return what the change returned
   */
  <T> T audited(String actor, String action, String target, String detail, Function<Catalog, T> change);
}
