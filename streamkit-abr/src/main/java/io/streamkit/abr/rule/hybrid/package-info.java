/** Rules that switch between families according to the playback state (dash.js DYNAMIC). */
package io.streamkit.abr.rule.hybrid;
