package io.streamkit.core.title;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.InvalidValueException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TitleWorkflowTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private final Title uploaded = Title.uploaded(UUID.randomUUID(), "Sintel", "", NOW);

  @ParameterizedTest
  @CsvSource({
      "UPLOADED, PROCESSING, true", "UPLOADED, REJECTED, true", "UPLOADED, READY, false",
      "UPLOADED, PUBLISHED, false", "PROCESSING, READY, true", "PROCESSING, FAILED, true",
      "PROCESSING, PUBLISHED, false", "READY, PUBLISHED, true", "READY, REJECTED, true", "READY, PROCESSING, false",
      "PUBLISHED, READY, true", "PUBLISHED, REJECTED, true", "PUBLISHED, UPLOADED, false",
      "FAILED, PROCESSING, true", "FAILED, READY, false", "REJECTED, PUBLISHED, false", "REJECTED, UPLOADED, false"})
  void workflowAllowsExactlyTheDocumentedMoves(TitleStatus from, TitleStatus to, boolean allowed) {
    assertThat(from.canMoveTo(to)).isEqualTo(allowed);
  }

  @Test
  void theWorkflowIsExactlyTheDocumentedDiagram() {
    Set<String> documented = Set.of("UPLOADED>PROCESSING", "UPLOADED>REJECTED", "PROCESSING>READY",
        "PROCESSING>FAILED", "READY>PUBLISHED", "READY>REJECTED", "PUBLISHED>READY", "PUBLISHED>REJECTED",
        "FAILED>PROCESSING");
    Set<String> allowed = new HashSet<>();
    for (TitleStatus from : TitleStatus.values()) {
      for (TitleStatus to : TitleStatus.values()) {
        if (from.canMoveTo(to)) {
          allowed.add(from + ">" + to);
        }
      }
    }
    assertThat(allowed).isEqualTo(documented);
  }

  @Test
  void aReasonIsKeptWhileTheTitleStaysInTheStatusItCameWith() {
    Title published = uploaded.moveTo(TitleStatus.PROCESSING, NOW).moveTo(TitleStatus.READY, NOW)
        .moveTo(TitleStatus.PUBLISHED, NOW);

    Title unpublished = published.moveTo(TitleStatus.READY, "  Rights expire on 2026-04-01 ", NOW);
    assertThat(unpublished.statusReasonIfAny()).hasValue("Rights expire on 2026-04-01");
    assertThat(unpublished.errorMessageIfFailed()).isEmpty();
    assertThat(unpublished.moveTo(TitleStatus.PUBLISHED, NOW).statusReasonIfAny()).isEmpty();

    Title rejected = unpublished.moveTo(TitleStatus.REJECTED, "Contains copyrighted music", NOW);
    assertThat(rejected.status()).isEqualTo(TitleStatus.REJECTED);
    assertThat(rejected.statusReason()).isEqualTo("Contains copyrighted music");
    assertThat(uploaded.moveTo(TitleStatus.REJECTED, NOW).statusReasonIfAny()).isEmpty();
  }

  @Test
  void aFailureMessageIsTheStatusReasonOfAFailedTitleAndGoesOnRetry() {
    Title failed = uploaded.moveTo(TitleStatus.PROCESSING, NOW).fail("no video stream", NOW);

    assertThat(failed.statusReasonIfAny()).hasValue("no video stream");
    assertThat(failed.errorMessageIfFailed()).hasValue("no video stream");
    Title retried = failed.moveTo(TitleStatus.PROCESSING, NOW);
    assertThat(retried.statusReasonIfAny()).isEmpty();
    assertThat(retried.errorMessage()).isNull();
    assertThatThrownBy(() -> failed.moveTo(TitleStatus.PROCESSING, "Disk cleaned up", NOW).moveTo(TitleStatus.FAILED,
        "disk full", NOW)).isInstanceOf(InvalidValueException.class).hasMessageContaining("fail(errorMessage)");
  }

  @Test
  void reasonsAreOneLineOfOneToAThousandCharacters() {
    assertThat(Title.checkStatusReason(" Spam ")).isEqualTo("Spam");
    assertRefused(() -> Title.checkStatusReason("Spam\nand more"), "status reason", "U+000A", "character 5");
    assertThatThrownBy(() -> Title.checkStatusReason("x".repeat(Title.MAX_STATUS_REASON_LENGTH + 1)))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("status reason must be at most 1000");
    assertThatThrownBy(() -> Title.checkStatusReason(" ")).hasMessageContaining("status reason must not be blank");
    Title ready = uploaded.moveTo(TitleStatus.PROCESSING, NOW).moveTo(TitleStatus.READY, NOW);
    assertThatThrownBy(() -> ready.moveTo(TitleStatus.REJECTED, "tab\there", NOW))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("U+0009");
  }

  @Test
  void illegalMoveNamesBothStatesAndTheTitle() {
    assertThatThrownBy(() -> uploaded.moveTo(TitleStatus.PUBLISHED, NOW))
        .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
          assertThat(e.from()).isEqualTo(TitleStatus.UPLOADED);
          assertThat(e.to()).isEqualTo(TitleStatus.PUBLISHED);
        })
        .hasMessageContaining("UPLOADED").hasMessageContaining("PUBLISHED")
        .hasMessageContaining(uploaded.id().toString()).hasMessageContaining("PROCESSING");
  }

  @Test
  void rejectedIsFinal() {
    Title rejected = uploaded.moveTo(TitleStatus.REJECTED, NOW);
    assertThatThrownBy(() -> rejected.moveTo(TitleStatus.PROCESSING, NOW))
        .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("final state");
  }

  @Test
  void failingNeedsAMessageAndOnlyHappensWhileProcessing() {
    assertThatThrownBy(() -> uploaded.fail("no video stream", NOW)).isInstanceOf(IllegalTransitionException.class);
    Title processing = uploaded.moveTo(TitleStatus.PROCESSING, NOW);
    assertThatThrownBy(() -> processing.moveTo(TitleStatus.FAILED, NOW))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("fail(errorMessage)");
    assertThatThrownBy(() -> processing.fail(" ", NOW))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("errorMessage");
    assertThat(processing.fail("no video stream", NOW).errorMessage()).isEqualTo("no video stream");
  }

  @Test
  void readyMeansFullyProcessed() {
    Title processing = uploaded.moveTo(TitleStatus.PROCESSING, NOW).withProgressPercent(37, NOW);
    assertThat(processing.progressPercent()).isEqualTo(37);
    assertThat(processing.moveTo(TitleStatus.READY, NOW).progressPercent()).isEqualTo(100);
  }

  @Test
  void badTitleValuesNameTheFieldAndTheValue() {
    assertThatThrownBy(() -> Title.uploaded(UUID.randomUUID(), "", "", NOW))
        .isInstanceOf(InvalidValueException.class).hasMessage("title name must not be blank, got ''");
    assertThatThrownBy(() -> Title.uploaded(UUID.randomUUID(), "x".repeat(201), "", NOW))
        .hasMessageContaining("title name must be at most 200 characters");
    assertThatThrownBy(() -> Title.uploaded(UUID.randomUUID(), "ok", null, NOW))
        .hasMessage("title description is required, got nothing");
  }

  @Test
  void titleTextIsTrimmedAndDescriptionsKeepLineBreaksAndTabs() {
    assertThat(Title.checkName("  Sintel \t")).isEqualTo("Sintel");
    assertThat(Title.checkDescription(" Part one\r\n\tPart two\rEnd \n")).isEqualTo("Part one\n\tPart two\nEnd");
    assertThat(Title.checkDescription("   ")).isEmpty();

    Title created = Title.uploaded(UUID.randomUUID(), " Sintel ", "A dragon.\r\n", NOW);
    assertThat(created.name()).isEqualTo("Sintel");
    assertThat(created.description()).isEqualTo("A dragon.");
  }

  @Test
  void controlCharactersInTitleTextNameFieldCodePointAndPositionOnOneLine() {
    assertRefused(() -> Title.checkName("Sin\u0000tel"), "title name", "U+0000", "character 4");
    assertRefused(() -> Title.checkName("Sin\ntel"), "title name", "U+000A", "character 4");
    assertRefused(() -> Title.checkName("Sintel\u007f"), "title name", "U+007F", "character 7");
    assertRefused(() -> Title.checkDescription("Line one\nbell\u0007"), "title description", "U+0007",
        "character 14");
    assertRefused(() -> Title.checkDescription("next\u0085line"), "title description", "U+0085", "character 5");
    assertRefused(() -> Title.uploaded(UUID.randomUUID(), "ok", "nul\u0000", NOW), "title description", "U+0000",
        "character 4");
    assertRefused(() -> Title.checkName("broken \uD800 surrogate"), "title name", "U+D800", "character 8");
  }

  @Test
  void titleTextLengthsAreCheckedAfterTrimming() {
    assertThat(Title.checkName(" " + "x".repeat(Title.MAX_NAME_LENGTH) + " ")).hasSize(Title.MAX_NAME_LENGTH);
    assertThatThrownBy(() -> Title.checkName("x".repeat(Title.MAX_NAME_LENGTH + 1)))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("title name must be at most 200 characters");
    assertThatThrownBy(() -> Title.checkDescription("x".repeat(Title.MAX_DESCRIPTION_LENGTH + 1)))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("title description must be at most 5000 characters");
    assertThatThrownBy(() -> Title.checkName(" \t ")).hasMessageContaining("title name must not be blank");
    assertThatThrownBy(() -> Title.checkName(null)).hasMessage("title name is required, got nothing");
  }

  private static void assertRefused(Runnable call, String field, String codePoint, String position) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(InvalidValueException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.getMessage()).startsWith(field).contains(codePoint).contains(position).contains("remove")
              .doesNotContain("\u0000").doesNotContain("\n").doesNotContain("\r");
        });
  }

  @Test
  void renditionsCheckTheirLimits() {
    assertThatThrownBy(() -> new Rendition("720p", 1280, 720, 1_000_000, 2_000_000, "avc1.64001f", 30, "720p/a.m3u8"))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("averageBitrate")
        .hasMessageContaining("2000000");
    assertThatThrownBy(() -> new Rendition("720p", 0, 720, 1_000_000, 900_000, "avc1.64001f", 30, "720p/a.m3u8"))
        .hasMessageContaining("rendition width must be between 1 and 16384, got 0");
    assertThatThrownBy(() -> new Rendition("720p", 1280, 720, 1_000_000, 900_000, "avc1", Double.NaN, "a.m3u8"))
        .hasMessageContaining("rendition frameRate");
    assertThat(new Rendition("audio", 0, 0, 140_000, 130_000, "mp4a.40.2", 0, "audio/index.m3u8").audioOnly())
        .as("an audio-only variant has no picture").isTrue();
    assertThatThrownBy(() -> new Rendition("audio", 0, 0, 140_000, 130_000, "mp4a.40.2", 30, "audio/index.m3u8"))
        .as("no size but a frame rate is neither video nor audio-only")
        .hasMessageContaining("rendition width must be between 1 and 16384, got 0");
    assertThatThrownBy(() -> new Rendition("720p", 1280, 720, 1_000_000, 900_000, "avc1", 30, "../etc/passwd"))
        .hasMessageContaining("rendition playlistPath");
  }
}
