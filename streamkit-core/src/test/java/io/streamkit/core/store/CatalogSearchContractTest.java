package io.streamkit.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.PageRequest;
import io.streamkit.core.title.CatalogQuery;
import io.streamkit.core.title.CatalogSearchResult;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleMetadata;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.ViewerRegion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Title metadata and viewer search, the same on every database behind {@link StreamkitStore}: what is stored reads
 * back, and a search finds exactly the published titles inside their window, ranked, filtered and counted per
 * category. Each test gets an empty store.
 */
public abstract class CatalogSearchContractTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final PageRequest FIRST_PAGE = new PageRequest(0, 20);

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
  void metadataIsStoredNormalisedAndReadBack() {
    Title title = store.catalog().create("Nature", "Old text");

    Title edited = store.catalog().editMetadata(title.id(), "  New text  ", m -> new TitleMetadata(
        List.of("Documentary", "nature", "documentary"), 2019, MaturityRating.PG_13,
        Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"), List.of("de", "US")));

    Title read = store.catalog().get(title.id()).orElseThrow();
    assertThat(read).isEqualTo(edited);
    assertThat(read.description()).isEqualTo("New text");
    assertThat(read.metadata().categories()).containsExactly("documentary", "nature");
    assertThat(read.metadata().releaseYear()).isEqualTo(2019);
    assertThat(read.metadata().maturityRating()).isEqualTo(MaturityRating.PG_13);
    assertThat(read.metadata().availableFrom()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(read.metadata().availableUntil()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(read.metadata().regions()).containsExactly("DE", "US");
    assertThat(store.catalog().list(FIRST_PAGE).items().get(0).metadata()).isEqualTo(read.metadata());
  }

  @Test
  void anEditSeesTheStoredMetadataAndKeepsWhatItDoesNotChange() {
    Title title = store.catalog().create("Nature", "Kept");
    store.catalog().editMetadata(title.id(), null, m -> m.withCategories(List.of("nature")).withReleaseYear(2001));

    Title edited = store.catalog().editMetadata(title.id(), null, m -> m.withMaturityRating(MaturityRating.G));

    assertThat(edited.description()).isEqualTo("Kept");
    assertThat(edited.metadata().categories()).containsExactly("nature");
    assertThat(edited.metadata().releaseYear()).isEqualTo(2001);
    assertThat(store.catalog().get(title.id()).orElseThrow().metadata().maturityRating())
        .isEqualTo(MaturityRating.G);
  }

  @Test
  void anEmptyWindowIsRefusedAndNothingChanges() {
    Title title = store.catalog().create("Nature", "");

    assertThatThrownBy(() -> store.catalog().editMetadata(title.id(), "changed", m -> m.withCategories(
        List.of("nature")).withAvailability(NOW, NOW.minusSeconds(1))))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("availableUntil");

    Title read = store.catalog().get(title.id()).orElseThrow();
    assertThat(read.description()).isEmpty();
    assertThat(read.metadata()).isEqualTo(TitleMetadata.NONE);
  }

  @Test
  void searchFindsOnlyPublishedTitlesInsideTheirWindow() {
    Title open = published("Open title", "", m -> m);
    Title current = published("Current title", "", m -> m.withAvailability(NOW.minusSeconds(60), NOW.plusSeconds(60)));
    published("Future title", "", m -> m.withAvailability(NOW.plusSeconds(1), null));
    published("Expired title", "", m -> m.withAvailability(null, NOW));
    store.catalog().create("Uploaded title", "");

    CatalogSearchResult result = store.catalog().search(CatalogQuery.of("", NOW, FIRST_PAGE));

    assertThat(ids(result)).containsExactlyInAnyOrder(open.id().toString(), current.id().toString());
    assertThat(result.total()).isEqualTo(2);
    assertThat(ids(store.catalog().search(CatalogQuery.of("title", NOW.plusSeconds(3600), FIRST_PAGE))))
        .containsExactlyInAnyOrder(open.id().toString(), titleNamed("Future title"));
  }

  @Test
  void aNameMatchRanksAboveADescriptionMatchAndTheTypedWordIsAPrefix() {
    Title inDescription = published("Forest life", "A film about a rabbit in the forest", m -> m);
    Title inName = published("Rabbit stories", "Short films", m -> m);
    published("Ocean", "Fish and whales", m -> m);

    assertThat(ids(store.catalog().search(CatalogQuery.of("rabbit", NOW, FIRST_PAGE))))
        .containsExactly(inName.id().toString(), inDescription.id().toString());
    assertThat(ids(store.catalog().search(CatalogQuery.of("rab", NOW, FIRST_PAGE))))
        .containsExactly(inName.id().toString(), inDescription.id().toString());
    assertThat(ids(store.catalog().search(CatalogQuery.of("forest rab", NOW, FIRST_PAGE))))
        .containsExactly(inDescription.id().toString());
    assertThat(store.catalog().search(CatalogQuery.of("submarine", NOW, FIRST_PAGE)).total()).isZero();
    assertThat(store.catalog().search(CatalogQuery.of("!!!", NOW, FIRST_PAGE)).total()).isEqualTo(3);
  }

  @Test
  void aCategoryNarrowsResultsWhileTheCountsShowEveryCategory() {
    published("Cat one", "", m -> m.withCategories(List.of("animals", "comedy")));
    published("Cat two", "", m -> m.withCategories(List.of("animals")));
    published("Cat three", "", m -> m.withCategories(List.of("drama")));
    published("Dog", "", m -> m.withCategories(List.of("animals")));

    CatalogSearchResult result = store.catalog().search(new CatalogQuery("cat", "Animals", null, List.of(), NOW,
        FIRST_PAGE));

    assertThat(result.total()).isEqualTo(2);
    assertThat(names(result)).containsExactlyInAnyOrder("Cat one", "Cat two");
    assertThat(result.categoryCounts()).containsExactly(Map.entry("animals", 2L), Map.entry("comedy", 1L),
        Map.entry("drama", 1L));
  }

  @Test
  void aMaturityLimitHidesMoreMatureAndUnratedTitles() {
    published("Kids film", "", m -> m.withMaturityRating(MaturityRating.G));
    published("Teen film", "", m -> m.withMaturityRating(MaturityRating.PG_13));
    published("Adult film", "", m -> m.withMaturityRating(MaturityRating.R));
    published("Unrated film", "", m -> m);

    assertThat(names(store.catalog().search(new CatalogQuery("film", null, MaturityRating.PG_13, List.of(), NOW,
        FIRST_PAGE)))).containsExactlyInAnyOrder("Kids film", "Teen film");
    assertThat(names(store.catalog().search(new CatalogQuery("", null, MaturityRating.G, List.of(), NOW,
        FIRST_PAGE)))).containsExactly("Kids film");
  }

  @Test
  void allowedCategoriesRestrictResultsAndCounts() {
    published("Match", "", m -> m.withCategories(List.of("sports", "news")));
    published("Film", "", m -> m.withCategories(List.of("drama")));
    published("Bulletin", "", m -> m.withCategories(List.of("news")));

    CatalogSearchResult result = store.catalog().search(new CatalogQuery("", null, null, List.of("sports"), NOW,
        FIRST_PAGE));

    assertThat(names(result)).containsExactly("Match");
    assertThat(result.categoryCounts()).containsExactly(Map.entry("sports", 1L));
  }

  @Test
  void regionsHideTitlesFromViewersKnownToBeElsewhereAndFromTheirCounts() {
    published("Everywhere film", "", m -> m.withCategories(List.of("drama")));
    published("German film", "", m -> m.withCategories(List.of("drama")).withRegions(List.of("DE")));
    published("European film", "", m -> m.withCategories(List.of("drama")).withRegions(List.of("AT", "DE", "FR")));
    published("American film", "", m -> m.withCategories(List.of("drama", "western")).withRegions(List.of("US")));

    CatalogSearchResult inGermany = store.catalog().search(inRegion("film", new ViewerRegion(List.of("de"), false)));
    assertThat(names(inGermany)).containsExactlyInAnyOrder("Everywhere film", "German film", "European film");
    assertThat(inGermany.total()).isEqualTo(3);
    assertThat(inGermany.categoryCounts()).as("no count tells of a title listed elsewhere")
        .containsExactly(Map.entry("drama", 3L));
    assertThat(names(store.catalog().search(inRegion("", new ViewerRegion(List.of("DE", "AT"), false)))))
        .as("a token's country and a CDN's that differ: both must be listed")
        .containsExactlyInAnyOrder("Everywhere film", "European film");
    assertThat(names(store.catalog().search(inRegion("", new ViewerRegion(List.of("ZA"), false)))))
        .containsExactly("Everywhere film");
    assertThat(names(store.catalog().search(inRegion("", new ViewerRegion(List.of(), true)))))
        .as("unknown where a country is required").containsExactly("Everywhere film");
    assertThat(names(store.catalog().search(inRegion("", ViewerRegion.UNCHECKED)))).hasSize(4);
    assertThatThrownBy(() -> new ViewerRegion(List.of("DEU"), false)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("country").hasMessageContaining("DEU").hasMessageContaining("alpha-2");
  }

  private static CatalogQuery inRegion(String text, ViewerRegion region) {
    return new CatalogQuery(text, null, null, List.of(), region, NOW, FIRST_PAGE);
  }

  @Test
  void resultsArePagedWithTheTotalOfAllPages() {
    for (int i = 0; i < 5; i++) {
      published("Episode " + i, "", m -> m);
    }

    CatalogSearchResult second = store.catalog().search(CatalogQuery.of("episode", NOW, new PageRequest(2, 2)));
    CatalogSearchResult last = store.catalog().search(CatalogQuery.of("episode", NOW, new PageRequest(4, 2)));

    assertThat(second.total()).isEqualTo(5);
    assertThat(second.titles().items()).hasSize(2);
    assertThat(second.titles().hasNext()).isTrue();
    assertThat(last.titles().items()).hasSize(1);
    assertThat(last.titles().hasNext()).isFalse();
  }

  @Test
  void whenMoreTitlesMatchThanASearchRanksTheCountsSaySoAndANameMatchIsStillFirst() throws SQLException {
    Title named = published("Harbour", "", m -> m.withCategories(List.of("drama")));
    publishedNewer(named, JdbcCatalog.RANKED_CANDIDATES + 1, "a harbour at dawn");

    CatalogSearchResult many = store.catalog().search(CatalogQuery.of("harbour", NOW, FIRST_PAGE));
    CatalogSearchResult few = store.catalog().search(CatalogQuery.of("dawn", NOW, FIRST_PAGE));
    CatalogSearchResult all = store.catalog().search(CatalogQuery.of("", NOW, new PageRequest(1010, 10)));

    assertThat(ids(many).get(0)).isEqualTo(named.id().toString());
    assertThat(many.totalExact()).isFalse();
    assertThat(many.total()).isGreaterThanOrEqualTo(JdbcCatalog.RANKED_CANDIDATES);
    assertThat(many.categoryCountsExact()).isFalse();
    assertThat(many.categoryCounts()).containsExactly(Map.entry("drama", 1L));
    assertThat(few.totalExact()).isFalse();
    assertThat(few.total()).isEqualTo(JdbcCatalog.RANKED_CANDIDATES + 1);
    assertThat(all.titles().items()).as("a page past the ranked matches").isEmpty();
    assertThat(all.total()).isEqualTo(JdbcCatalog.RANKED_CANDIDATES + 1);
    assertThat(store.catalog().search(new CatalogQuery("harbour", "drama", null, List.of(), NOW, FIRST_PAGE)))
        .satisfies(inDrama -> {
          assertThat(ids(inDrama)).containsExactly(named.id().toString());
          assertThat(inDrama.totalExact()).isTrue();
          assertThat(inDrama.total()).isEqualTo(1);
        });
  }

  @Test
  void aCategoryFindsItsOlderMatchesWhenMoreTitlesMatchThanASearchRanks() throws SQLException {
    Title old = published("Old pier", "a harbour at night", m -> m.withCategories(List.of("drama")));
    publishedNewer(old, JdbcCatalog.RANKED_CANDIDATES + 1, "a harbour at dawn");

    CatalogSearchResult inDrama = store.catalog().search(new CatalogQuery("harbour", "drama", null, List.of(), NOW,
        FIRST_PAGE));

    assertThat(ids(inDrama)).containsExactly(old.id().toString());
    assertThat(inDrama.total()).isEqualTo(1);
    assertThat(inDrama.totalExact()).isTrue();
    assertThat(inDrama.categoryCountsExact()).as("counted over the newest matches of every category").isFalse();
  }

  @Test
  void changingATitlesCategoriesMovesItInSearchAndCounts() {
    Title title = published("Cat one", "", m -> m.withCategories(List.of("animals", "comedy")));
    published("Cat two", "", m -> m.withCategories(List.of("animals")));

    store.catalog().editMetadata(title.id(), null, m -> m.withCategories(List.of("drama")));

    assertThat(names(store.catalog().search(inCategory("animals")))).containsExactly("Cat two");
    assertThat(names(store.catalog().search(inCategory("drama")))).containsExactly("Cat one");
    assertThat(store.catalog().search(CatalogQuery.of("cat", NOW, FIRST_PAGE)).categoryCounts())
        .containsExactly(Map.entry("animals", 1L), Map.entry("drama", 1L));
  }

  @Test
  void searchesOneAfterAnotherWithOtherFiltersEachGetTheirOwnResults() {
    published("Ocean Deep", "", m -> m.withCategories(List.of("nature", "documentary")));
    published("Mountain High", "", m -> m.withCategories(List.of("nature")));
    published("City Lights", "", m -> m.withCategories(List.of("drama")));

    for (int round = 0; round < 3; round++) {
      assertThat(names(store.catalog().search(inCategory("nature")))).containsExactly("Mountain High", "Ocean Deep");
      assertThat(names(store.catalog().search(inCategory("documentary")))).containsExactly("Ocean Deep");
      assertThat(names(store.catalog().search(inCategory("drama")))).containsExactly("City Lights");
    }
  }

  private static CatalogQuery inCategory(String category) {
    return new CatalogQuery("", category, null, List.of(), NOW, FIRST_PAGE);
  }

  @Test
  void editingTheNameOrDescriptionChangesWhatSearchFinds() {
    Title title = published("Plain", "nothing here", m -> m);
    assertThat(store.catalog().search(CatalogQuery.of("volcano", NOW, FIRST_PAGE)).total()).isZero();

    store.catalog().editMetadata(title.id(), "A volcano erupts", m -> m);

    assertThat(ids(store.catalog().search(CatalogQuery.of("volcano", NOW, FIRST_PAGE))))
        .containsExactly(title.id().toString());
  }

  private Title published(String name, String description,
      java.util.function.UnaryOperator<TitleMetadata> metadata) {
    Title title = store.catalog().create(name, description);
    store.catalog().editMetadata(title.id(), null, metadata);
    for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
      store.catalog().transition(title.id(), next);
    }
    return store.catalog().get(title.id()).orElseThrow();
  }

  /**
   * {@code count} published titles without metadata, each newer than {@code than}, inserted in one batch: creating a
   * thousand titles one transition at a time would make this the slowest test of the module.
   */
  private void publishedNewer(Title than, int count, String description) throws SQLException {
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement insert = connection.prepareStatement("INSERT INTO streamkit_titles (id, name, description,"
            + " status, progress_percent, created_at, updated_at) VALUES (?,?,?,?,?,?,?)")) {
      for (int i = 0; i < count; i++) {
        Timestamp created = Timestamp.from(than.createdAt().plusMillis(1 + i));
        insert.setObject(1, UUID.randomUUID());
        insert.setString(2, "Episode " + i);
        insert.setString(3, description);
        insert.setString(4, TitleStatus.PUBLISHED.name());
        insert.setInt(5, 100);
        insert.setTimestamp(6, created);
        insert.setTimestamp(7, created);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private String titleNamed(String name) {
    return store.catalog().list(new PageRequest(0, 100)).items().stream().filter(t -> t.name().equals(name))
        .findFirst().orElseThrow().id().toString();
  }

  private static List<String> ids(CatalogSearchResult result) {
    return result.titles().items().stream().map(t -> t.id().toString()).toList();
  }

  private static List<String> names(CatalogSearchResult result) {
    return result.titles().items().stream().map(Title::name).toList();
  }
}
