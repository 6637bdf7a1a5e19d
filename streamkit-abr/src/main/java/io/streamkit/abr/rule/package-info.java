/**
 * Bitrate adaptation rules behind one interface, {@link io.streamkit.abr.rule.AbrRule}, one
 * sub-package per family: {@code throughput} (rate based), {@code buffer} (BBA, BOLA), {@code hybrid}
 * (dynamic switching) and {@code mpc} (RobustMPC and StreamKit's own look-ahead rule).
 */
package io.streamkit.abr.rule;
