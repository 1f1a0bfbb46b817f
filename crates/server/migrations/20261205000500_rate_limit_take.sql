-- Several sliding-window limits checked and counted in one round trip (the sending
-- quotas take three keys at once): each key is locked (in a fixed order, so two
-- callers never wait on each other crosswise), every limit is checked, and only if all
-- have room is one event counted per key. Returns 0, or the seconds until the longest
-- blocked limit frees a slot. Same rules as db::rate_limits::check/record.
CREATE FUNCTION rate_limit_take(p_keys text[], p_max integer[], p_window_seconds integer[], p_now timestamptz)
RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE
    k text;
    i integer;
    blocking timestamptz;
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
    INSERT INTO rate_limit_events (key, at) SELECT DISTINCT unnest(p_keys), p_now;
    RETURN 0;
END;
$$;
