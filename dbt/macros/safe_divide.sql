{#- numerator / denominator, NULL when the denominator is 0 or NULL. Always a fractional
    division (the * 1.0 avoids integer division on engines that truncate). -#}
{% macro safe_divide(numerator, denominator) -%}
    ({{ numerator }}) * 1.0 / nullif({{ denominator }}, 0)
{%- endmacro %}
