-- region_scope walks down the hierarchy level by level. With the whole
-- country in `regions` (3,220 rows), the planner hashes every region at
-- each level (about 1 ms a call) where following regions_parent_code_idx
-- from the few codes found so far takes 0.05 ms: it cannot know how few
-- rows the recursion carries. So the walk is told to use the index, and,
-- written in PL/pgSQL, its plan is kept for the session instead of being
-- made again on every call.
create or replace function region_scope(p_region text, p_descendants boolean) returns setof text
language plpgsql stable
set enable_hashjoin = off
set enable_mergejoin = off
as $$
begin
    return query
    with recursive scope (code) as (
        select r.code from regions r where r.code = p_region and r.deleted_at is null
        union
        select r.code from regions r join scope s on r.parent_code = s.code
        where p_descendants and r.deleted_at is null
    )
    select scope.code from scope;
end;
$$;
