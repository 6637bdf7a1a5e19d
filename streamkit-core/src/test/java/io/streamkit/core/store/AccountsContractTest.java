package io.streamkit.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.PageRequest;
import io.streamkit.core.account.Account;
import io.streamkit.core.account.ApiKey;
import io.streamkit.core.account.AuditEntry;
import io.streamkit.core.account.DuplicateAccountNameException;
import io.streamkit.core.account.IssuedApiKey;
import io.streamkit.core.account.Role;
import io.streamkit.core.account.UnknownAccountException;
import io.streamkit.core.title.IllegalTransitionException;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Accounts, API keys and the audit log, the same on every database behind {@link StreamkitStore}. */
abstract class AccountsContractTest {

  protected StreamkitStore store;

  /** A builder for a store on an empty database or schema. */
  protected abstract StreamkitStore.Builder emptyStore() throws Exception;

  /** Removes what {@link #emptyStore()} created. */
  protected abstract void dropStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = emptyStore().build();
  }

  @AfterEach
  void closeStore() throws Exception {
    store.close();
    dropStore();
  }

  @Test
  void anIssuedKeyAuthenticatesItsAccountUntilRevokedAndOnlyItsHashIsStored() throws Exception {
    Account editor = store.accounts().create("admin-key", "  ed@example.com ", Role.EDITOR);
    assertThat(editor.name()).isEqualTo("ed@example.com");
    IssuedApiKey issued = store.accounts().issueKey("admin-key", editor.id(), "ci uploads");
    assertThat(issued.secret()).hasSize(43);
    assertThat(issued.toString()).doesNotContain(issued.secret());

    assertThat(store.accounts().authenticate(issued.secret())).contains(editor);
    assertThat(store.accounts().authenticate(issued.secret() + "x")).isEmpty();
    assertThat(store.accounts().authenticate("")).isEmpty();
    try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT key_sha256 FROM streamkit_api_keys")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).hasSize(64).isNotEqualTo(issued.secret()).doesNotContain(issued.secret());
    }

    ApiKey revoked = store.accounts().revokeKey("admin-key", issued.key().id()).orElseThrow();
    assertThat(revoked.revokedAt()).isNotNull();
    assertThat(store.accounts().authenticate(issued.secret())).isEmpty();
    assertThat(store.accounts().keys(editor.id())).containsExactly(revoked);
    assertThat(store.accounts().revokeKey("admin-key", issued.key().id())).contains(revoked);
    assertThat(store.accounts().revokeKey("admin-key", UUID.randomUUID().toString())).isEmpty();
    assertThat(store.accounts().revokeKey("admin-key", "not-an-id")).isEmpty();
  }

  @Test
  void aRoleChangeReachesTheAccountsKeysAtOnce() {
    Account account = store.accounts().create("admin-key", "mo", Role.VIEWER);
    IssuedApiKey key = store.accounts().issueKey("admin-key", account.id(), "laptop");

    Account moderator = store.accounts().changeRole("account:" + account.id(), account.id(), Role.MODERATOR);

    assertThat(moderator.role()).isEqualTo(Role.MODERATOR);
    assertThat(store.accounts().authenticate(key.secret())).map(Account::role).contains(Role.MODERATOR);
    assertThat(store.accounts().find(account.id())).contains(moderator);
  }

  @Test
  void namesAreUniqueAndUnknownIdsAreRefusedByName() {
    store.accounts().create("admin-key", "same", Role.ADMIN);
    assertThatThrownBy(() -> store.accounts().create("admin-key", "same", Role.EDITOR))
        .isInstanceOf(DuplicateAccountNameException.class).hasMessageContaining("'same'");
    assertThatThrownBy(() -> store.accounts().create("admin-key", "two\nlines", Role.EDITOR))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("account name");
    String unknown = UUID.randomUUID().toString();
    assertThatThrownBy(() -> store.accounts().issueKey("admin-key", unknown, "x"))
        .isInstanceOf(UnknownAccountException.class).hasMessageContaining(unknown);
    assertThatThrownBy(() -> store.accounts().changeRole("admin-key", unknown, Role.ADMIN))
        .isInstanceOf(UnknownAccountException.class);
    assertThatThrownBy(() -> store.accounts().keys("nonsense")).isInstanceOf(UnknownAccountException.class);
    assertThat(store.accounts().list(PageRequest.first(10)).items()).extracting(Account::name)
        .containsExactly("same");
    assertThat(store.auditLog().count()).isEqualTo(1);
  }

  @Test
  void everyAccountChangeIsLoggedNewestFirstWithWhoDidIt() {
    Account account = store.accounts().create("admin-key", "ann", Role.EDITOR);
    IssuedApiKey key = store.accounts().issueKey("admin-key", account.id(), "k");
    store.accounts().changeRole("oidc:alice", account.id(), Role.ADMIN);
    store.accounts().revokeKey("account:" + account.id(), key.key().id());

    List<AuditEntry> entries = store.auditLog().list(PageRequest.first(10)).items();
    assertThat(entries).extracting(AuditEntry::action)
        .containsExactly("key.revoke", "account.role", "key.issue", "account.create");
    assertThat(entries).extracting(AuditEntry::actor)
        .containsExactly("account:" + account.id(), "oidc:alice", "admin-key", "admin-key");
    assertThat(entries.get(1).detail()).isEqualTo("editor -> admin");
    assertThat(entries.get(2).target()).isEqualTo(key.key().id());
    assertThat(entries.get(0).at()).isAfterOrEqualTo(entries.get(3).at());
    assertThat(store.auditLog().list(new PageRequest(3, 2)).items()).extracting(AuditEntry::action)
        .containsExactly("account.create");
    assertThat(store.auditLog().list(new PageRequest(0, 2)).hasNext()).isTrue();
  }

  @Test
  void aDeletedAccountsKeysStopAtOnceItsNameIsFreeAgainAndTheLogKeepsItsHistory() throws Exception {
    Account leaver = store.accounts().create("admin-key", "leaver", Role.EDITOR);
    IssuedApiKey laptop = store.accounts().issueKey("admin-key", leaver.id(), "laptop");
    IssuedApiKey ci = store.accounts().issueKey("admin-key", leaver.id(), "ci");
    store.accounts().revokeKey("admin-key", ci.key().id());
    Account stays = store.accounts().create("admin-key", "stays", Role.EDITOR);
    IssuedApiKey kept = store.accounts().issueKey("admin-key", stays.id(), "desk");

    assertThat(store.accounts().delete("oidc:alice", leaver.id())).contains(leaver);

    assertThat(store.accounts().authenticate(laptop.secret())).isEmpty();
    assertThat(store.accounts().authenticate(kept.secret())).contains(stays);
    assertThat(store.accounts().find(leaver.id())).isEmpty();
    assertThatThrownBy(() -> store.accounts().keys(leaver.id())).isInstanceOf(UnknownAccountException.class);
    assertThat(store.accounts().list(PageRequest.first(10)).items()).containsExactly(stays);
    try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM streamkit_api_keys")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getLong(1)).as("keys left: the other account's").isEqualTo(1);
    }
    AuditEntry deletion = store.auditLog().list(PageRequest.first(1)).items().get(0);
    assertThat(deletion.action()).isEqualTo("account.delete");
    assertThat(deletion.actor()).isEqualTo("oidc:alice");
    assertThat(deletion.target()).isEqualTo(leaver.id());
    assertThat(deletion.detail()).isEqualTo("name leaver, role editor, 2 keys");
    assertThat(store.auditLog().count()).as("the leaver's history is still there").isEqualTo(7);

    assertThat(store.accounts().delete("admin-key", leaver.id())).isEmpty();
    assertThat(store.accounts().delete("admin-key", "not-an-id")).isEmpty();
    assertThat(store.auditLog().count()).as("nothing deleted, nothing logged").isEqualTo(7);
    assertThat(store.accounts().create("admin-key", "leaver", Role.VIEWER).name()).isEqualTo("leaver");
  }

  @Test
  void anAuditedCatalogChangeAndItsEntryCommitOrRollBackTogether() {
    Title title = store.catalog().create("Film", "");
    store.catalog().transition(title.id(), TitleStatus.PROCESSING);
    store.catalog().transition(title.id(), TitleStatus.READY);

    Title published = store.auditLog().audited("admin-key", "title.publish", title.id().toString(), "",
        catalog -> catalog.transition(title.id(), TitleStatus.PUBLISHED));
    assertThat(published.status()).isEqualTo(TitleStatus.PUBLISHED);
    assertThat(store.auditLog().count()).isEqualTo(1);

    assertThatThrownBy(() -> store.auditLog().audited("admin-key", "title.publish", title.id().toString(), "",
        catalog -> catalog.transition(title.id(), TitleStatus.PROCESSING)))
        .isInstanceOf(IllegalTransitionException.class);
    assertThat(store.auditLog().count()).isEqualTo(1);

    // An entry that cannot be written (an action longer than the column) undoes the change it records.
    assertThatThrownBy(() -> store.auditLog().audited("admin-key", "x".repeat(65), title.id().toString(), "",
        catalog -> catalog.transition(title.id(), TitleStatus.REJECTED, "late complaint")))
        .isInstanceOf(InvalidValueException.class);
    assertThat(store.catalog().get(title.id()).orElseThrow().status()).isEqualTo(TitleStatus.PUBLISHED);
    assertThat(store.auditLog().count()).isEqualTo(1);
  }
}
