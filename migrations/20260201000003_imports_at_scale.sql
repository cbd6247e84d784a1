-- Bulk imports at national scale: one audit entry per import, staging
-- tables, and set-based checks of inserted observations.

-- An import is audited once, not once per row. Per-row entries repeated
-- each version's whole record twice (before and after): a million-row import
-- wrote 867 MB of audit for 262 MB of observations. The versions already hold
-- every before and after, so an import's entry says who, why and how many,
-- and the history of one observation is rebuilt from its versions.

alter table audit_log drop constraint audit_log_action_check;
alter table audit_log add constraint audit_log_action_check
    check (action in ('create', 'replace', 'delete', 'import'));
alter table audit_log drop constraint audit_log_resource_check;
alter table audit_log add constraint audit_log_resource_check
    check (resource in ('observation', 'recognition', 'target', 'region', 'topic', 'unit', 'indicator',
                        'source', 'import'));
-- An import entry has no before; its after is the import's report.
alter table audit_log drop constraint audit_log_check;
alter table audit_log add constraint audit_log_before_check
    check ((action in ('create', 'import')) = (before is null));
alter table audit_log add constraint audit_log_import_check
    check ((action = 'import') = (resource = 'import'));

-- Every change to one observation, as audit entries: those written one by
-- one, and one per import that wrote a version of it. An import writes all
-- its versions at one moment under the writers' lock and records its entry
-- at that same moment (`at` = the versions' `valid_from`), so no other
-- write shares it: that equality is the link. `valid_to` is shown as null,
-- as it was when the version was written and when it was replaced.
create function observation_revisions(p_id bigint)
returns table (id bigint, at timestamptz, key_name text, action text, resource text, resource_key text,
               revision integer, before jsonb, after jsonb, reason text)
language sql stable as $$
    select a.id, a.at, a.key_name, a.action, a.resource, a.resource_key, a.revision, a.before, a.after, a.reason
    from audit_log a
    where a.resource = 'observation' and a.resource_key = p_id::text
    union all
    select a.id, a.at, a.key_name,
           case when v.revision = 1 then 'create' else 'replace' end,
           'observation', v.id::text, v.revision,
           (select jsonb_set(to_jsonb(p) - 'version_id', '{valid_to}', 'null')
            from observations p where p.id = v.id and p.revision = v.revision - 1),
           jsonb_set(to_jsonb(v) - 'version_id', '{valid_to}', 'null'),
           a.reason
    from observations v
    join audit_log a on a.resource = 'import' and a.at = v.valid_from
    where v.id = p_id
$$;

-- The staging tables of bulk imports. An import copies its valid rows into
-- import_rows while the body uploads, then compares them with the current
-- versions into import_plan (see store/imports.rs). One import runs at a
-- time (an advisory lock), and each empties both in its own transaction at
-- start and before commit. Unlogged: they are scratch space, not worth WAL,
-- and a crash rightly empties them.
create unlogged table import_rows (
    -- The row's line in the body (its position, in a JSON array).
    line                bigint not null,
    indicator_code      text not null,
    region_code         text not null,
    period_start        date not null,
    period_end          date not null,
    period_label        text not null,
    value               numeric not null,
    qualifier           text not null,
    comparison_basis    text,
    reported_value      numeric,
    reported_unit       text,
    reported_unit_code  text,
    reported_text       text,
    derived             boolean not null,
    formula             text,
    source_id           text not null,
    excerpt             text not null
);
create unlogged table import_plan (
    line          bigint not null,
    -- The line that gave this key first: another line means a repeat.
    first_line    bigint not null,
    -- The current version under the key, if any.
    old_id        bigint,
    old_version   bigint,
    old_revision  integer,
    action        text not null check (action in ('create', 'update', 'unchanged'))
);

-- The rules of a printed observation (its excerpt quotes its source; its
-- reported figure converts to its value and stands in its excerpt) were
-- checked by row triggers, one PL/pgSQL call and a detoasted source text per
-- row: 40 of every 76 µs of a bulk insert. For inserts they are now checked
-- once per statement, in one pass over all the inserted rows, raising the
-- same errors for the first row that breaks one (so the service maps them as
-- before). An update is still checked row by
-- row, and only when it changes what the rule is about: closing a version
-- (setting valid_to) re-checks nothing.
create function check_inserted_observations() returns trigger
language plpgsql as $$
declare
    bad record;
begin
    -- One pass over the inserted rows, the first row that breaks a rule;
    -- each source's text is read (and decompressed) once, not once a row.
    with source as materialized (
        select id, full_text || '' as full_text
        from sources where id in (select source_id from inserted)
    )
    select n.source_id, n.value, n.reported_value, n.reported_unit_code, n.reported_text,
           i.unit_code as indicator_unit, u.factor,
           case when s.id is null or strpos(s.full_text, n.excerpt) = 0 then 'excerpt'
                when u.base_code is distinct from i.unit_code then 'unit'
                when n.value <> n.reported_value * u.factor then 'value'
                else 'text' end as rule
      into bad
    from inserted n
    left join source s on s.id = n.source_id
    left join indicators i on i.code = n.indicator_code
    left join units u on u.code = n.reported_unit_code
    where s.id is null or strpos(s.full_text, n.excerpt) = 0
       or (not n.derived and (u.base_code is distinct from i.unit_code
                              or n.value <> n.reported_value * u.factor
                              or strpos(n.excerpt, n.reported_text) = 0))
    limit 1;
    if not found then
        return null;
    elsif bad.rule = 'excerpt' then
        raise exception 'excerpt is not a verbatim part of source %', bad.source_id
            using errcode = 'check_violation', constraint = 'excerpt_in_source';
    elsif bad.rule = 'unit' then
        raise exception 'reported unit % does not convert to indicator unit %', bad.reported_unit_code, bad.indicator_unit
            using errcode = 'check_violation', constraint = 'observations_reported_unit';
    elsif bad.rule = 'value' then
        raise exception 'value % is not % × %', bad.value, bad.reported_value, bad.factor
            using errcode = 'check_violation', constraint = 'observations_reported_value';
    else
        raise exception 'reported text % is not in the excerpt', bad.reported_text
            using errcode = 'check_violation', constraint = 'observations_reported_text';
    end if;
end;
$$;
drop trigger observations_excerpt_in_source on observations;
drop trigger observations_reported_consistent on observations;
create trigger observations_checked after insert on observations
    referencing new table as inserted
    for each statement execute function check_inserted_observations();
create trigger observations_excerpt_in_source before update on observations
    for each row when (new.excerpt is distinct from old.excerpt or new.source_id is distinct from old.source_id)
    execute function check_excerpt_in_source();
create trigger observations_reported_consistent before update on observations
    for each row when ((new.indicator_code, new.value, new.reported_value, new.reported_unit_code, new.reported_text, new.excerpt, new.derived)
                       is distinct from (old.indicator_code, old.value, old.reported_value, old.reported_unit_code, old.reported_text, old.excerpt, old.derived))
    execute function check_observation_reported();
