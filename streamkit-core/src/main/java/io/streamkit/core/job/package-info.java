/**
 * The durable ingest job queue: {@link io.streamkit.core.job.IngestJobQueue} over StreamKit's database, shared by any
 * number of worker processes on PostgreSQL.
 */
package io.streamkit.core.job;
