/**
 * Model-predictive rules: plan the next chunks' qualities against a throughput prediction and play the
 * first step of the best plan (RobustMPC, and StreamKit's own rule built on the same exact search).
 */
package io.streamkit.abr.rule.mpc;
