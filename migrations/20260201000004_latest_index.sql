-- `latest=N` (and so every dashboard) reads the N most recent periods of
-- one indicator and region: in this order they are the first entries of
-- one index range, not a sort of the whole series.
create index observations_latest_idx
    on observations (indicator_code, region_code, period_end desc, period_start desc)
    where valid_to is null;

-- Every read of observations now goes through an indicator (see
-- src/store/observations.rs); these two indexes served the SQL function
-- that read them by region or by period alone, and now only cost writes.
drop index observations_region_idx;
drop index observations_period_idx;
