/** StreamKit core. */
package io.streamkit.core;
