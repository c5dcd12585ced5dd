{#- Custom schema names are used as-is (raw, staging, intermediate, marts), not prefixed
    with the target schema: analysts and the Dagster assets address marts.fct_... directly. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
