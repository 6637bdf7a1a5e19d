-- The kind of client that reported each playback event (io.streamkit.core.event.PlaybackClient: a device class, a
-- browser family and an operating-system family, each a short wire name), and hourly rollups broken down by it.
-- The origin derives the kind from the request's User-Agent; the header itself is never stored. Events stored
-- before this migration count as 'other'. Standard SQL for H2 2.x and PostgreSQL 12+ (a constant default adds the
-- columns without rewriting the table on PostgreSQL 11 and later).
ALTER TABLE streamkit_events ADD COLUMN device_class VARCHAR(16) DEFAULT 'other' NOT NULL;
ALTER TABLE streamkit_events ADD COLUMN browser VARCHAR(16) DEFAULT 'other' NOT NULL;
ALTER TABLE streamkit_events ADD COLUMN os_family VARCHAR(16) DEFAULT 'other' NOT NULL;

-- One row per title, UTC hour and kind of client, folded by AnalyticsRollups beside streamkit_rollup_title_hours
-- (the same definitions; the sketches as there). Bounded: at most 5 x 5 x 6 kinds per title and hour.
CREATE TABLE streamkit_rollup_title_client_hours (
    title_id          UUID                     NOT NULL REFERENCES streamkit_titles (id) ON DELETE CASCADE,
    hour_start        TIMESTAMP WITH TIME ZONE NOT NULL,
    device_class      VARCHAR(16)              NOT NULL,
    browser           VARCHAR(16)              NOT NULL,
    os_family         VARCHAR(16)              NOT NULL,
    plays             BIGINT                   NOT NULL,
    watch_ms          BIGINT                   NOT NULL,
    stalled_ms        BIGINT                   NOT NULL,
    errors            BIGINT                   NOT NULL,
    startups          BIGINT                   NOT NULL,
    startup_histogram VARCHAR(4000)            NOT NULL,
    viewers_hll       VARCHAR(4000)            NOT NULL,
    PRIMARY KEY (title_id, hour_start, device_class, browser, os_family)
);

-- The same over every title, so the platform breakdown reads a few rows per hour.
CREATE TABLE streamkit_rollup_platform_client_hours (
    hour_start        TIMESTAMP WITH TIME ZONE NOT NULL,
    device_class      VARCHAR(16)              NOT NULL,
    browser           VARCHAR(16)              NOT NULL,
    os_family         VARCHAR(16)              NOT NULL,
    plays             BIGINT                   NOT NULL,
    watch_ms          BIGINT                   NOT NULL,
    stalled_ms        BIGINT                   NOT NULL,
    errors            BIGINT                   NOT NULL,
    startups          BIGINT                   NOT NULL,
    startup_histogram VARCHAR(4000)            NOT NULL,
    viewers_hll       VARCHAR(4000)            NOT NULL,
    PRIMARY KEY (hour_start, device_class, browser, os_family)
);
