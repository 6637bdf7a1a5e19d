/** JMH micro-benchmarks and macro harnesses; see benchmarks/README.md for run commands and results. */
package io.streamkit.benchmarks;
