-- Measures from Common Media Client Data (CTA-5004) that the origin records as cmcd events, folded into the hourly
-- rollups of V12 by io.streamkit.core.analytics.CmcdRollup. Each pair is a sum and a count (or a weight), so rows
-- still add: buffer length (bl, ms) and measured throughput (mtp, kbit/s) are means over the requests that reported
-- them; the encoded bitrate (br, kbit/s) is weighted by each object's duration (d, ms); starvations count the
-- requests that carried the buffer starvation flag (bs). Standard SQL for H2 2.x and PostgreSQL 12+.
ALTER TABLE streamkit_rollup_title_hours ADD COLUMN cmcd_buffer_samples BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_title_hours ADD COLUMN cmcd_buffer_ms BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_title_hours ADD COLUMN cmcd_throughput_samples BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_title_hours ADD COLUMN cmcd_throughput_kbps BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_title_hours ADD COLUMN cmcd_encoded_ms BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_title_hours ADD COLUMN cmcd_encoded_product DOUBLE PRECISION DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_title_hours ADD COLUMN cmcd_starvations BIGINT DEFAULT 0 NOT NULL;

ALTER TABLE streamkit_rollup_platform_hours ADD COLUMN cmcd_buffer_samples BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_platform_hours ADD COLUMN cmcd_buffer_ms BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_platform_hours ADD COLUMN cmcd_throughput_samples BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_platform_hours ADD COLUMN cmcd_throughput_kbps BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_platform_hours ADD COLUMN cmcd_encoded_ms BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_platform_hours ADD COLUMN cmcd_encoded_product DOUBLE PRECISION DEFAULT 0 NOT NULL;
ALTER TABLE streamkit_rollup_platform_hours ADD COLUMN cmcd_starvations BIGINT DEFAULT 0 NOT NULL;
