{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['delivery_id', 'line'],
    tombstone_column='reason',
    meta={'reads_raw': true}
) }}
{#- Every landing row that did not make it into the marts, with the first reason:
    - load: the loader could not split the line into fields (raw._load_rejects);
    - validation: staging rules (unparseable value, empty non-nullable column, value not
      accepted, out of range, end before start, timestamp without offset, unknown zone);
    - reference: unknown advisor, campaign, contact or survey question;
    - duplicate_key: two different rows with the same natural key in one delivery.
    row_json is the delivered row as text values, pseudonymised columns (customer_id) as
    their pseudonym; the raw line of a load reject is withheld for tables with pseudonymised
    columns. file_name comes from raw._deliveries.
    Incremental run: the rows of the deliveries not processed yet, plus the earlier rows whose
    reference may have become known (the same rescan as the int_<table> models): a row
    rejected as 'unknown advisor_id' leaves the quarantine when the advisor is delivered. -#}
{%- if is_incremental() %}
{%- set state = incremental_state() -%}
{%- set since = state_batch_literal(state) -%}
{%- set watermark = state.delivery_watermark if state is not none and state.delivery_watermark is not none else 0 -%}
{%- set upto = max_raw_delivery_id() -%}
{%- endif %}

with

rejects as (

    {%- for table_name in landing_tables() %}
    select
        rejected.*,
        {{ quarantine_row_json(table_name, 'raw_rows') }} as row_json
    from (
        {%- if is_incremental() %}
        with
        {%- set active = active_new_keys(table_name, since) %}
        {{ landing_candidate_ctes(table_name, watermark, upto, since, active=active) | indent(8) }}
        candidate_rows as (select * from candidates)
        {{ rejected_landing_rows(table_name, 'candidate_rows', include_accepted=true,
            bound_lookups=candidate_lookup_bounds(table_name, watermark, upto, active)) | indent(8) }}
        {%- else %}
        {{ rejected_landing_rows(table_name) | indent(8) }}
        {%- endif %}
    ) as rejected
    left join {{ source('raw', table_name) }} as raw_rows
        on rejected.delivery_id = raw_rows._delivery_id
        and rejected.line = raw_rows._line
        and rejected.reason is not null
    {%- if is_incremental() %}
    -- accepted rows only matter as tombstones for rows quarantined earlier
    where rejected.reason is not null or rejected.delivery_id <= {{ watermark }}
    {%- endif %}
    union all
    {%- endfor %}
    select
        load_rejects.table_name,
        load_rejects.delivery_id,
        load_rejects.line,
        load_rejects.column_name,
        load_rejects.reason,
        'load' as check_stage,
        case
            when load_rejects.table_name in (
                {%- for table_name in landing_tables() if pseudonymised_columns(table_name) -%}
                '{{ table_name }}'{{ ", " if not loop.last }}
                {%- else -%}''{%- endfor -%})
                then {{ json_object_from_pairs([('raw_line', "'withheld: the table has pseudonymised columns'")]) }}
            else {{ json_object_from_pairs([('raw_line', 'load_rejects.raw_line')]) }}
        end as row_json
    from {{ source('loader', '_load_rejects') }} as load_rejects
    {%- if is_incremental() %}
    where load_rejects.delivery_id > {{ watermark }} and load_rejects.delivery_id <= {{ upto }}
    {%- endif %}

)

select
    rejects.table_name,
    rejects.delivery_id,
    deliveries.file_name,
    rejects.line,
    rejects.column_name,
    rejects.reason,
    rejects.check_stage,
    rejects.row_json,
    deliveries.loaded_at

from rejects
left join {{ source('loader', '_deliveries') }} as deliveries
    on rejects.delivery_id = deliveries.delivery_id
