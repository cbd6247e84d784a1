-- The read path at national scale (millions of observations).
--
-- Lists of observations are now built in the store from the filters given
-- (src/store/observations.rs), beside the query they filter, so the
-- catch-all SQL function that hid them from the planner goes.
drop function observations_matching(text[], text, boolean, text, date, date, integer, timestamptz, bigint);

-- Current figures are read through observations_unique_period (indicator,
-- region, period; current versions only). A vintage (`as_of`) needs the
-- same order over every version; the version valid at a moment is found
-- among the few versions of one key.
create index observations_history_idx
    on observations (indicator_code, region_code, period_start, period_end, valid_from);

-- No read filters on validity alone any more; this index only cost writes.
drop index observations_validity_idx;
