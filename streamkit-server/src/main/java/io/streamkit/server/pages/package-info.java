/**
 * The pages the origin serves to people: the player and the admin console, plain HTML and JavaScript with hls.js
 * from its webjar, read from the class path. {@link io.streamkit.server.pages.PageHandler} sits in the origin's
 * pipeline; everything else here is internal.
 */
package io.streamkit.server.pages;
