{#- One row per campaign: the delivered columns, the time zone (default Europe/Paris), the
    follow-up windows resolved (campaign value, else the var default) and the data horizon. -#}

select
    campaigns.campaign_id,
    campaigns.campaign_name,
    campaigns.client,
    campaigns.kind,
    campaigns.timezone,
    campaigns.started_on,
    campaigns.ended_on,
    campaigns.primary_indicators,
    campaigns.withdrawal_window_days,
    campaigns.survival_window_days,
    horizon.data_end_at

from {{ ref('int_campaigns') }} as campaigns
left join {{ ref('int_data_horizon') }} as horizon
    on campaigns.campaign_id = horizon.campaign_id
