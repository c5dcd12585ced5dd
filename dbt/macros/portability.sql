{#- Small adapter-dispatched helpers the models need beyond dbt's cross-database macros. -#}

{#- Cast text to a type, NULL when the text does not parse (never an error). -#}
{% macro try_cast_text(expr, data_type) -%}
    {{ return(adapter.dispatch('try_cast_text')(expr, data_type)) }}
{%- endmacro %}

{% macro duckdb__try_cast_text(expr, data_type) -%}
    try_cast({{ expr }} as {{ data_type }})
{%- endmacro %}

{% macro default__try_cast_text(expr, data_type) -%}
    {#- PostgreSQL 16+: pg_input_is_valid checks without raising. -#}
    {%- set pg_type = 'double precision' if data_type == 'double' else data_type -%}
    case when pg_input_is_valid({{ expr }}, '{{ pg_type }}') then cast({{ expr }} as {{ pg_type }}) end
{%- endmacro %}


{#- True when the whole of expr matches the regular expression pattern. -#}
{% macro regex_full_match(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match')(expr, pattern)) }}
{%- endmacro %}

{% macro duckdb__regex_full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro default__regex_full_match(expr, pattern) -%}
    ({{ expr }} ~ '^(?:{{ pattern }})$')
{%- endmacro %}


{#- A JSON object as text from a list of column names: {"col": value, ...}. -#}
{% macro json_object_text(column_names, relation_alias) -%}
    {{ return(adapter.dispatch('json_object_text')(column_names, relation_alias)) }}
{%- endmacro %}

{% macro duckdb__json_object_text(column_names, relation_alias) -%}
    cast(json_object(
        {%- for name in column_names %}'{{ name }}', {{ relation_alias }}.{{ name }}{{ ", " if not loop.last }}{% endfor -%}
    ) as varchar)
{%- endmacro %}

{% macro default__json_object_text(column_names, relation_alias) -%}
    cast(json_build_object(
        {%- for name in column_names %}'{{ name }}', {{ relation_alias }}.{{ name }}{{ ", " if not loop.last }}{% endfor -%}
    ) as {{ dbt.type_string() }})
{%- endmacro %}


{#- A hash of the content of a row (list of column expressions), to tell identical duplicates
    from different rows sharing a key. -#}
{% macro content_hash(column_names) -%}
    {{ return(adapter.dispatch('content_hash')(column_names)) }}
{%- endmacro %}

{% macro duckdb__content_hash(column_names) -%}
    hash({{ column_names | join(', ') }})
{%- endmacro %}

{% macro default__content_hash(column_names) -%}
    {%- set parts = [] -%}
    {%- for name in column_names -%}
        {%- do parts.append("coalesce(cast(" ~ name ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {{ dbt.hash(parts | join(" || '|' || ")) }}
{%- endmacro %}


{#- A Jinja value as a typed SQL text literal (NULL for none), quotes escaped. -#}
{% macro text_literal(value) -%}
    {%- if value is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        cast('{{ value | string | replace("'", "''") }}' as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#- A JSON object as text from (key, SQL expression) pairs. -#}
{% macro json_object_from_pairs(pairs) -%}
    {{ return(adapter.dispatch('json_object_from_pairs')(pairs)) }}
{%- endmacro %}

{% macro duckdb__json_object_from_pairs(pairs) -%}
    cast(json_object(
        {%- for key, expr in pairs %}'{{ key }}', {{ expr }}{{ ", " if not loop.last }}{% endfor -%}
    ) as varchar)
{%- endmacro %}

{% macro default__json_object_from_pairs(pairs) -%}
    cast(json_build_object(
        {%- for key, expr in pairs %}'{{ key }}', {{ expr }}{{ ", " if not loop.last }}{% endfor -%}
    ) as {{ dbt.type_string() }})
{%- endmacro %}
