package io.streamkit.server.cli;

import io.streamkit.core.protection.MasterKeys;
import io.streamkit.core.store.StreamkitStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamkit rewrap-keys}: the second step of a master key rotation. Every content key in the database is
 * re-wrapped under the first key of {@code --master-key-file}; the media and the content keys themselves stay as
 * they are, so no title is re-encrypted or re-published.
 */
@Command(
    name = "rewrap-keys",
    mixinStandardHelpOptions = true,
    description = {"Re-wrap every content key in the database under the first (new) master key.",
        "Rotation: put a new key first in the master key file, keep the old one below it, restart the nodes, run"
            + " this, then remove the old key."})
final class RewrapKeysCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", defaultValue = "${env:STREAMKIT_DATA}", paramLabel = "DIR",
      description = "data directory of the embedded H2 database (env STREAMKIT_DATA); not with --db")
  Path data;

  @Option(names = "--db", defaultValue = "${env:STREAMKIT_DB}", paramLabel = "JDBC_URL",
      description = "the shared database, e.g. jdbc:postgresql://db:5432/streamkit?user=... (env STREAMKIT_DB)")
  String db;

  @Option(names = "--master-key-file", defaultValue = "${env:STREAMKIT_MASTER_KEY_FILE}", paramLabel = "FILE",
      description = "the new master key first, then every key that wrapped stored keys (env"
          + " STREAMKIT_MASTER_KEY_FILE, or the keys themselves in STREAMKIT_MASTER_KEY)")
  Path masterKeyFile;

  @Override
  public Integer call() throws Exception {
    MasterKeys keys = EncryptionOptions.masterKeys(masterKeyFile);
    if (keys == null) {
      throw new IllegalArgumentException("rewrap-keys needs the master keys: --master-key-file FILE (new key first,"
          + " old keys below) or " + EncryptionOptions.MASTER_KEY_VARIABLE);
    }
    boolean shared = db != null && !db.isBlank();
    if (shared == (data != null)) {
      throw new IllegalArgumentException("rewrap-keys needs exactly one of --data DIR (embedded H2) and --db"
          + " JDBC_URL");
    }
    if (!shared && !Files.isDirectory(data)) {
      throw new IllegalArgumentException("--data " + data + " is not a directory");
    }
    StreamkitStore.Builder store = StreamkitStore.builder();
    if (shared) {
      store.jdbcUrl(ServeCommand.checkedJdbcUrl(db));
    } else {
      store.dataDirectory(data);
    }
    try (StreamkitStore opened = store.build()) {
      int rewrapped = opened.rewrapContentKeys(keys);
      spec.commandLine().getOut().println(rewrapped + " content key" + (rewrapped == 1 ? "" : "s")
          + " re-wrapped under master key " + keys.currentKeyId() + "; keys " + keys.keyIds().subList(1,
          keys.keyIds().size()) + " may now be removed from the file");
    }
    return 0;
  }
}
