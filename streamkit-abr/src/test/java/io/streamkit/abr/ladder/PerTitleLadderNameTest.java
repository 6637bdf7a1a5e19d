package io.streamkit.abr.ladder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code auto} names the per-title ladder, whose rungs are the candidates the transcoder starts from. */
class PerTitleLadderNameTest {

  @Test
  void autoIsTheAppleLadderPerTitle() {
    Ladder auto = Ladder.named("AUTO");
    assertThat(auto.isPerTitle()).isTrue();
    assertThat(auto.name()).isEqualTo("auto");
    assertThat(auto.rungs()).isEqualTo(Ladder.apple().rungs());
  }

  @Test
  void anyLadderCanBeMadePerTitleOnce() {
    Ladder bench = Ladder.perTitle(Ladder.bench());
    assertThat(bench.name()).isEqualTo("auto-bench");
    assertThat(Ladder.perTitle(bench)).isSameAs(bench);
    assertThat(Ladder.bench().isPerTitle()).isFalse();
    assertThat(Ladder.named("apple").isPerTitle()).isFalse();
  }

  @Test
  void anUnknownNameListsAuto() {
    assertThatThrownBy(() -> Ladder.named("automatic")).hasMessageContaining("apple, bench, small, auto");
  }
}
