package io.streamkit.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.PageRequest;
import io.streamkit.core.profile.Profile;
import io.streamkit.core.profile.ProfileRefusedException;
import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.title.MaturityRating;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Viewers' profiles and their own watch progress, the same on every database behind {@link StreamkitStore}. */
abstract class ProfilesContractTest {

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
  void aViewersProfilesAreListedOldestFirstWithTheirLimits() {
    Profile grownUp = store.profiles().create("alice@example.com", " Alice ", null);
    Profile kids = store.profiles().create("alice@example.com", "Kids", MaturityRating.G);
    store.profiles().create("bob", "Kids", MaturityRating.PG);

    assertThat(grownUp.name()).isEqualTo("Alice");
    assertThat(store.profiles().list("alice@example.com")).containsExactly(grownUp, kids);
    assertThat(store.profiles().find(kids.id())).contains(kids);
    assertThat(store.profiles().find(kids.id()).flatMap(Profile::maxRatingIfLimited)).contains(MaturityRating.G);
    assertThat(store.profiles().find(grownUp.id()).flatMap(Profile::maxRatingIfLimited)).isEmpty();
    assertThat(store.profiles().find(UUID.randomUUID())).isEmpty();
    assertThat(store.profiles().list("nobody")).isEmpty();
  }

  @Test
  void aNameIsUniquePerViewerAndAViewerKeepsAtMostTheLimit() {
    store.profiles().create("carol", "Kids", MaturityRating.G);
    assertThatThrownBy(() -> store.profiles().create("carol", "Kids", null))
        .isInstanceOfSatisfying(ProfileRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(ProfileRefusedException.Reason.NAME_TAKEN))
        .hasMessageContaining("'Kids'").hasMessageContaining("another name");
    for (int i = 1; i < Profile.MAX_PROFILES_PER_VIEWER; i++) {
      store.profiles().create("carol", "Profile " + i, null);
    }
    assertThatThrownBy(() -> store.profiles().create("carol", "One too many", null))
        .isInstanceOfSatisfying(ProfileRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(ProfileRefusedException.Reason.TOO_MANY))
        .hasMessageContaining(String.valueOf(Profile.MAX_PROFILES_PER_VIEWER)).hasMessageContaining("delete one");
    assertThat(store.profiles().list("carol")).hasSize(Profile.MAX_PROFILES_PER_VIEWER);
    assertThat(store.profiles().create("dave", "Kids", null).ownerId()).as("another viewer's limit is their own")
        .isEqualTo("dave");
  }

  @Test
  void eachProfileHasItsOwnProgressWhichGoesWithIt() {
    UUID title = store.catalog().create("Cartoon", "").id();
    Profile kids = store.profiles().create("erin", "Kids", MaturityRating.G);
    Profile other = store.profiles().create("erin", "Erin", null);
    store.progress().upsert(WatchProgress.ofSeconds(kids.progressViewerId(), title, 60, 600, Instant.now()));
    store.progress().upsert(WatchProgress.ofSeconds("erin", title, 300, 600, Instant.now()));

    assertThat(store.progress().continueWatching(kids.progressViewerId(), new PageRequest(0, 10)).items())
        .singleElement().satisfies(p -> assertThat(p.position().toSeconds()).isEqualTo(60));
    assertThat(store.progress().get(other.progressViewerId(), title)).isEmpty();

    assertThat(store.profiles().delete("mallory", kids.id())).as("another viewer's profile stays").isFalse();
    assertThat(store.profiles().find(kids.id())).isPresent();
    assertThat(store.profiles().delete("erin", kids.id())).isTrue();
    assertThat(store.profiles().find(kids.id())).isEmpty();
    assertThat(store.progress().get(kids.progressViewerId(), title)).as("the profile's progress went with it")
        .isEmpty();
    assertThat(store.progress().get("erin", title)).as("the viewer's own progress stays").isPresent();
    assertThat(store.profiles().delete("erin", kids.id())).isFalse();
  }

  @Test
  void theStricterOfTwoLimitsWins() {
    Profile kids = store.profiles().create("fay", "Kids", MaturityRating.PG);
    Profile open = store.profiles().create("fay", "Fay", null);
    assertThat(kids.stricterLimit(Optional.of(MaturityRating.R))).contains(MaturityRating.PG);
    assertThat(kids.stricterLimit(Optional.of(MaturityRating.G))).contains(MaturityRating.G);
    assertThat(kids.stricterLimit(Optional.empty())).contains(MaturityRating.PG);
    assertThat(open.stricterLimit(Optional.of(MaturityRating.R))).contains(MaturityRating.R);
    assertThat(open.stricterLimit(Optional.empty())).isEmpty();
  }

  @Test
  void badInputIsRefusedByNameAndNothingIsWritten() {
    assertThatThrownBy(() -> store.profiles().create("gus", " ", null)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("profile name");
    assertThatThrownBy(() -> store.profiles().create("gus", "x".repeat(Profile.MAX_NAME_LENGTH + 1), null))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("profile name");
    assertThatThrownBy(() -> store.profiles().create("gus/../x", "Kids", null))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("ownerId");
    assertThat(store.profiles().list("gus")).isEmpty();
    assertThat(store.profiles().create("gus", "x".repeat(Profile.MAX_NAME_LENGTH), null).name())
        .hasSize(Profile.MAX_NAME_LENGTH);
  }
}
