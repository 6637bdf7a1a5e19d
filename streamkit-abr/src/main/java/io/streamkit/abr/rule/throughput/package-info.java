/** Rate-based rules: pick the highest rung the estimated bandwidth sustains. */
package io.streamkit.abr.rule.throughput;
