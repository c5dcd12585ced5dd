{#- True for training rows of a measured programme (var measured_programmes: comma-separated, '*' = any). -#}
{% macro measured_programme_filter(column) -%}
    {%- set names = var('measured_programmes') | string -%}
    {%- if names.strip() == '*' -%}
        true
    {%- else -%}
        {{ column }} in ({%- for name in names.split(',') -%}'{{ name.strip() }}'{{ ', ' if not loop.last }}{%- endfor -%})
    {%- endif -%}
{%- endmacro %}
