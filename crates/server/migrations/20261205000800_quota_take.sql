-- A quota in one round trip: the business's standing (age, issued documents, own SMS
-- account, the operator's limit) picks its limits from the four candidates the
-- application passes (index 1 + 2 * established + own SMS account; the policy and its
-- numbers stay in Rust, crate::quotas), then rate_limit_take checks and counts the
-- business's day and burst windows and, when given, the platform's day. No row: no
-- such business.
CREATE FUNCTION quota_take(
    p_business uuid, p_kind text, p_business_key text, p_platform_key text,
    p_day integer[], p_burst integer[], p_platform integer[],
    p_established_after interval, p_established_documents integer, p_now timestamptz)
RETURNS TABLE (wait double precision, per_day integer, per_10_minutes integer, established boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_created timestamptz;
    v_issued bigint;
    v_own boolean;
    v_override integer;
    v_index integer;
    v_platform integer;
BEGIN
    SELECT biz.created_at,
           (SELECT count(*) FROM (SELECT 1 FROM invoices inv WHERE inv.business_id = biz.id AND inv.status = 'issued'
                                  LIMIT p_established_documents) first_ones),
           EXISTS (SELECT 1 FROM business_sms_providers sp WHERE sp.business_id = biz.id),
           (SELECT q.per_day FROM business_quotas q WHERE q.business_id = biz.id AND q.kind = p_kind)
      INTO v_created, v_issued, v_own, v_override
      FROM businesses biz WHERE biz.id = p_business;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    established := p_now - v_created >= p_established_after AND v_issued >= p_established_documents;
    v_index := 1 + CASE WHEN established THEN 2 ELSE 0 END + CASE WHEN v_own THEN 1 ELSE 0 END;
    per_day := p_day[v_index];
    per_10_minutes := p_burst[v_index];
    v_platform := p_platform[v_index];
    IF v_override IS NOT NULL THEN
        per_day := v_override;
        per_10_minutes := least(greatest(per_10_minutes, v_override / 10), v_override);
    END IF;
    IF v_platform > 0 THEN
        wait := rate_limit_take(ARRAY[p_business_key, p_business_key, p_platform_key],
                                ARRAY[per_day, per_10_minutes, v_platform], ARRAY[86400, 600, 86400], p_now);
    ELSE
        wait := rate_limit_take(ARRAY[p_business_key, p_business_key],
                                ARRAY[per_day, per_10_minutes], ARRAY[86400, 600], p_now);
    END IF;
    RETURN NEXT;
END;
$$;
