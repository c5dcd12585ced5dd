-- depends_on: {{ ref('int_affected_days') }}
-- depends_on: {{ ref('int_campaigns') }}
{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['campaign_id', 'month'],
    tombstone_column='advisor_id'
) }}
{#- Grain: advisor_id x campaign_id x month (first day of the local month). Components are
    the sums of the daily components; indicator values are recomputed from those sums
    (a ratio of sums, never an average of daily ratios).
    Incremental run: only the (campaign, month) pairs containing a day logged in
    int_affected_days since this model last ran are deleted and rebuilt from the daily rows
    (placeholder rows with a NULL advisor_id delete them first; strategy 'replace'). -#}
{%- set summed = advisor_campaign_component_columns() -%}
{%- set scope = mart_incremental_scope(month_grain=true) -%}
{%- set whole_campaigns = scope.whole_campaigns -%}

with
{%- if is_incremental() %}

affected_days as (

    select * from {{ scope.affected_days }} as logged

),
{%- endif %}

components as (

    select
        advisor_id,
        campaign_id,
        month,
        {%- for column in summed %}
        {%- if column == 'hours' %}
        {#- from the exact integer seconds: a sum of doubles depends on the summation order,
            which would make a rebuilt month differ in the last bits -#}
        cast(sum(logged_seconds) as double precision) / 3600 as hours,
        {%- elif column == 'revenue' %}
        cast(sum(revenue) as decimal(18, 2)) as revenue,
        {%- else %}
        cast(sum({{ column }}) as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endif %}
        {%- endfor %}
        cast(count(*) as {{ dbt.type_bigint() }}) as active_days

    from {{ ref('fct_advisor_campaign_daily') }}
    {{ affected_days_filter('campaign_id', 'month', scope) }}
    group by advisor_id, campaign_id, month

)

select
    components.*,
    {{ indicator_value_columns() }}

from components
{%- if is_incremental() %}

union all

-- placeholders: every affected (campaign, month), or whole campaign, is deleted first
select
    {%- for column in adapter.get_columns_in_relation(this) %}
    {{ 'campaign_id' if column.name == 'campaign_id' else ('activity_date' if column.name == 'month' else 'null') }}{{ "," if not loop.last }}
    {%- endfor %}
from (
    select campaign_id, activity_date from affected_days
    union all
    select campaign_id, cast(null as date) from {{ ref('int_campaigns') }}
    where {{ in_text_list('campaign_id', whole_campaigns) }}
) as placeholders
{%- endif %}
