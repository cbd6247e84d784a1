-- One counter for "the data changed": every write to any table bumps it in
-- the same transaction. HTTP ETags derive from it, so a cached response is
-- valid exactly as long as nothing has been written since.
create table data_version (
    -- A single row, enforced.
    id          boolean primary key default true check (id),
    version     bigint not null,
    changed_at  timestamptz not null default now()
);
insert into data_version (version) values (1);

create function bump_data_version() returns trigger
language plpgsql as $$
begin
    update data_version set version = version + 1, changed_at = now();
    return null;
end;
$$;

-- Statement-level, so a bulk write bumps the counter once. Every table
-- that an API response reads from is listed.
do $$
declare
    tbl text;
begin
    foreach tbl in array array['sources', 'regions', 'topics', 'units', 'indicators',
                               'observations', 'recognitions', 'targets'] loop
        execute format(
            'create trigger %I after insert or update or delete or truncate on %I
                 for each statement execute function bump_data_version()',
            tbl || '_bump_version', tbl);
    end loop;
end;
$$;
