{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['advisor_id', 'campaign_id', 'evaluated_on'],
    tombstone_column='_delivery_id',
    meta={'reads_raw': true}
) }}
{#- Current adoption_scores: accepted rows, latest delivery wins per natural key; incremental on the
    raw deliveries not processed yet (macros/intermediate.sql). -#}
{{ current_landing_rows('adoption_scores') }}
