package io.streamkit.core.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.ViewerRegion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link Recommender} recommends, the same on every database behind {@link StreamkitStore}. */
public abstract class RecommenderContractTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final double MINUTES_100 = 6_000;

  protected StreamkitStore store;
  private Recommender recommender;

  protected abstract StreamkitStore.Builder emptyStore() throws Exception;

  protected abstract void dropStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = emptyStore().build();
    recommender = Recommender.builder(store).clock(CLOCK).build();
  }

  @AfterEach
  void closeStore() throws Exception {
    store.close();
    dropStore();
  }

  @Test
  void beforeTheFirstComputationEveryListIsEmpty() {
    UUID title = published("Alone");
    watch("ann", title, 1.0, Duration.ZERO);

    Recommendations none = recommender.forViewer("ann", 10);

    assertThat(none.computedAt()).isNull();
    assertThat(none.forYou()).isEmpty();
    assertThat(none.becauseYouWatched()).isEmpty();
    assertThat(none.popular()).isEmpty();
  }

  @Test
  void viewersWhoWatchedATitleLeadToWhatElseTheyWatchedNotToWhatEverybodyWatched() {
    UUID blockbuster = published("Blockbuster");
    UUID nature = published("Nature");
    UUID oceans = published("Oceans");
    UUID forests = published("Forests");
    // Twenty viewers watched the blockbuster, three of them nature films as well.
    for (int v = 0; v < 20; v++) {
      watch("crowd-" + v, blockbuster, 1.0, Duration.ofHours(v));
    }
    for (int v = 0; v < 3; v++) {
      watch("crowd-" + v, nature, 1.0, Duration.ofHours(1));
      watch("crowd-" + v, oceans, 0.8, Duration.ofHours(2));
    }
    watch("crowd-0", forests, 0.6, Duration.ofHours(3));
    watch("crowd-1", forests, 0.6, Duration.ofHours(3));
    // The viewer asking watched one nature film.
    watch("you", nature, 1.0, Duration.ofMinutes(5));

    Recommender.Recomputation run = recommender.recompute();
    Recommendations mine = recommender.forViewer("you", 10);

    assertThat(run.viewers()).isEqualTo(21);
    assertThat(mine.computedAt()).isEqualTo(NOW);
    // The blockbuster shares as many viewers with the nature film as the oceans film does, but it shares them with
    // everybody: divided by its audience, it comes last.
    assertThat(mine.becauseYouWatched()).singleElement().satisfies(row -> {
      assertThat(row.watched()).isEqualTo(nature);
      assertThat(row.titles()).containsExactly(oceans, forests, blockbuster);
    });
    assertThat(mine.forYou()).containsExactly(oceans, forests, blockbuster);
    assertThat(mine.popular()).as("by plays, without what the viewer has seen").containsExactly(blockbuster, oceans,
        forests);
  }

  @Test
  void neverRecommendsWhatTheViewerStartedOrFinishedOrWhatIsNotPublished() {
    UUID a = published("A");
    UUID b = published("B");
    UUID c = published("C");
    UUID draft = store.catalog().create("Draft", "").id();
    for (String viewer : List.of("v1", "v2", "v3")) {
      for (UUID title : List.of(a, b, c, draft)) {
        watch(viewer, title, 1.0, Duration.ofHours(1));
      }
    }
    watch("you", a, 1.0, Duration.ofMinutes(1));
    watch("you", b, 0.1, Duration.ofMinutes(2));

    recommender.recompute();
    Recommendations mine = recommender.forViewer("you", 10);

    assertThat(mine.forYou()).containsExactly(c);
    assertThat(mine.becauseYouWatched()).singleElement()
        .satisfies(row -> assertThat(row.titles()).containsExactly(c));
    assertThat(mine.popular()).containsExactly(c);
  }

  @Test
  void aKidsProfileIsRecommendedOnlyTitlesWithinItsRatingAndCategoriesAndTheirWindows() {
    UUID cartoon = published("Cartoon");
    UUID puppets = published("Puppets");
    UUID thriller = published("Thriller");
    UUID unrated = published("Home video");
    UUID leaving = published("Leaving soon");
    UUID sports = published("Match");
    store.catalog().editMetadata(cartoon, null, m -> m.withMaturityRating(MaturityRating.G)
        .withCategories(List.of("kids")));
    store.catalog().editMetadata(puppets, null, m -> m.withMaturityRating(MaturityRating.G)
        .withCategories(List.of("kids")));
    store.catalog().editMetadata(thriller, null, m -> m.withMaturityRating(MaturityRating.R)
        .withCategories(List.of("kids")));
    store.catalog().editMetadata(leaving, null, m -> m.withMaturityRating(MaturityRating.G)
        .withCategories(List.of("kids")));
    store.catalog().editMetadata(sports, null, m -> m.withMaturityRating(MaturityRating.G)
        .withCategories(List.of("sports")));
    for (int v = 0; v < 3; v++) {
      for (UUID title : List.of(cartoon, puppets, thriller, unrated, leaving, sports)) {
        watch("family-" + v, title, 1.0, Duration.ofHours(1));
      }
    }
    watch("kid", cartoon, 1.0, Duration.ofMinutes(5));
    recommender.recompute();

    Recommendations grownUp = recommender.forViewer("kid", 10);
    assertThat(grownUp.forYou()).as("without limits").contains(thriller, unrated, puppets, leaving, sports);

    Recommendations kid = recommender.forViewer("kid", MaturityRating.PG, List.of("kids"), 10);
    assertThat(kid.forYou()).containsExactlyInAnyOrder(puppets, leaving);
    assertThat(kid.popular()).containsExactlyInAnyOrder(puppets, leaving);
    assertThat(kid.becauseYouWatched()).singleElement()
        .satisfies(row -> assertThat(row.titles()).containsExactlyInAnyOrder(puppets, leaving));

    store.catalog().editMetadata(leaving, null, m -> m.withAvailability(null, NOW));
    assertThat(recommender.forViewer("kid", MaturityRating.PG, List.of("kids"), 10).forYou())
        .as("a closed window takes effect without a recomputation").containsExactly(puppets);

    store.catalog().editMetadata(cartoon, null, m -> m.withMaturityRating(MaturityRating.R));
    assertThat(recommender.forViewer("kid", MaturityRating.PG, List.of(), 10).becauseYouWatched())
        .as("no row names a title the viewer may no longer see").isEmpty();
    assertThatThrownBy(() -> recommender.forViewer("kid", null, List.of("Not A Slug"), 10))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void aTitleListedForOtherRegionsIsNeverRecommendedThere() {
    UUID seen = published("Seen");
    UUID everywhere = published("Everywhere");
    UUID german = published("German");
    UUID american = published("American");
    store.catalog().editMetadata(german, null, m -> m.withRegions(List.of("DE")));
    store.catalog().editMetadata(american, null, m -> m.withRegions(List.of("US")));
    for (int v = 0; v < 3; v++) {
      for (UUID title : List.of(seen, everywhere, german, american)) {
        watch("others-" + v, title, 1.0, Duration.ofHours(1));
      }
    }
    watch("you", seen, 1.0, Duration.ofMinutes(5));
    recommender.recompute();

    Recommendations inGermany = recommender.forViewer("you", null, List.of(), new ViewerRegion(List.of("DE"), false),
        10);
    assertThat(inGermany.forYou()).containsExactlyInAnyOrder(everywhere, german);
    assertThat(inGermany.popular()).containsExactlyInAnyOrder(everywhere, german);
    assertThat(inGermany.becauseYouWatched()).singleElement()
        .satisfies(row -> assertThat(row.titles()).containsExactlyInAnyOrder(everywhere, german));
    assertThat(recommender.forViewer("you", null, List.of(), new ViewerRegion(List.of(), true), 10).forYou())
        .as("unknown where a country is required").containsExactly(everywhere);
    assertThat(recommender.forViewer("you", 10).forYou()).as("regions unchecked")
        .containsExactlyInAnyOrder(everywhere, german, american);

    store.catalog().editMetadata(everywhere, null, m -> m.withRegions(List.of("FR")));
    assertThat(recommender.forViewer("you", null, List.of(), new ViewerRegion(List.of("DE"), false), 10).popular())
        .as("a title's new regions take effect without a recomputation").containsExactly(german);
  }

  @Test
  void popularNowCountsRecentPlaysMoreThanOldOnes() {
    UUID classic = published("Classic");
    UUID fresh = published("Fresh");
    // Five plays a month ago (2^-30/7 ≈ 0.05 each) against two today.
    for (int v = 0; v < 5; v++) {
      watch("old-" + v, classic, 1.0, Duration.ofDays(30));
    }
    watch("new-0", fresh, 0.2, Duration.ofHours(1));
    watch("new-1", fresh, 0.2, Duration.ofHours(2));

    recommender.recompute();
    Recommendations newcomer = recommender.forViewer("newcomer", 10);

    assertThat(newcomer.popular()).containsExactly(fresh, classic);
    assertThat(newcomer.forYou()).as("a viewer without history gets what is popular").containsExactly(fresh, classic);
    assertThat(newcomer.becauseYouWatched()).isEmpty();
  }

  @Test
  void aRecomputationReplacesThePreviousOne() {
    UUID a = published("A");
    UUID b = published("B");
    UUID c = published("C");
    for (String viewer : List.of("v1", "v2")) {
      watch(viewer, a, 1.0, Duration.ofHours(1));
      watch(viewer, b, 1.0, Duration.ofHours(1));
    }
    watch("you", a, 1.0, Duration.ofMinutes(1));
    recommender.recompute();
    assertThat(recommender.forViewer("you", 10).becauseYouWatched().get(0).titles()).containsExactly(b);

    // Viewers move on: c is now what a's audience watches, and b is taken down.
    for (String viewer : List.of("v1", "v2")) {
      watch(viewer, c, 1.0, Duration.ofMinutes(30));
    }
    store.catalog().transition(b, TitleStatus.REJECTED);
    recommender.recompute();

    assertThat(recommender.forViewer("you", 10).becauseYouWatched().get(0).titles()).containsExactly(c);
  }

  @Test
  void oneServerPerPeriodClaimsTheRecomputation() {
    assertThat(recommender.claimRecomputation("node-a", Duration.ofMinutes(10))).isTrue();
    assertThat(recommender.claimRecomputation("node-b", Duration.ofMinutes(10))).isFalse();
    assertThat(recommender.claimRecomputation("node-a", Duration.ofMinutes(10))).isFalse();

    Recommender later = Recommender.builder(store).clock(Clock.offset(CLOCK, Duration.ofMinutes(10))).build();
    assertThat(later.claimRecomputation("node-b", Duration.ofMinutes(10))).isTrue();
  }

  @Test
  void badArgumentsAreRefusedByName() {
    assertThatThrownBy(() -> recommender.forViewer("you", 0)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> recommender.forViewer(" ", 10)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("viewerId");
    assertThatThrownBy(() -> Recommender.builder(store).watchedFraction(1.5))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("watchedFraction");
    assertThatThrownBy(() -> Recommender.builder(store).popularityHalfLife(Duration.ofMinutes(1)))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("popularityHalfLife");
  }

  private UUID published(String name) {
    UUID id = store.catalog().create(name, "").id();
    for (TitleStatus status : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
      store.catalog().transition(id, status);
    }
    return id;
  }

  /** {@code viewer} watched {@code share} of a 100-minute title, {@code ago} before now. */
  private void watch(String viewer, UUID title, double share, Duration ago) {
    store.progress().upsert(WatchProgress.ofSeconds(viewer, title, share * MINUTES_100, MINUTES_100,
        NOW.minus(ago), CLOCK));
  }
}
