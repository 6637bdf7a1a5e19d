/** StreamKit hls. */
package io.streamkit.hls;
