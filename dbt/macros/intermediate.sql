{#- Intermediate: from the valid staging rows of a landing table to its current rows.
    Each landing row is accepted or rejected as a whole, in this order:
      1. staging validation (stg_<table>._invalid_reason)               -> check_stage 'validation'
      2. the table's reference checks (unknown advisor, campaign, ...)  -> check_stage 'reference'
      3. two different valid rows with the same natural key in the same delivery: both rejected
         (identical duplicates collapse silently)                       -> check_stage 'duplicate_key'
    Among the accepted rows of a natural key the latest delivery wins (highest _delivery_id,
    then highest _line). A rejected row therefore never replaces an accepted one.

    Rules 1 and 3 depend only on the row and its own delivery: once decided they never change.
    Rule 2 can only change from rejected to accepted (an advisor, campaign, contact or question
    delivered later; nothing is ever deleted), except for 'score outside the scale of its
    question' when a question's scale is redelivered. The incremental path relies on this.

    Incremental path (int_<table> models are incremental, docs/operations.md): the batch is
      - the rows of the deliveries not processed yet: (delivery_watermark, max delivery id];
      - plus every raw version of the keys that may change status: rows of earlier deliveries
        referencing an advisor / campaign / contact / question that is NEW since the model last
        ran (they were rejected as unknown), and for surveys the keys of a redelivered question;
    checked with the same rules, then merged with the current row of each key: the latest
    accepted version wins. Only keys whose current row changes are written (strategy
    'replace'); a current row that no longer passes the checks is deleted (a tombstone). -#}

{#- The incremental model holding the current rows of a landing table. -#}
{% macro landing_model_name(table_name) -%}
    {{ return('int_survey_questions_delivered' if table_name == 'survey_questions' else 'int_' ~ table_name) }}
{%- endmacro %}


{#- Reference checks per landing table: {joins: [{relation, alias, on}], rules: [{column,
    condition, reason}], new_keys: [{column, relation}]}. Each join is a LEFT JOIN of the rows
    (alias r) to a relation unique on the join key (hash joins: this scales to tens of millions
    of rows); a rule's condition is TRUE when the row must be rejected. new_keys lists, per
    referencing column, the referenced keys that appeared after batch `since` (used by the
    incremental path). ref() is only called in the branch of the table concerned: a ref
    registers a dependency when the model is parsed. `rows` (optional): the relation being
    checked, to bound the contact lookup to its contact_id range. -#}
{% macro landing_reference_checks(table_name, rows=none, since=none, known_rows=none) %}
    {%- set joins = [] -%}
    {%- set rules = [] -%}
    {%- set new_keys = [] -%}
    {%- if table_name in ['production_hours', 'contacts', 'sales', 'adoption_scores', 'trainings'] -%}
        {%- do joins.append({
            'relation': '(select advisor_id from ' ~ ref('int_advisors') ~ ')',
            'alias': 'known_advisors',
            'on': 'known_advisors.advisor_id = r.advisor_id'}) -%}
        {%- do rules.append({
            'column': 'advisor_id',
            'condition': 'r.advisor_id is not null and known_advisors.advisor_id is null',
            'reason': 'unknown advisor_id'}) -%}
        {%- do new_keys.append({
            'column': 'advisor_id',
            'relation': 'select advisor_id as new_key from ' ~ ref('int_advisors') ~ ' where _first_batch_id > ' ~ since}) -%}
    {%- endif -%}
    {%- if table_name in ['production_hours', 'contacts', 'sales', 'adoption_scores', 'events'] -%}
        {%- do joins.append({
            'relation': '(select campaign_id from ' ~ ref('int_campaigns') ~ ')',
            'alias': 'known_campaigns',
            'on': 'known_campaigns.campaign_id = r.campaign_id'}) -%}
        {%- do rules.append({
            'column': 'campaign_id',
            'condition': 'r.campaign_id is not null and known_campaigns.campaign_id is null',
            'reason': 'unknown campaign_id'}) -%}
        {%- do new_keys.append({
            'column': 'campaign_id',
            'relation': 'select campaign_id as new_key from ' ~ ref('int_campaigns') ~ ' where _first_batch_id > ' ~ since}) -%}
    {%- endif -%}
    {%- if table_name == 'surveys' -%}
        {%- set bound = '' -%}
        {%- if known_rows is not none -%}
            {%- set bound = ' where ' ~ literal_range_filter('contact_id', 'contact_id', known_rows) -%}
        {%- elif rows is not none -%}
            {%- set bound = ' where contact_id >= (select min(contact_id) from ' ~ rows ~ ') and contact_id <= (select max(contact_id) from ' ~ rows ~ ')' -%}
        {%- endif -%}
        {%- do joins.append({
            'relation': '(select contact_id from ' ~ ref('int_contacts') ~ bound ~ ')',
            'alias': 'known_contacts',
            'on': 'known_contacts.contact_id = r.contact_id'}) -%}
        {%- do joins.append({
            'relation': ref('int_survey_questions'),
            'alias': 'known_questions',
            'on': 'known_questions.question = r.question'}) -%}
        {%- do rules.append({
            'column': 'contact_id',
            'condition': 'known_contacts.contact_id is null',
            'reason': 'unknown contact_id'}) -%}
        {%- do rules.append({
            'column': 'question',
            'condition': 'known_questions.question is null',
            'reason': 'unknown question'}) -%}
        {%- do rules.append({
            'column': 'score',
            'condition': 'r.score not between known_questions.scale_min and known_questions.scale_max',
            'reason': 'score outside the scale of its question'}) -%}
        {%- do new_keys.append({
            'column': 'contact_id',
            'relation': 'select contact_id as new_key from ' ~ ref('int_contacts') ~ ' where _first_batch_id > ' ~ since}) -%}
        {#- a new question, or a question whose scale or flag was redelivered -#}
        {%- do new_keys.append({
            'column': 'question',
            'relation': 'select question as new_key from ' ~ ref('int_survey_questions') ~ ' where _batch_id > ' ~ since}) -%}
    {%- endif -%}
    {{ return({'joins': joins, 'rules': rules, 'new_keys': new_keys}) }}
{% endmacro %}


{#- The keys of `rows` that occur more than once (any delivery, valid or not): only their rows
    can be conflicting duplicates or older versions of a key. A narrow aggregate on the key
    columns: the windows of the duplicate check and of the latest version then only sort these
    rows, not every row (most keys arrive once: at 20 M contacts a year the two windows over
    every row were half of int_contacts, docs/performance.md). -#}
{% macro repeated_landing_keys(table_name, rows) %}
    {%- set key = natural_key(table_name) -%}
    select {{ key | join(', ') }}
    from {{ rows }}
    group by {{ key | join(', ') }}
    having count(*) > 1
{%- endmacro %}


{#- The rows of `rows` (staging-shaped: contract columns, _delivery_id, _line, _is_valid)
    that are valid, with _content_hash and _reject_column / _reject_reason / _check_stage set
    for rows rejected by reference or duplicate-key checks (NULL when accepted). The duplicate
    check looks at every valid row of the same key and delivery, whatever its references.
    bound_lookups: bound the lookups of referenced rows (contacts) by the range of `rows`
    (true: scalar subqueries), or by that of a relation readable when the model runs (its
    SQL text: literal bounds, see literal_range_filter), which must cover `rows`' references.
    part: 'all', or only the rows of keys that occur once ('single') or more than once
    ('repeated') in `rows`; repeated_keys: a relation holding repeated_landing_keys(rows)
    (computed here when not given). -#}
{% macro checked_landing_rows(table_name, rows, bound_lookups=false, part='all', repeated_keys=none) %}
    {%- set columns = contract_column_names(table_name) -%}
    {%- set key = natural_key(table_name) -%}
    {%- if bound_lookups is string -%}
        {%- set checks = landing_reference_checks(table_name, since=-1, known_rows=bound_lookups) -%}
    {%- else -%}
        {%- set checks = landing_reference_checks(table_name, rows='valid_rows' if bound_lookups else none, since=-1) -%}
    {%- endif -%}
    {%- set qualified_columns = [] -%}
    {%- for column in columns -%}{%- do qualified_columns.append('r.' ~ column) -%}{%- endfor -%}
    {%- set branches = ['single', 'repeated'] if part == 'all' else [part] -%}

    with
    {%- if repeated_keys is none %}
    {%- set repeated_keys = 'repeated_keys' %}

    repeated_keys as (

        {{ repeated_landing_keys(table_name, rows) | indent(8) }}

    ),
    {%- endif %}

    {%- if bound_lookups is sameas true %}

    valid_rows as (

        select * from {{ rows }}
        where _is_valid

    ),
    {%- endif %}
    {%- for branch in branches %}

    {{ branch }}_referenced as (

        select
            r.*,
            {%- if checks.rules %}
            case
                {%- for rule in checks.rules %}
                when {{ rule.condition }} then {{ loop.index }}
                {%- endfor %}
            end as _reference_rule,
            {%- else %}
            cast(null as {{ dbt.type_int() }}) as _reference_rule,
            {%- endif %}
            {{ content_hash(qualified_columns) }} as _content_hash

        -- `rows` again, not a shared CTE: DuckDB would materialise a CTE read by both branches
        from {{ rows }} as r
        {%- for join in checks.joins %}
        left join {{ join.relation }} as {{ join.alias }}
            on {{ join.on }}
        {%- endfor %}
        where r._is_valid
            and {{ "not " if branch == 'single' }}exists (
            select 1 from {{ repeated_keys }} as repeated
            where {% for column in key %}repeated.{{ column }} is not distinct from r.{{ column }}{{ " and " if not loop.last }}{% endfor %}
        )

    ),
    {%- endfor %}

    keyed as (
        {%- if 'single' in branches %}

        -- a key that occurs once has no duplicate
        select single_referenced.*, false as _is_conflicting_duplicate
        from single_referenced
        {%- endif %}
        {%- if part == 'all' %}

        union all
        {%- endif %}
        {%- if 'repeated' in branches %}

        select
            repeated_referenced.*,
            min(_content_hash) over same_key_same_delivery
                <> max(_content_hash) over same_key_same_delivery as _is_conflicting_duplicate

        from repeated_referenced
        window same_key_same_delivery as (
            partition by {{ key | join(', ') }}, _delivery_id
        )
        {%- endif %}

    )

    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        _delivery_id,
        _line,
        _content_hash,
        case
            {%- for rule in checks.rules %}
            when _reference_rule = {{ loop.index }} then '{{ rule.column }}'
            {%- endfor %}
            when _is_conflicting_duplicate then '{{ key | join(", ") }}'
        end as _reject_column,
        case
            {%- for rule in checks.rules %}
            when _reference_rule = {{ loop.index }} then '{{ rule.reason }}'
            {%- endfor %}
            when _is_conflicting_duplicate then 'duplicate key with different content'
        end as _reject_reason,
        case
            when _reference_rule is not null then 'reference'
            when _is_conflicting_duplicate then 'duplicate_key'
        end as _check_stage

    from keyed
{%- endmacro %}


{#- The staging rows a model has to (re)check in an incremental run, as CTEs ending in
    `candidates` (staging-shaped): the deliveries after `watermark` up to `upto`, plus the
    earlier rows that reference an advisor / campaign / contact / question NEW since batch
    `since` (and every row of the same key in the same delivery, for the duplicate rule).
    The new keys are looked up when the model compiles: when there are none (most nights
    for advisors, campaigns and questions) the rescan is left out; otherwise it reads the raw
    text columns bounded by the new keys' min/max, which a table loaded in time order mostly
    skips. `existing` (optional): the model's current rows; for surveys, the keys of a
    question whose definition changed are added to `extra_touched_keys` (rechecked).
    Emits a trailing comma. -#}
{#- The referenced keys (advisor, campaign, contact, question) that are new since batch `since`
    and referenced by `table_name`, read when the model runs: [{column, relation, min, max}],
    empty on most nights. -#}
{% macro active_new_keys(table_name, since) %}
    {%- set active = [] -%}
    {%- if execute -%}
        {%- for new in landing_reference_checks(table_name, since=since).new_keys -%}
            {%- set found = run_query("select count(*), min(new_key), max(new_key) from (" ~ new.relation ~ ") as new_keys").rows[0] -%}
            {%- if found[0] > 0 -%}
                {%- do active.append({'column': new.column, 'relation': new.relation, 'min': found[1], 'max': found[2]}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(active) }}
{% endmacro %}


{#- The staging rows of the deliveries in (watermark, upto], as SQL text readable when the
    model runs (for literal bounds on their keys or references). -#}
{% macro new_delivery_rows(table_name, watermark, upto) -%}
    {{ return('(select * from ' ~ ref('stg_' ~ table_name) ~ ' where _delivery_id > ' ~ watermark ~ ' and _delivery_id <= ' ~ upto ~ ')') }}
{%- endmacro %}


{#- bound_lookups for checking the candidates of landing_candidate_ctes: a relation readable
    when the model runs that covers the candidates' references (the new deliveries, plus the
    new contacts whose rows are rescanned), or true (scalar subqueries) when rows are rescanned
    for another new key (a question, an advisor...: any contact may be referenced then). -#}
{% macro candidate_lookup_bounds(table_name, watermark, upto, active) %}
    {%- if active | rejectattr('column', 'equalto', 'contact_id') | list -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set delivered = new_delivery_rows(table_name, watermark, upto) -%}
    {%- set new_contacts = active | selectattr('column', 'equalto', 'contact_id') | list -%}
    {%- if new_contacts -%}
        {{ return('(select contact_id from ' ~ delivered ~ ' as delivered union all select new_key from (' ~ new_contacts[0].relation ~ ') as new_contacts)') }}
    {%- endif -%}
    {{ return(delivered) }}
{% endmacro %}


{% macro landing_candidate_ctes(table_name, watermark, upto, since, existing=none, active=none) %}
    {%- set key = natural_key(table_name) -%}
    {%- set active = active if active is not none else active_new_keys(table_name, since) -%}
    {%- set raw_table = graph_relation('source.' ~ project_name ~ '.raw.' ~ table_name) if execute else none -%}

{#- the staging view is read in each CTE (never through a shared CTE, which DuckDB would
    materialise whole instead of pushing the delivery filter down to the raw scan) -#}
new_rows as (

    select * from {{ ref('stg_' ~ table_name) }}
    where _delivery_id > {{ watermark }} and _delivery_id <= {{ upto }}

),
    {%- if active %}

{%- set rescan_hits_sql -%}
    select distinct _delivery_id, {{ key[0] }} as _first_key
    from {{ raw_table }} as raw_rows
    where _delivery_id <= {{ watermark }}
        and (
            {%- for new in active %}
            (raw_rows.{{ new.column }} >= {{ text_literal(new.min) }}
                and raw_rows.{{ new.column }} <= {{ text_literal(new.max) }}
                and raw_rows.{{ new.column }} in ({{ new.relation }}))
            {{ "or" if not loop.last }}
            {%- endfor %}
        )
{%- endset %}

rescan_hits as (

    -- earlier raw rows referencing a key that is new since the last run
{{ rescan_hits_sql }}

),

rescanned as (

    select staged.*
    from {{ ref('stg_' ~ table_name) }} as staged
    where {{ literal_range_filter('staged._delivery_id', '_delivery_id', '(' ~ rescan_hits_sql ~ ')') }}
        and (staged._delivery_id, cast(staged.{{ key[0] }} as {{ dbt.type_string() }}))
            in (select _delivery_id, _first_key from rescan_hits)

),

candidates as (

    select * from new_rows
    union all
    select * from rescanned

),
    {%- else %}

candidates as (

    select * from new_rows

),
    {%- endif %}

extra_touched_keys as (

    {%- set changed_questions = active | selectattr('column', 'equalto', 'question') | list %}
    {%- if existing is not none and changed_questions %}
    select {{ key | join(', ') }}
    from {{ existing }}
    where question in ({{ changed_questions[0].relation }})
    {%- else %}
    select {% for column in key %}{{ column }}{{ ", " if not loop.last }}{% endfor %}
    from new_rows
    where 1 = 0
    {%- endif %}

),
{%- endmacro %}


{#- The current rows of a landing table: accepted rows, latest delivery wins per natural key.
    Output: the contract columns, _delivery_id, _line (the winning row), _content_hash,
    _batch_id (batch in which the row's content last changed), _first_batch_id (batch in
    which the key was first accepted), and prev_columns as _prev_<column>: the value the
    consumer model `prev_consumer` last saw (see int_customers). -#}
{% macro current_landing_rows(table_name, prev_columns=[], prev_consumer=none) %}
    {%- if is_incremental() -%}
        {{ incremental_landing_rows(table_name, prev_columns, prev_consumer) }}
    {%- else -%}
        {{ full_landing_rows(table_name, prev_columns) }}
    {%- endif -%}
{% endmacro %}


{#- A date no version has: "the consumer's previous value is unknown" (recompute it all). -#}
{% macro unknown_previous_date() -%}
    cast('0001-01-01' as date)
{%- endmacro %}


{% macro full_landing_rows(table_name, prev_columns=[]) %}
    {%- set columns = contract_column_names(table_name) -%}
    {%- set key = natural_key(table_name) -%}
    {%- set batch = current_batch_id() -%}
    {%- do landing_full_refresh_guard() -%}

with

repeated_keys as (

    {{ repeated_landing_keys(table_name, ref('stg_' ~ table_name)) }}

),

-- a key delivered once: its row, when accepted
single_rows as (

    {{ checked_landing_rows(table_name, ref('stg_' ~ table_name), part='single', repeated_keys='repeated_keys') }}

),

-- a key delivered several times: its latest accepted version
repeated_rows as (

    {{ checked_landing_rows(table_name, ref('stg_' ~ table_name), part='repeated', repeated_keys='repeated_keys') }}

),

current_rows as (

    select single_rows.*, 1 as _version_rank
    from single_rows
    where _reject_reason is null

    union all

    select *
    from (
        select
            repeated_rows.*,
            row_number() over (
                partition by {{ key | join(', ') }}
                order by _delivery_id desc, _line desc
            ) as _version_rank

        from repeated_rows
        where _reject_reason is null
    ) as ranked
    where _version_rank = 1

)

select
    {%- for column in columns %}
    {{ column }},
    {%- endfor %}
    _delivery_id,
    _line,
    _content_hash,
    cast({{ batch }} as {{ dbt.type_bigint() }}) as _batch_id,
    cast({{ batch }} as {{ dbt.type_bigint() }}) as _first_batch_id
    {%- for column in prev_columns %},
    {#- a full rebuild does not know what the consumer saw: "unknown" -#}
    {{ unknown_previous_date() }} as _prev_{{ column }}
    {%- endfor %}

from current_rows
{% if table_name in clustered_landing_tables() %}
{#- clustered on the key: incremental lookups by key (bounded by the batch's min/max key)
    then skip most of the table -#}
order by {{ key | join(', ') }}
{%- endif %}
{%- endmacro %}


{#- Landing tables whose ids grow with time (events: contacts, sales, survey answers): their
    int_ table is written sorted by id in a full build, so that nightly lookups by id skip
    most row groups. Sorting the others (keyed by customer, advisor...) would buy nothing. -#}
{% macro clustered_landing_tables() %}
    {{ return(['contacts', 'sales', 'surveys']) }}
{% endmacro %}


{% macro incremental_landing_rows(table_name, prev_columns=[], prev_consumer=none) %}
    {%- set columns = contract_column_names(table_name) -%}
    {%- set key = natural_key(table_name) -%}
    {%- set batch = current_batch_id() -%}
    {%- set state = incremental_state() -%}
    {%- do check_pseudonymisation_key_unchanged(state) -%}
    {%- set since = state_batch_literal(state) -%}
    {%- set watermark = state.delivery_watermark if state is not none and state.delivery_watermark is not none else 0 -%}
    {%- set consumer_state = incremental_state(prev_consumer) if prev_consumer else none -%}
    {%- set consumer_since = state_batch_literal(consumer_state) -%}

    {%- set upto = max_raw_delivery_id() -%}
    {%- set active = active_new_keys(table_name, since) -%}
    {#- a current survey answer can only become rejected when its question's scale is
        redelivered (contacts are never removed): recheck the current rows only then -#}
    {%- set recheck_existing = table_name == 'surveys' and (active | selectattr('column', 'equalto', 'question') | list | length > 0) -%}

with

{{ landing_candidate_ctes(table_name, watermark, upto, since, existing=this, active=active) }}

checked as (

    {{ checked_landing_rows(table_name, 'candidates', bound_lookups=candidate_lookup_bounds(table_name, watermark, upto, active)) }}

),

best as (

    select *
    from (
        select
            checked.*,
            row_number() over (
                partition by {{ key | join(', ') }}
                order by _delivery_id desc, _line desc
            ) as _version_rank
        from checked
        where _reject_reason is null
    ) as ranked
    where _version_rank = 1

),

touched_keys as (

    select {{ key | join(', ') }} from checked
    union
    select {{ key | join(', ') }} from extra_touched_keys

),

existing as (

    select current_rows.*
    from {{ this }} as current_rows
    {%- if active %}
    where {{ key[0] }} >= (select min({{ key[0] }}) from touched_keys)
        and {{ key[0] }} <= (select max({{ key[0] }}) from touched_keys)
    {%- else %}
    -- no rescan (most nights): the touched keys are those of the new deliveries, whose key
    -- range is read when the model runs and written as literals (other row groups skipped)
    where {{ literal_range_filter('current_rows.' ~ key[0], key[0], new_delivery_rows(table_name, watermark, upto)) }}
    {%- endif %}
        and exists (
            select 1 from touched_keys
            where {% for column in key %}touched_keys.{{ column }} = current_rows.{{ column }}{{ " and " if not loop.last }}{% endfor %}
        )

),
{%- if recheck_existing %}

existing_as_staged as (

    select existing.*, true as _is_valid from existing

),

existing_checked as (

    {{ checked_landing_rows(table_name, 'existing_as_staged', bound_lookups=true) }}

),

existing_status as (

    select
        existing.*,
        existing_checked._reject_reason is not null as _is_now_rejected
    from existing
    inner join existing_checked
        on {% for column in key %}existing_checked.{{ column }} = existing.{{ column }}{{ " and " if not loop.last }}{% endfor %}

),
{%- else %}

existing_status as (

    select existing.*, false as _is_now_rejected from existing

),
{%- endif %}

merged as (

    select
        case
            when b._delivery_id is not null
                and (
                    e._delivery_id is null
                    or e._is_now_rejected
                    or b._delivery_id > e._delivery_id
                    or (b._delivery_id = e._delivery_id and b._line > e._line)
                ) then 'replace'
            when e._delivery_id is not null and e._is_now_rejected then 'delete'
            else 'keep'
        end as _action,
        {%- for column in key %}
        coalesce(b.{{ column }}, e.{{ column }}) as _key_{{ column }},
        {%- endfor %}
        b.*,
        e._content_hash as _existing_content_hash,
        e._batch_id as _existing_batch_id,
        e._first_batch_id as _existing_first_batch_id
        {%- for column in prev_columns %},
        e.{{ column }} as _existing_{{ column }},
        e._prev_{{ column }} as _existing_prev_{{ column }}
        {%- endfor %}

    from best as b
    full outer join existing_status as e
        on {% for column in key %}b.{{ column }} = e.{{ column }}{{ " and " if not loop.last }}{% endfor %}

)

select
    {%- for column in columns %}
    {%- if column in key %}
    _key_{{ column }} as {{ column }},
    {%- else %}
    case when _action = 'replace' then {{ column }} end as {{ column }},
    {%- endif %}
    {%- endfor %}
    case when _action = 'replace' then _delivery_id end as _delivery_id,
    case when _action = 'replace' then _line end as _line,
    case when _action = 'replace' then _content_hash end as _content_hash,
    cast(case
        when _action <> 'replace' then null
        when _existing_content_hash = _content_hash then _existing_batch_id
        else {{ batch }}
    end as {{ dbt.type_bigint() }}) as _batch_id,
    cast(case
        when _action = 'replace' then coalesce(_existing_first_batch_id, {{ batch }})
    end as {{ dbt.type_bigint() }}) as _first_batch_id
    {%- for column in prev_columns %},
    {#- the value the consumer last saw: the replaced row's if the consumer ran after that
        row's content last changed, else what the replaced row remembered -#}
    case
        when _action <> 'replace' or _existing_content_hash is null then null
        when _existing_content_hash = _content_hash then _existing_prev_{{ column }}
        when _existing_batch_id <= {{ consumer_since }} then _existing_{{ column }}
        else _existing_prev_{{ column }}
    end as _prev_{{ column }}
    {%- endfor %}

from merged
where _action in ('replace', 'delete')
{%- endmacro %}


{#- A full rebuild of an int_<landing table> model after raw rows were purged (retention)
    would silently lose the purged history: refused unless var allow_full_refresh_after_purge. -#}
{% macro landing_full_refresh_guard() %}
    {%- if not execute or not should_full_refresh() or var('allow_full_refresh_after_purge', false) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set purges = adapter.get_relation(database=target.database, schema='raw', identifier='_purged_deliveries') -%}
    {%- if purges is not none -%}
        {%- set n = run_query('select count(*) from ' ~ purges).rows[0][0] -%}
        {%- if n > 0 -%}
            {{ exceptions.raise_compiler_error(
                "Full refresh of " ~ this.identifier ~ " refused: raw landing rows of " ~ n ~ " deliveries were purged "
                ~ "(retention, raw._purged_deliveries), so a rebuild from raw would drop that history from the marts. "
                ~ "Rebuild only downstream models (dbt build --full-refresh --exclude 'int_*' ... see docs/operations.md), "
                ~ "or pass --vars '{allow_full_refresh_after_purge: true}' to accept losing it.") }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#- The rejected rows of a landing table among `rows` (staging-shaped; default: all of
    stg_<table>), at every stage: table_name, delivery_id, line, column_name, reason,
    check_stage. With include_accepted, the rows checked and accepted are listed too, with a
    NULL reason (tombstones for fct_quarantine). -#}
{% macro rejected_landing_rows(table_name, rows=none, include_accepted=false, bound_lookups=false) %}
    {%- set rows = rows or ref('stg_' ~ table_name) -%}

    select
        '{{ table_name }}' as table_name,
        _delivery_id as delivery_id,
        _line as line,
        _invalid_column as column_name,
        _invalid_reason as reason,
        'validation' as check_stage
    from {{ rows }}
    where not _is_valid

    union all

    select
        '{{ table_name }}' as table_name,
        _delivery_id as delivery_id,
        _line as line,
        _reject_column as column_name,
        _reject_reason as reason,
        _check_stage as check_stage
    from (
        {{ checked_landing_rows(table_name, rows, bound_lookups=bound_lookups) }}
    ) as checked
    {%- if not include_accepted %}
    where _reject_reason is not null
    {%- endif %}

{%- endmacro %}
