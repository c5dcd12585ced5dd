{#- Retention of raw landing rows (docs/operations.md, "Retention").

    `dbt run-operation purge_raw_older_than --args '{months: 24}'` (or var / env
    RETENTION_MONTHS, applied after every successful `dbt build`) deletes the raw landing rows
    (raw.<table>, raw._load_rejects) of the deliveries LOADED more than N months ago, and their
    fct_quarantine rows (which hold the delivered row). raw._deliveries keeps one row per file
    (no personal data: the loader needs it to skip files it already loaded) and
    raw._purged_deliveries records what was purged and when.

    The marts do not change: every model is incremental, and the current rows, flags and
    aggregates built from the purged rows stay. Only deliveries that every model reading raw
    has already processed are purged (their state delivery_watermark). A full rebuild of the
    int_<table> models afterwards would lose the purged history: it is refused (see
    landing_full_refresh_guard). -#}

{#- The incremental models that read raw rows (their delivery_watermark bounds a purge). -#}
{% macro raw_reading_models() %}
    {%- set names = [] -%}
    {%- for table_name in landing_tables() -%}{%- do names.append(landing_model_name(table_name)) -%}{%- endfor -%}
    {%- do names.append('fct_quarantine') -%}
    {{ return(names) }}
{% endmacro %}


{% macro retention_months_setting() %}
    {%- set value = var('retention_months', '') | string | trim -%}
    {%- if value in ['', 'none', 'None'] -%}{{ return(none) }}{%- endif -%}
    {%- if not (value | int) > 0 or (value | int | string) != value -%}
        {{ exceptions.raise_compiler_error("retention_months / RETENTION_MONTHS must be a positive whole number of months, or empty to keep everything; got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value | int) }}
{% endmacro %}


{% macro purge_raw_older_than(months=none, dry_run=false) %}
    {%- set months = (months | int) if months is not none else retention_months_setting() -%}
    {%- if months is none -%}
        {{ log("Retention: no retention_months / RETENTION_MONTHS set, nothing purged.", info=true) }}
        {{ return(0) }}
    {%- endif -%}
    {%- if months <= 0 -%}
        {{ exceptions.raise_compiler_error("purge_raw_older_than: months must be positive, got " ~ months) }}
    {%- endif -%}

    {#- never purge a delivery some model has not processed yet -#}
    {%- set state_relation = incremental_state_relation() -%}
    {%- set processed = none -%}
    {%- if adapter.get_relation(state_relation.database, state_relation.schema, state_relation.identifier) is not none -%}
        {%- set models = raw_reading_models() -%}
        {%- set result = run_query(
            "select count(*), min(delivery_watermark) from " ~ state_relation
            ~ " where model_name in ('" ~ models | join("', '") ~ "')") -%}
        {%- if result.rows[0][0] == models | length and result.rows[0][1] is not none -%}
            {%- set processed = result.rows[0][1] | int -%}
        {%- endif -%}
    {%- endif -%}
    {%- if processed is none -%}
        {{ log("Retention: not every model reading raw has been built yet; nothing purged.", info=true) }}
        {{ return(0) }}
    {%- endif -%}

    {%- set deliveries = graph_relation('source.' ~ project_name ~ '.loader._deliveries') -%}
    {%- set load_rejects = graph_relation('source.' ~ project_name ~ '.loader._load_rejects') -%}
    {%- set purged = api.Relation.create(database=deliveries.database, schema=deliveries.schema, identifier='_purged_deliveries') -%}
    {% call statement('create_purged', fetch_result=false) %}
        create table if not exists {{ purged }} (
            delivery_id integer, table_name varchar, file_name varchar, rows_purged bigint,
            retention_months integer, purged_at timestamp with time zone)
    {% endcall %}

    {%- set candidates = run_query(
        "select d.delivery_id, d.table_name, d.file_name from " ~ deliveries ~ " as d"
        ~ " where d.loaded_at < current_timestamp - interval '" ~ months ~ " months'"
        ~ " and d.delivery_id <= " ~ processed
        ~ " and d.delivery_id not in (select delivery_id from " ~ purged ~ ")"
        ~ " order by d.delivery_id") -%}
    {%- if candidates.rows | length == 0 -%}
        {{ log("Retention (" ~ months ~ " months): no delivery to purge.", info=true) }}
        {{ return(0) }}
    {%- endif -%}
    {%- if dry_run -%}
        {{ log("Retention (" ~ months ~ " months), dry run: would purge " ~ candidates.rows | length ~ " deliveries.", info=true) }}
        {{ return(candidates.rows | length) }}
    {%- endif -%}

    {%- set quarantine = graph_relation('model.' ~ project_name ~ '.fct_quarantine') -%}
    {%- set quarantine_exists = adapter.get_relation(quarantine.database, quarantine.schema, quarantine.identifier) is not none -%}
    {%- set total = namespace(rows=0) -%}
    {%- for row in candidates.rows -%}
        {%- set raw_table = graph_relation('source.' ~ project_name ~ '.raw.' ~ row[1]) -%}
        {%- set n = run_query("select count(*) from " ~ raw_table ~ " where _delivery_id = " ~ row[0]).rows[0][0] -%}
        {% call statement('purge_delivery', fetch_result=false) %}
            delete from {{ raw_table }} where _delivery_id = {{ row[0] }};
            delete from {{ load_rejects }} where delivery_id = {{ row[0] }};
            {% if quarantine_exists -%}
            delete from {{ quarantine }} where delivery_id = {{ row[0] }};
            {%- endif %}
            insert into {{ purged }} values ({{ row[0] }}, '{{ row[1] }}', {{ text_literal(row[2]) }}, {{ n }}, {{ months }}, current_timestamp);
        {% endcall %}
        {%- set total.rows = total.rows + n -%}
    {%- endfor -%}
    {% do adapter.commit() %}
    {{ log("Retention (" ~ months ~ " months): purged " ~ total.rows ~ " raw rows of " ~ candidates.rows | length ~ " deliveries.", info=true) }}
    {{ return(candidates.rows | length) }}
{% endmacro %}


{#- on-run-end: apply the retention setting after a `dbt build` / `dbt run` where nothing
    failed. -#}
{% macro apply_retention_after_build(results) %}
    {%- if not execute or retention_months_setting() is none or flags.WHICH not in ['build', 'run'] -%}
        {{ return('') }}
    {%- endif -%}
    {%- for result in results -%}
        {%- if result.status in ['error', 'fail', 'skipped'] -%}
            {{ log("Retention: not applied, the run had failures.", info=true) }}
            {{ return('') }}
        {%- endif -%}
    {%- endfor -%}
    {%- do purge_raw_older_than() -%}
    {{ return('') }}
{% endmacro %}
