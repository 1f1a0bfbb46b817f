-- Large limits (the platform-wide quotas: 50,000 emails a day; an established business's
-- 1,000) are counted in buckets instead of one row per event: checking a sliding window
-- of event rows costs a scan as long as the window is full (50,000 index entries per
-- send at the platform's peak), a sum over buckets costs at most 96 rows. A bucket is a
-- 96th of its window, so the window slides in steps of that size (15 minutes for a day)
-- and counts conservatively: an event is forgotten up to one step late, never early.
-- Small limits (sign-in, bursts) keep exact per-event windows and their exact Retry-After.
CREATE TABLE rate_limit_buckets (
    key     text NOT NULL,
    bucket  timestamptz NOT NULL,
    count   integer NOT NULL,
    PRIMARY KEY (key, bucket)
);

CREATE OR REPLACE FUNCTION rate_limit_take(p_keys text[], p_max integer[], p_window_seconds integer[], p_now timestamptz)
RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE
    k text;
    i integer;
    blocking timestamptz;
    step double precision;
    used bigint;
    wait double precision := 0;
BEGIN
    FOR k IN SELECT DISTINCT unnest(p_keys) ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended(k, 0));
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
        IF p_max[i] = 0 THEN
            wait := greatest(wait, p_window_seconds[i]);
            CONTINUE;
        END IF;
        IF p_max[i] > 500 THEN
            step := p_window_seconds[i] / 96.0;
            SELECT coalesce(sum(count), 0), min(bucket) INTO used, blocking FROM rate_limit_buckets
             WHERE key = p_keys[i] || '#' || p_window_seconds[i]
               AND bucket > p_now - make_interval(secs => p_window_seconds[i] + step);
            IF used >= p_max[i] THEN
                wait := greatest(wait, 1,
                    extract(epoch FROM blocking + make_interval(secs => p_window_seconds[i] + step) - p_now));
            END IF;
            CONTINUE;
        END IF;
        SELECT at INTO blocking FROM rate_limit_events
         WHERE key = p_keys[i] AND at > p_now - make_interval(secs => p_window_seconds[i])
         ORDER BY at DESC OFFSET p_max[i] - 1 LIMIT 1;
        IF FOUND THEN
            wait := greatest(wait, 1, extract(epoch FROM blocking + make_interval(secs => p_window_seconds[i]) - p_now));
        END IF;
    END LOOP;
    IF wait > 0 THEN
        RETURN wait;
    END IF;
    -- One event per key for the exact windows, one count per (key, window) bucket.
    INSERT INTO rate_limit_events (key, at)
        SELECT DISTINCT p_keys[j], p_now FROM generate_subscripts(p_keys, 1) j WHERE p_max[j] <= 500;
    INSERT INTO rate_limit_buckets (key, bucket, count)
        SELECT DISTINCT p_keys[j] || '#' || p_window_seconds[j],
               to_timestamp(floor(extract(epoch FROM p_now) / (p_window_seconds[j] / 96.0)) * (p_window_seconds[j] / 96.0)),
               1
          FROM generate_subscripts(p_keys, 1) j WHERE p_max[j] > 500
        ON CONFLICT (key, bucket) DO UPDATE SET count = rate_limit_buckets.count + 1;
    RETURN 0;
END;
$$;
