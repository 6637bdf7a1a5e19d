/**
 * Ingest workers: {@link io.streamkit.hls.ingest.IngestWorkers} claims jobs from the database queue and turns each
 * uploaded source into a published HLS title, reporting progress, renditions and failures to the catalog.
 */
package io.streamkit.hls.ingest;
