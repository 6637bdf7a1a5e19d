/** StreamKit abr. */
package io.streamkit.abr;
