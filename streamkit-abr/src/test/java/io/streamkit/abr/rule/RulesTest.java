package io.streamkit.abr.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.abr.rule.buffer.BbaRule;
import io.streamkit.abr.rule.buffer.BolaRule;
import io.streamkit.abr.rule.hybrid.DynamicRule;
import io.streamkit.abr.rule.mpc.RobustMpcRule;
import io.streamkit.abr.rule.mpc.StreamKitRule;
import io.streamkit.abr.rule.throughput.ThroughputRule;
import org.junit.jupiter.api.Test;

class RulesTest {

  @Test
  void bbaMapsTheBufferLinearlyBetweenReservoirAndCushion() {
    BbaRule rule = new BbaRule();
    FixedState state = new FixedState();
    state.buffer = 4.9;
    assertThat(rule.nextQuality(state)).isZero();
    state.buffer = 10;
    assertThat(rule.nextQuality(state)).isEqualTo(2); // 5 · 5/10 = 2.5 → rung 2
    state.buffer = 14.99;
    assertThat(rule.nextQuality(state)).isEqualTo(4);
    state.buffer = 15;
    assertThat(rule.nextQuality(state)).isEqualTo(5);
  }

  @Test
  void throughputRuleNeedsMoreHeadroomToClimbThanToStay() {
    // 2 Mbit/s link: rung 3 (1.85 Mbit/s) fits under 0.95 × 2 but not under 0.7 × 2.
    ThroughputRule staying = new ThroughputRule();
    assertThat(staying.nextQuality(new FixedState().fetched(3, 2_000_000))).isEqualTo(3);
    ThroughputRule climbing = new ThroughputRule();
    assertThat(climbing.nextQuality(new FixedState().fetched(1, 2_000_000))).isEqualTo(2);
  }

  @Test
  void bolaFollowsTheBufferAndBolaODoesNotClimbBeyondTheThroughput() {
    BolaRule rule = new BolaRule();
    FixedState state = new FixedState().fetched(1, 10_000_000);
    state.buffer = 4;
    rule.nextQuality(state); // start-up decision
    state.buffer = 2;
    assertThat(rule.nextQuality(state)).isZero();
    state.buffer = 40;
    assertThat(rule.nextQuality(state)).isEqualTo(5);

    BolaRule damped = new BolaRule();
    FixedState slow = new FixedState().fetched(1, 1_000_000); // sustains rung 1 at best
    slow.buffer = 4;
    damped.nextQuality(slow);
    slow.buffer = 40;
    assertThat(damped.nextQuality(slow)).isEqualTo(1);
  }

  @Test
  void dynamicRuleSwitchesToBolaWithHysteresis() {
    DynamicRule rule = new DynamicRule();
    FixedState state = new FixedState().fetched(2, 5_000_000);
    state.buffer = 8;
    rule.nextQuality(state);
    assertThat(rule.bolaActive()).isFalse();
    state.buffer = 12;
    rule.nextQuality(state);
    assertThat(rule.bolaActive()).isTrue();
    state.buffer = 7; // between the levels: stays with BOLA
    rule.nextQuality(state);
    assertThat(rule.bolaActive()).isTrue();
    state.buffer = 5.9;
    rule.nextQuality(state);
    assertThat(rule.bolaActive()).isFalse();
  }

  @Test
  void lookAheadRulesClimbOnAFastLinkAndDropOnASlowOne() {
    FixedState fast = new FixedState().fetched(1, 20_000_000);
    fast.buffer = 20;
    assertThat(new RobustMpcRule().nextQuality(fast)).isGreaterThan(1);
    assertThat(new StreamKitRule().nextQuality(fast)).isGreaterThan(1);
    FixedState slow = new FixedState().fetched(3, 400_000);
    slow.buffer = 4;
    assertThat(new RobustMpcRule().nextQuality(slow)).isZero();
    assertThat(new StreamKitRule().nextQuality(slow)).isZero();
  }

  @Test
  void anInstantDownloadFromACacheStillYieldsADecision() {
    FixedState cached = new FixedState().fetched(2, 5_000_000);
    cached.lastDownload = 0;
    cached.buffer = 20;
    for (AbrRule rule : new AbrRule[] {new ThroughputRule(), new BolaRule(), new DynamicRule(), new RobustMpcRule(), new StreamKitRule()}) {
      assertThat(rule.nextQuality(cached)).as(rule.getClass().getSimpleName()).isBetween(0, 5);
    }
  }

  @Test
  void settingsOutsideTheirLimitsAreRejectedByName() {
    assertThatThrownBy(() -> new BbaRule(5, 0)).hasMessageContaining("cushionSeconds");
    assertThatThrownBy(() -> new DynamicRule(6, 12)).hasMessageContaining("switchOffSeconds");
    assertThatThrownBy(() -> new StreamKitRule(9, 1, 4, 0.7, 4.3)).hasMessageContaining("horizon");
  }
}
