{#- Grain: advisor_id x campaign_id x month (first day of the local month). Components are
    the sums of the daily components; indicator values are recomputed from those sums
    (a ratio of sums, never an average of daily ratios). -#}
{%- set summed = advisor_campaign_component_columns() -%}

with

components as (

    select
        advisor_id,
        campaign_id,
        month,
        {%- for column in summed %}
        {%- if column == 'hours' %}
        sum(hours) as hours,
        {%- elif column == 'revenue' %}
        cast(sum(revenue) as decimal(18, 2)) as revenue,
        {%- else %}
        cast(sum({{ column }}) as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endif %}
        {%- endfor %}
        cast(count(*) as {{ dbt.type_bigint() }}) as active_days

    from {{ ref('fct_advisor_campaign_daily') }}
    group by advisor_id, campaign_id, month

)

select
    components.*,
    {{ indicator_value_columns() }}

from components
