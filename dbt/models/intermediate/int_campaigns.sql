{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['campaign_id'],
    tombstone_column='_delivery_id',
    meta={'reads_raw': true}
) }}
{#- Current campaigns, with the follow-up windows resolved (campaign value, else the var
    default); incremental (macros/intermediate.sql). -#}
with

campaigns as (

    {{ current_landing_rows('campaigns') }}

)

select
    campaign_id,
    campaign_name,
    client,
    kind,
    timezone,
    started_on,
    ended_on,
    primary_indicators,
    coalesce(withdrawal_window_days, {{ var('default_withdrawal_window_days') }}) as withdrawal_window_days,
    coalesce(survival_window_days, {{ var('default_survival_window_days') }}) as survival_window_days,
    _delivery_id,
    _line,
    _content_hash,
    _batch_id,
    _first_batch_id

from campaigns
