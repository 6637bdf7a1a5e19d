package io.streamkit.core.store;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.ViewerId;
import io.streamkit.core.profile.Profile;
import io.streamkit.core.profile.ProfileRefusedException;
import io.streamkit.core.profile.Profiles;
import io.streamkit.core.title.MaturityRating;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link Profiles} in {@code streamkit_profiles}. Creating one locks the owner's row in
 * {@code streamkit_viewer_access} ({@link ViewerRows}) before counting, so two creations racing on two nodes cannot
 * both slip under {@link Profile#MAX_PROFILES_PER_VIEWER}; the unique index on (owner, name) refuses a taken name.
 * A rating is stored as its position on {@link MaturityRating}'s scale, as titles' ratings are ({@link JdbcCatalog}).
 */
final class JdbcProfiles implements Profiles {

  private static final String COLUMNS = "id, owner_id, name, max_maturity_rank, created_at";

  private final JdbcRunner jdbc;
  private final SqlDialect dialect;
  private final Clock clock;

  JdbcProfiles(JdbcRunner jdbc, SqlDialect dialect, Clock clock) {
    this.jdbc = jdbc;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public Profile create(String ownerId, String name, MaturityRating maxRating) {
    ViewerId.require("ownerId", ownerId);
    Profile profile = new Profile(UUID.randomUUID(), ownerId, Profile.checkName(name), maxRating, clock.instant());
    ViewerRows.ensure(jdbc, dialect, ownerId);
    try {
      jdbc.inTransaction(tx -> {
        tx.query("SELECT viewer_id FROM streamkit_viewer_access WHERE viewer_id = ? FOR UPDATE",
            s -> s.setString(1, ownerId), row -> row.getString(1));
        long count = tx.queryOne("SELECT COUNT(*) FROM streamkit_profiles WHERE owner_id = ?",
            s -> s.setString(1, ownerId), row -> row.getLong(1)).orElse(0L);
        if (count >= Profile.MAX_PROFILES_PER_VIEWER) {
          throw new ProfileRefusedException(ProfileRefusedException.Reason.TOO_MANY, "viewer " + ownerId
              + " already has " + count + " profiles, the most one viewer may keep ("
              + Profile.MAX_PROFILES_PER_VIEWER + "); delete one first");
        }
        tx.execute("INSERT INTO streamkit_profiles (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)", s -> {
          s.setObject(1, profile.id());
          s.setString(2, ownerId);
          s.setString(3, profile.name());
          s.setObject(4, maxRating == null ? null : (short) maxRating.ordinal(), Types.SMALLINT);
          s.setObject(5, JdbcCatalog.timestamp(profile.createdAt()));
        });
        return null;
      });
    } catch (StoreException e) {
      if (dialect.isUniqueViolation(e)) {
        throw new ProfileRefusedException(ProfileRefusedException.Reason.NAME_TAKEN, "viewer " + ownerId
            + " already has a profile named '" + profile.name() + "'; choose another name");
      }
      throw e;
    }
    return profile;
  }

  @Override
  public List<Profile> list(String ownerId) {
    ViewerId.require("ownerId", ownerId);
    return jdbc.query("SELECT " + COLUMNS + " FROM streamkit_profiles WHERE owner_id = ? ORDER BY created_at, name",
        s -> s.setString(1, ownerId), JdbcProfiles::map);
  }

  @Override
  public Optional<Profile> find(UUID id) {
    InvalidValueException.requireNonNull("id", id);
    return jdbc.queryOne("SELECT " + COLUMNS + " FROM streamkit_profiles WHERE id = ?", s -> s.setObject(1, id),
        JdbcProfiles::map);
  }

  @Override
  public boolean delete(String ownerId, UUID id) {
    ViewerId.require("ownerId", ownerId);
    InvalidValueException.requireNonNull("id", id);
    return jdbc.inTransaction(tx -> {
      int deleted = tx.execute("DELETE FROM streamkit_profiles WHERE id = ? AND owner_id = ?", s -> {
        s.setObject(1, id);
        s.setString(2, ownerId);
      });
      if (deleted == 0) {
        return false;
      }
      tx.execute("DELETE FROM streamkit_progress WHERE viewer_id = ?", s -> s.setString(1, id.toString()));
      return true;
    });
  }

  private static Profile map(ResultSet row) throws SQLException {
    short rank = row.getShort("max_maturity_rank");
    MaturityRating rating = row.wasNull() ? null : MaturityRating.values()[rank];
    return new Profile(row.getObject("id", UUID.class), row.getString("owner_id"), row.getString("name"), rating,
        row.getObject("created_at", OffsetDateTime.class).toInstant());
  }
}
