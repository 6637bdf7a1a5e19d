/** Small runnable programs that show StreamKit's embedding API. */
package io.streamkit.examples;
