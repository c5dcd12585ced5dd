{#- Incremental bookkeeping (docs/operations.md, "How the nightly increment works").

    Every dbt invocation is a BATCH, identified by an increasing number derived from
    run_started_at (YYYYMMDDhhmmssmmm, UTC). Each incremental model keeps ONE row in the state
    table intermediate.incremental_state, written by its post-hook inside the model's own
    transaction (so data and state commit together):
      - batch_id: the batch that last completed the model. Rows an incremental model writes
        carry _batch_id = the batch in which their values last changed; a consumer reads the
        rows of its inputs with _batch_id > its own batch_id (changes since it last ran).
      - delivery_watermark: for models reading raw landing rows, the highest raw delivery
        id they have processed: the next run reads deliveries in the half-open window
        (delivery_watermark, max(raw._deliveries.delivery_id)].
      - settings: what the model was computed with (per campaign: time zone, follow-up
        windows, data horizon; the window vars), so that the next run can recompute exactly
        what a change of settings or of the horizon affects.
      - key_fingerprint: a fingerprint of the pseudonymisation key (never the key).
    A model whose state is lagging (a failed or skipped run) simply reads more changes next
    time: every merge is idempotent. -#}


{% macro incremental_state_relation() -%}
    {{ return(api.Relation.create(database=target.database, schema=generate_schema_name('intermediate', none) | trim, identifier='incremental_state')) }}
{%- endmacro %}


{#- on-run-start: the state table exists, and the pseudonymisation key is usable. -#}
{% macro ensure_incremental_state() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do pseudonymisation_key() -%}
    {%- set relation = incremental_state_relation() -%}
    {%- do adapter.create_schema(relation) -%}
    create table if not exists {{ relation }} (
        model_name {{ dbt.type_string() }},
        batch_id {{ dbt.type_bigint() }},
        delivery_watermark {{ dbt.type_bigint() }},
        settings {{ dbt.type_string() }},
        key_fingerprint {{ dbt.type_string() }},
        updated_at {{ dbt.type_timestamp() }}
    )
{% endmacro %}


{#- The relation of a graph node (model, seed or source) by unique id, for lookups made at
    execution time (hooks, compile-time queries) that must not register a dependency. -#}
{% macro graph_relation(unique_id) %}
    {%- set node = graph.sources.get(unique_id) if unique_id.startswith('source.') else graph.nodes.get(unique_id) -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error("No node " ~ unique_id) }}
    {%- endif -%}
    {%- set identifier = node.identifier if unique_id.startswith('source.') else node.alias -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=identifier)) }}
{% endmacro %}


{#- The batch of this invocation: UTC start time as YYYYMMDDhhmmssmmm (17 digits). -#}
{% macro current_batch_id() -%}
    {{ return(run_started_at.strftime('%Y%m%d%H%M%S%f')[:17] | int) }}
{%- endmacro %}


{#- The state row of a model: {batch_id, delivery_watermark, settings (dict), key_fingerprint},
    or none (never built, or state lost: callers then recompute everything). -#}
{% macro incremental_state(model_name=none) %}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set name = model_name or this.identifier -%}
    {%- set relation = incremental_state_relation() -%}
    {%- if adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set result = run_query("select batch_id, delivery_watermark, settings, key_fingerprint from " ~ relation ~ " where model_name = '" ~ name ~ "'") -%}
    {%- if result.rows | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set row = result.rows[0] -%}
    {%- set state = {
        'batch_id': row[0] | int,
        'delivery_watermark': (row[1] | int) if row[1] is not none else none,
        'settings': fromjson(row[2]) if row[2] else {},
        'key_fingerprint': row[3]
    } -%}
    {%- if model_name is none and state.batch_id >= current_batch_id() -%}
        {{ exceptions.raise_compiler_error(
            "Incremental state of " ~ name ~ " is from batch " ~ state.batch_id ~ ", not older than this run ("
            ~ current_batch_id() ~ "): the clock went backwards or two builds started in the same millisecond. "
            ~ "Wait and run again, or rebuild with `dbt build --full-refresh`.") }}
    {%- endif -%}
    {{ return(state) }}
{% endmacro %}


{#- The batch a model last completed, as a SQL literal (-1 when it has no state). -#}
{% macro state_batch_literal(state) -%}
    {{ return(state.batch_id if state is not none else -1) }}
{%- endmacro %}


{#- The highest delivery id loaded into raw (0 when nothing was loaded). Writers are
    serialised, so it cannot move while dbt runs. -#}
{% macro max_raw_delivery_id() %}
    {%- if not execute -%}{{ return(0) }}{%- endif -%}
    {%- set result = run_query("select coalesce(max(delivery_id), 0) from " ~ graph_relation('source.' ~ project_name ~ '.loader._deliveries')) -%}
    {{ return(result.rows[0][0] | int) }}
{% endmacro %}


{#- Settings the follow-up models depend on, per campaign (time zone, windows, data horizon)
    and the window vars: stored with each model's state, compared at the next run. -#}
{% macro follow_up_settings() %}
    {%- if not execute -%}{{ return({}) }}{%- endif -%}
    {%- set result = run_query(
        "select c.campaign_id, c.timezone, c.withdrawal_window_days, c.survival_window_days, "
        ~ "cast(h.data_end_at as " ~ dbt.type_string() ~ ") "
        ~ "from " ~ graph_relation('model.' ~ project_name ~ '.int_campaigns') ~ " as c left join "
        ~ graph_relation('model.' ~ project_name ~ '.int_data_horizon') ~ " as h "
        ~ "on c.campaign_id = h.campaign_id order by c.campaign_id") -%}
    {%- set campaigns = {} -%}
    {%- for row in result.rows -%}
        {%- do campaigns.update({row[0]: {
            'timezone': row[1], 'withdrawal_window_days': row[2] | int, 'survival_window_days': row[3] | int,
            'data_end_at': row[4]}}) -%}
    {%- endfor -%}
    {{ return({
        'vars': {
            'fcr_window_hours': var('fcr_window_hours') | int,
            'repeat_window_days': var('repeat_window_days') | int,
            'attrition_window_days': var('attrition_window_days') | int},
        'campaigns': campaigns}) }}
{% endmacro %}


{#- post-hook of every incremental model (dbt_project.yml): records batch, watermark and
    settings in the same transaction as the model's rows. -#}
{% macro record_incremental_state() %}
    {%- if not execute or config.get('materialized') != 'incremental' -%}{{ return('') }}{%- endif -%}
    {%- set relation = incremental_state_relation() -%}
    {%- set reads = config.get('meta', {}).get('reads_raw', false) -%}
    {%- set watermark = max_raw_delivery_id() if reads else none -%}
    {%- set settings = follow_up_settings() if config.get('meta', {}).get('follow_up_settings', false) else {} -%}
    delete from {{ relation }} where model_name = '{{ this.identifier }}';
    insert into {{ relation }} (model_name, batch_id, delivery_watermark, settings, key_fingerprint, updated_at)
    values (
        '{{ this.identifier }}',
        {{ current_batch_id() }},
        {{ watermark if watermark is not none else 'null' }},
        {{ text_literal(tojson(settings)) }},
        {{ text_literal(pseudonymisation_key_fingerprint()) }},
        current_timestamp
    )
{% endmacro %}


{#- Campaigns whose follow-up settings changed since a model's state, as a list of ids:
    time zone, withdrawal or survival window, or any window var (then: every campaign). A
    campaign absent from the previous settings is new: its rows are all new anyway. -#}
{% macro changed_campaigns(state, current) %}
    {%- set changed = [] -%}
    {%- set previous = state.settings if state is not none else {} -%}
    {%- set vars_changed = (previous.get('vars') != current.get('vars')) -%}
    {%- for campaign_id, now in current.campaigns.items() -%}
        {%- set before = previous.get('campaigns', {}).get(campaign_id) -%}
        {%- if vars_changed and before is not none -%}
            {%- do changed.append(campaign_id) -%}
        {%- elif before is not none and (
                before.timezone != now.timezone
                or before.withdrawal_window_days != now.withdrawal_window_days
                or before.survival_window_days != now.survival_window_days) -%}
            {%- do changed.append(campaign_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(changed) }}
{% endmacro %}


{#- `expr` is (not) one of the text values (a Jinja list, possibly empty). -#}
{% macro in_text_list(expr, values) -%}
    {%- if values | length == 0 -%}
        (1 = 0)
    {%- else -%}
        ({{ expr }} in ({%- for value in values -%}{{ text_literal(value) }}{{ ", " if not loop.last }}{%- endfor -%}))
    {%- endif -%}
{%- endmacro %}

{% macro not_in_text_list(expr, values) -%}
    {%- if values | length == 0 -%}
        (1 = 1)
    {%- else -%}
        ({{ expr }} not in ({%- for value in values -%}{{ text_literal(value) }}{{ ", " if not loop.last }}{%- endfor -%}))
    {%- endif -%}
{%- endmacro %}


{#- Per campaign, the horizon moves of a model's state (previous data_end_at -> current):
    rows (campaign_id, lower, upper) as a SQL relation; a follow-up window that ends in
    (lower, upper] changed maturity. Empty when nothing moved. -#}
{% macro horizon_moves_relation(state, current) -%}
    {%- set previous = state.settings.get('campaigns', {}) if state is not none else {} -%}
    {%- set moves = [] -%}
    {%- for campaign_id, now in current.campaigns.items() -%}
        {%- set before = previous.get(campaign_id) -%}
        {%- if before is not none and before.data_end_at != now.data_end_at
              and before.data_end_at is not none and now.data_end_at is not none -%}
            {%- do moves.append((campaign_id, before.data_end_at, now.data_end_at)) -%}
        {%- endif -%}
    {%- endfor -%}
    (
    {%- for campaign_id, before, now in moves %}
        select
            {{ text_literal(campaign_id) }} as campaign_id,
            least(cast('{{ before }}' as timestamp with time zone), cast('{{ now }}' as timestamp with time zone)) as lower_at,
            greatest(cast('{{ before }}' as timestamp with time zone), cast('{{ now }}' as timestamp with time zone)) as upper_at
        {% if not loop.last %}union all{% endif %}
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as campaign_id,
            cast(null as timestamp with time zone) as lower_at,
            cast(null as timestamp with time zone) as upper_at
        where 1 = 0
    {%- endfor %}
    )
{%- endmacro %}


{#- Custom incremental strategy 'replace' (portable SQL): delete the target rows whose
    replace_key (config unique_key) matches a row of the new batch, then insert the batch rows
    that are not tombstones. A tombstone is a batch row whose config tombstone_column is NULL:
    it only deletes. A NULL in the LAST key column of a tombstone deletes every row matching
    the other key columns (e.g. a whole campaign). The first key column also bounds the delete
    with the batch's min/max as literals (the temp table exists when this renders), so that a
    target clustered on it is only partly scanned. -#}
{% macro get_incremental_replace_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set temp = arg_dict['temp_relation'] -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set key = [key] if key is string else key -%}
    {%- set tombstone_column = config.get('tombstone_column') -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    {%- set first = key[0] -%}
    {%- set last = key[-1] -%}
    delete from {{ target }}
    where exists (
        select 1 from {{ temp }} as batch
        where {% for column in key %}batch.{{ column }} = {{ target }}.{{ column }}{{ " and " if not loop.last }}{% endfor %}
    )
    and {{ literal_range_filter(target ~ '.' ~ first, first, temp) }};
    {%- if key | length > 1 %}

    delete from {{ target }}
    where exists (
        select 1 from {{ temp }} as batch
        where batch.{{ last }} is null
        {%- for column in key[:-1] %}
            and batch.{{ column }} = {{ target }}.{{ column }}
        {%- endfor %}
    );
    {%- endif %}

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ temp }}
    {%- if tombstone_column %}
    where {{ tombstone_column }} is not null
    {%- endif %};
{% endmacro %}


{#- post-hook of int_affected_days: drop the entries both marts have consumed. -#}
{% macro prune_affected_days() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set daily = incremental_state('fct_advisor_campaign_daily') -%}
    {%- set monthly = incremental_state('fct_advisor_campaign_monthly') -%}
    {%- if daily is none or monthly is none -%}{{ return('') }}{%- endif -%}
    delete from {{ this }} where batch_id <= {{ [daily.batch_id, monthly.batch_id] | min }}
{% endmacro %}


{#- The incremental scope of a mart (fct_advisor_campaign_daily, or _monthly with
    month_grain): `whole_campaigns`, the campaigns rebuilt whole (a Jinja list), and
    `affected_days`, a query of the (campaign_id, activity_date) pairs logged in
    int_affected_days since the mart last ran (activity_date: the day, or the first day of its
    month). Empty outside an incremental run. The models declare
    `-- depends_on: ref('int_affected_days'), ref('int_campaigns')`. -#}
{% macro mart_incremental_scope(month_grain=false) %}
    {%- set scope = {'whole_campaigns': [], 'affected_days': none} -%}
    {%- if is_incremental() -%}
        {%- set state = incremental_state() -%}
        {%- set since = state_batch_literal(state) -%}
        {%- set day = 'cast(' ~ dbt.date_trunc('month', 'activity_date') ~ ' as date)' if month_grain else 'activity_date' -%}
        {%- do scope.update({'affected_days':
            '(select distinct campaign_id, ' ~ day ~ ' as activity_date from ' ~ ref('int_affected_days')
            ~ ' where batch_id > ' ~ since ~ ' and activity_date is not null)'}) -%}
        {%- if execute -%}
            {%- if state is none -%}
                {%- set query = "select campaign_id from " ~ ref('int_campaigns') -%}
            {%- else -%}
                {%- set query = "select distinct campaign_id from " ~ ref('int_affected_days')
                    ~ " where batch_id > " ~ since ~ " and activity_date is null" -%}
            {%- endif -%}
            {%- do scope.update({'whole_campaigns': run_query(query).columns[0].values() | list}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(scope) }}
{% endmacro %}


{#- WHERE clause of an incremental mart run: the rows credited to an affected (campaign, day)
    (CTE affected_days, built from scope.affected_days) or to a campaign rebuilt whole
    (scope.whole_campaigns). The dates are bounded by literals (literal_range_filter), so the
    scan of a table clustered in time skips the rest of history. Nothing in a full run. -#}
{% macro affected_days_filter(campaign_column, date_column, scope) -%}
    {%- if is_incremental() -%}
    where (
        {{ in_text_list(campaign_column, scope.whole_campaigns) }}
        or (
            {{ literal_range_filter(date_column, 'activity_date', scope.affected_days) }}
            and ({{ campaign_column }}, {{ date_column }}) in (select campaign_id, activity_date from affected_days)
        )
    )
    {%- endif -%}
{%- endmacro %}


{#- `expr between <lo> and <hi>`, the bounds being the min and max of `column` over
    `relation` (a relation or a parenthesised query) read when the model runs, written as
    literals: DuckDB prunes a table's row groups on literal bounds (min/max zone maps) but not on
    scalar subqueries, so `key >= (select min(key) from batch)` scans the whole table and a
    nightly lookup by key grows with history (docs/performance.md). FALSE when the relation is
    empty. Other adapters, and parsing, keep the subquery form (same result). -#}
{% macro literal_range_filter(expr, column, relation) -%}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set row = run_query('select cast(min(' ~ column ~ ') as varchar), cast(max(' ~ column ~ ') as varchar), typeof(min(' ~ column ~ ')) from ' ~ relation ~ ' as bounded').rows[0] -%}
        {%- if row[0] is none -%}
            1 = 0
        {%- else -%}
            {{ expr }} between cast('{{ row[0] | replace("'", "''") }}' as {{ row[2] }}) and cast('{{ row[1] | replace("'", "''") }}' as {{ row[2] }})
        {%- endif -%}
    {%- else -%}
        {{ expr }} >= (select min({{ column }}) from {{ relation }} as bounded)
        and {{ expr }} <= (select max({{ column }}) from {{ relation }} as bounded)
    {%- endif -%}
{%- endmacro %}


{#- The minimum of `column` over `relation`, as SQL for a lower bound (at_or_after): on DuckDB
    read when the model runs and written as a literal (see literal_range_filter), '' when the
    relation is empty; elsewhere a scalar subquery. Read it once, use it in several filters. -#}
{% macro literal_minimum(column, relation) -%}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set row = run_query('select cast(min(' ~ column ~ ') as varchar), typeof(min(' ~ column ~ ')) from ' ~ relation ~ ' as bounded').rows[0] -%}
        {{ return('' if row[0] is none else "cast('" ~ (row[0] | replace("'", "''")) ~ "' as " ~ row[1] ~ ")") }}
    {%- else -%}
        {{ return('(select min(' ~ column ~ ') from ' ~ relation ~ ' as bounded)') }}
    {%- endif -%}
{%- endmacro %}


{#- `expr >= minimum` (literal_minimum); no bound when the minimum is unknown (empty set). -#}
{% macro at_or_after(expr, minimum) -%}
    {%- if minimum == '' -%}
        1 = 1
    {%- elif target.type == 'duckdb' -%}
        {{ expr }} >= {{ minimum }}
    {%- else -%}
        {{ expr }} >= coalesce({{ minimum }}, {{ expr }})
    {%- endif -%}
{%- endmacro %}
