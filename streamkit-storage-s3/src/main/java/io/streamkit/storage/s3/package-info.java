/**
 * {@link io.streamkit.storage.s3.S3Storage}: the {@link io.streamkit.core.storage.MediaStorage} port on AWS S3 and
 * S3-compatible services, through the AWS SDK for Java v2.
 */
package io.streamkit.storage.s3;
