-- The statistical schema: a catalogue (regions, topics, units, indicators,
-- sources) and the facts that cite it (observations, recognitions, targets).
-- Every fact carries evidence: the source it came from and the verbatim
-- excerpt that printed it, checked against the source text by a trigger so a
-- number can never lose the sentence that printed it.

-- Keeps updated_at honest without relying on every writer to remember it.
create function set_updated_at() returns trigger
language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

create table sources (
    id            text primary key check (id ~ '^[a-z0-9][a-z0-9-]*$'),
    title_zh      text not null,
    title_en      text not null,
    headline_zh   text,
    headline_en   text,
    publisher_zh  text not null,
    publisher_en  text not null,
    page          text,
    reporter_zh   text,
    reporter_en   text,
    -- The report prints no publication date, so none is invented: null means
    -- "not printed"; reference_year is the year the report covers.
    published_on  date,
    reference_year integer not null check (reference_year between 1949 and 2100),
    language      text not null check (language in ('zh', 'en')),
    -- The file under data/sources/ that holds the same text byte for byte.
    file_name     text not null unique,
    full_text     text not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create trigger sources_updated_at before update on sources
    for each row execute function set_updated_at();

-- Regions are keyed by their GB/T 2260 code where one exists. Places below
-- county level that the report names get a stable local code
-- '<county code>-<pinyin>', which can never collide with an official
-- all-digit code.
create table regions (
    code         text primary key check (code ~ '^[0-9]{6}$' or code ~ '^[0-9]{6}-[a-z]+$'),
    parent_code  text references regions (code),
    level        text not null check (level in ('province', 'prefecture', 'county', 'township', 'village')),
    code_scheme  text not null check (code_scheme in ('gb2260', 'local')),
    name_zh      text not null,
    name_en      text not null,
    note         text,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    check ((code_scheme = 'gb2260') = (code ~ '^[0-9]{6}$')),
    check (parent_code is not null or level = 'province'),
    check (parent_code is distinct from code)
);
create index regions_parent_code_idx on regions (parent_code);
create trigger regions_updated_at before update on regions
    for each row execute function set_updated_at();

create table topics (
    code        text primary key check (code ~ '^[a-z][a-z0-9_]*$'),
    name_zh     text not null,
    name_en     text not null,
    position    integer not null unique,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create trigger topics_updated_at before update on topics
    for each row execute function set_updated_at();

-- A unit converts to its dimension's base unit by multiplying by factor.
-- Values are stored in the base unit; is_base lets indicators insist on one.
create table units (
    code        text primary key check (code ~ '^[a-z][a-z0-9_]*$'),
    symbol_zh   text not null,
    name_zh     text not null,
    name_en     text not null,
    dimension   text not null check (dimension in ('currency', 'persons', 'organisations', 'percent', 'percentage_points', 'rank', 'count')),
    base_code   text not null references units (code),
    factor      numeric not null check (factor > 0),
    is_base     boolean generated always as (code = base_code) stored,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (code, is_base),
    check (code <> base_code or factor = 1)
);
create trigger units_updated_at before update on units
    for each row execute function set_updated_at();

create table indicators (
    code            text primary key check (code ~ '^[a-z][a-z0-9_]*$'),
    topic_code      text not null references topics (code),
    name_zh         text not null,
    name_en         text not null,
    unit_code       text not null,
    -- Always true: with the composite key below it makes an indicator's unit a base unit.
    unit_is_base    boolean not null default true check (unit_is_base),
    kind            text not null check (kind in ('level', 'growth_rate', 'share', 'count', 'rank', 'difference')),
    description_en  text not null,
    -- Order of appearance in the report, for dashboards.
    position        integer not null unique,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    foreign key (unit_code, unit_is_base) references units (code, is_base)
);
create index indicators_topic_code_idx on indicators (topic_code);
create trigger indicators_updated_at before update on indicators
    for each row execute function set_updated_at();

create table observations (
    id                   bigint generated always as identity primary key,
    indicator_code       text not null references indicators (code),
    region_code          text not null references regions (code),
    period_start         date not null,
    period_end           date not null,
    -- The period as the report states it, e.g. '2024年1-4月'.
    period_label         text not null,
    -- In the indicator's base unit.
    value                numeric not null,
    qualifier            text not null check (qualifier in ('exact', 'at_least', 'approx')),
    comparison_basis     text check (comparison_basis in ('year_on_year')),
    -- The figure as printed: number, unit as printed, the unit it converts
    -- by, and the printed text. Null only for derived values.
    reported_value       numeric,
    reported_unit        text,
    reported_unit_code   text references units (code),
    reported_text        text,
    derived              boolean not null default false,
    formula              text,
    source_id            text not null references sources (id),
    excerpt              text not null,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint observations_period_order check (period_end >= period_start),
    constraint observations_derived_has_formula check (derived = (formula is not null)),
    constraint observations_printed_has_reported check (
        derived or (reported_value is not null and reported_unit_code is not null and reported_text is not null)
    ),
    constraint observations_unique_period unique (indicator_code, region_code, period_start, period_end)
);
create index observations_region_idx on observations (region_code, period_end);
create index observations_period_idx on observations (period_end, period_start);
create trigger observations_updated_at before update on observations
    for each row execute function set_updated_at();

create table recognitions (
    id            bigint generated always as identity primary key,
    region_code   text not null references regions (code),
    -- The institution honoured, when it is not the region itself.
    holder_zh     text,
    holder_en     text,
    topic_code    text not null references topics (code),
    title_zh      text not null,
    title_en      text not null,
    category      text not null check (category in ('title', 'designation', 'first_in_city', 'hosted_event', 'initiative', 'status')),
    level         text check (level in ('national', 'provincial', 'municipal', 'district')),
    -- The year of the report that states it; the report gives no award dates.
    year          integer not null check (year between 1949 and 2100),
    source_id     text not null references sources (id),
    excerpt       text not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    check ((holder_zh is null) = (holder_en is null))
);
create index recognitions_region_idx on recognitions (region_code);
create trigger recognitions_updated_at before update on recognitions
    for each row execute function set_updated_at();

create table targets (
    id            bigint generated always as identity primary key,
    region_code   text not null references regions (code),
    topic_code    text not null references topics (code),
    title_zh      text not null,
    title_en      text not null,
    -- The last day the commitment allows ('9月底前' is 2024-09-30); null
    -- when the report gives no date. due_label keeps the printed wording.
    due_date      date,
    due_label     text,
    source_id     text not null references sources (id),
    excerpt       text not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    check ((due_date is null) = (due_label is null))
);
create index targets_region_idx on targets (region_code);
create trigger targets_updated_at before update on targets
    for each row execute function set_updated_at();

-- Evidence must quote its source: the excerpt has to be a verbatim substring
-- of the source's full text. Enforced here so that no writer can bypass it.
create function check_excerpt_in_source() returns trigger
language plpgsql as $$
begin
    if not exists (
        select 1 from sources s
        where s.id = new.source_id and strpos(s.full_text, new.excerpt) > 0
    ) then
        raise exception 'excerpt is not a verbatim part of source %', new.source_id
            using errcode = 'check_violation', constraint = 'excerpt_in_source';
    end if;
    return new;
end;
$$;
create trigger observations_excerpt_in_source before insert or update on observations
    for each row execute function check_excerpt_in_source();
create trigger recognitions_excerpt_in_source before insert or update on recognitions
    for each row execute function check_excerpt_in_source();
create trigger targets_excerpt_in_source before insert or update on targets
    for each row execute function check_excerpt_in_source();

-- A printed observation must be consistent with what it printed: the
-- reported unit converts to the indicator's unit, the value is the reported
-- number scaled by that unit, and the printed text stands in the excerpt.
create function check_observation_reported() returns trigger
language plpgsql as $$
declare
    indicator_unit text;
    reported_base  text;
    reported_factor numeric;
begin
    if new.derived then
        return new;
    end if;
    select unit_code into indicator_unit from indicators where code = new.indicator_code;
    select base_code, factor into reported_base, reported_factor from units where code = new.reported_unit_code;
    if reported_base is distinct from indicator_unit then
        raise exception 'reported unit % does not convert to indicator unit %', new.reported_unit_code, indicator_unit
            using errcode = 'check_violation', constraint = 'observations_reported_unit';
    end if;
    if new.value <> new.reported_value * reported_factor then
        raise exception 'value % is not % × %', new.value, new.reported_value, reported_factor
            using errcode = 'check_violation', constraint = 'observations_reported_value';
    end if;
    if strpos(new.excerpt, new.reported_text) = 0 then
        raise exception 'reported text % is not in the excerpt', new.reported_text
            using errcode = 'check_violation', constraint = 'observations_reported_text';
    end if;
    return new;
end;
$$;
create trigger observations_reported_consistent before insert or update on observations
    for each row execute function check_observation_reported();

-- A region and, when p_descendants, every region below it: the scope of the
-- `region` and `descendants` filters.
create function region_scope(p_region text, p_descendants boolean) returns setof text
language sql stable as $$
    with recursive scope (code) as (
        select code from regions where code = p_region
        union all
        select r.code from regions r join scope s on r.parent_code = s.code where p_descendants
    )
    select code from scope
$$;

-- The filters of GET /api/v1/observations in one place, so that a page and
-- its total count can never disagree. Null arguments do not filter;
-- p_latest keeps the N most recent periods of each indicator and region.
create function observations_matching(
    p_indicators  text[],
    p_region      text,
    p_descendants boolean,
    p_topic       text,
    p_from        date,
    p_to          date,
    p_latest      integer
) returns setof bigint
language sql stable as $$
    select id from (
        select o.id,
               row_number() over (partition by o.indicator_code, o.region_code
                                  order by o.period_end desc, o.period_start desc) as recency
        from observations o
        join indicators i on i.code = o.indicator_code
        where (p_indicators is null or o.indicator_code = any (p_indicators))
          and (p_region is null or o.region_code in (select region_scope(p_region, p_descendants)))
          and (p_topic is null or i.topic_code = p_topic)
          -- Periods that lie within the requested window.
          and (p_from is null or o.period_start >= p_from)
          and (p_to is null or o.period_end <= p_to)
    ) matching
    where p_latest is null or recency <= p_latest
$$;
