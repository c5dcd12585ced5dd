{#- Every landing row that did not make it into the marts, with the first reason:
    - load: the loader could not split the line into fields (raw._load_rejects);
    - validation: staging rules (unparseable value, empty non-nullable column, value not
      accepted, out of range, end before start, timestamp without offset, unknown zone);
    - reference: unknown advisor, campaign, contact or survey question;
    - duplicate_key: two different rows with the same natural key in one delivery.
    row_json is the delivered row as text values. file_name comes from raw._deliveries. -#}

with

rejects as (

    {%- for table_name in landing_tables() %}
    select
        rejected.*,
        {{ json_object_text(contract_column_names(table_name), 'raw_rows') }} as row_json
    from (
        {{ rejected_landing_rows(table_name) | indent(8) }}
    ) as rejected
    left join {{ source('raw', table_name) }} as raw_rows
        on rejected.delivery_id = raw_rows._delivery_id
        and rejected.line = raw_rows._line
    union all
    {%- endfor %}
    select
        load_rejects.table_name,
        load_rejects.delivery_id,
        load_rejects.line,
        load_rejects.column_name,
        load_rejects.reason,
        'load' as check_stage,
        {{ json_object_text(['raw_line'], 'load_rejects') }} as row_json
    from {{ source('loader', '_load_rejects') }} as load_rejects

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
