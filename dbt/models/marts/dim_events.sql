{#- One row per dated event that may disturb the indicators (campaign_id NULL: every
    campaign). -#}

select
    event_id,
    campaign_id,
    starts_on,
    ends_on,
    kind,
    description

from {{ ref('int_events') }}
