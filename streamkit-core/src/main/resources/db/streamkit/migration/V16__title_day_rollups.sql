-- Plays and watch time per title and UTC day, folded by io.streamkit.core.analytics.AnalyticsRollups in the same
-- transaction as streamkit_rollup_title_hours (see TitleDayRollups), so each row is the sum of the title's hours of
-- that day. The top titles over 7 or 30 days read these rows: at most days x titles of them rather than 24 times as
-- many hours. Standard SQL for H2 2.x and PostgreSQL 12+.
CREATE TABLE streamkit_rollup_title_days (
    title_id  UUID                     NOT NULL REFERENCES streamkit_titles (id) ON DELETE CASCADE,
    day_start TIMESTAMP WITH TIME ZONE NOT NULL,
    plays     BIGINT                   NOT NULL,
    watch_ms  BIGINT                   NOT NULL,
    PRIMARY KEY (title_id, day_start)
);
-- Covers the top-titles query (sums of plays and watch time per title over recent days), as the hours' index does.
CREATE INDEX streamkit_rollup_title_days_by_day ON streamkit_rollup_title_days (day_start, title_id, plays,
    watch_ms);

-- Hours folded before this migration get their days. The UTC day is counted from the epoch, so the session's time
-- zone plays no part (casting to DATE would use it on PostgreSQL).
INSERT INTO streamkit_rollup_title_days (title_id, day_start, plays, watch_ms)
SELECT title_id, day_start, SUM(plays), SUM(watch_ms)
FROM (SELECT title_id, plays, watch_ms,
          TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00'
              + FLOOR(EXTRACT(EPOCH FROM hour_start) / 86400) * INTERVAL '1' DAY AS day_start
      FROM streamkit_rollup_title_hours) hours
GROUP BY title_id, day_start;
