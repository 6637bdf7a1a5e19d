/** Buffer-based rules: the buffer level, not a bandwidth estimate, drives the choice (BBA, BOLA). */
package io.streamkit.abr.rule.buffer;
