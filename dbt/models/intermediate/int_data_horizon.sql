{#- The end of the observed data per campaign (exclusive instant). A follow-up window counts
    only when it has ended by then (the contact or sale is "mature").
    - var('data_end_at') set (ISO timestamp with offset): that instant for every campaign.
    - otherwise: the start of the local day (campaign time zone) after the latest contact
      started_at or sale sold_at of the whole landing (global maximum, all campaigns). -#}
{%- set data_end_at = var('data_end_at', '') -%}

with

latest_activity as (

    select max(activity_at) as latest_activity_at
    from (
        select max(started_at) as activity_at from {{ ref('int_contacts') }}
        union all
        select max(sold_at) as activity_at from {{ ref('int_sales') }}
    ) as activity

),

campaigns as (

    select campaign_id, timezone from {{ ref('int_campaigns') }}

)

select
    campaigns.campaign_id,
    campaigns.timezone,
    latest_activity.latest_activity_at,
    {%- if data_end_at %}
    cast('{{ data_end_at }}' as timestamp with time zone) as data_end_at,
    'var' as data_end_source
    {%- else %}
    {{ from_local_timestamp(
        dbt.dateadd('day', 1, to_local_date('latest_activity.latest_activity_at', 'campaigns.timezone')),
        'campaigns.timezone') }} as data_end_at,
    'latest_activity' as data_end_source
    {%- endif %}

from campaigns
cross join latest_activity
