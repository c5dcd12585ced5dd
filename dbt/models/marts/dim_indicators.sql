{#- One row per indicator of the registry (vars.indicators in dbt_project.yml), in registry
    order. window_value is the resolved default of the window var (e.g. 48 for
    fcr_window_hours); campaign-level windows (withdrawal, survival) may differ per campaign
    (dim_campaigns). -#}
{%- for indicator in indicator_registry() %}
{%- set window_value = indicator_window_value(indicator.window) %}
select
    {{ loop.index }} as indicator_position,
    {{ text_literal(indicator.code) }} as code,
    {{ text_literal(indicator.label_en) }} as label_en,
    {{ text_literal(indicator.label_fr) }} as label_fr,
    {{ text_literal(indicator.unit) }} as unit,
    {{ text_literal(indicator.direction) }} as direction,
    {{ text_literal(indicator.numerator) }} as numerator,
    {{ text_literal(indicator.denominator) }} as denominator,
    cast({{ indicator.scale }} as double precision) as scale,
    {{ text_literal(indicator.window) }} as window,
    cast({{ window_value if window_value is not none else 'null' }} as {{ dbt.type_int() }}) as window_value,
    {{ text_literal(none if indicator.window is none else ('hours' if indicator.window.endswith('_hours') else 'days')) }} as window_unit,
    {{ text_literal(indicator.definition_en) }} as definition_en
{% if not loop.last %}union all{% endif %}
{%- endfor %}
