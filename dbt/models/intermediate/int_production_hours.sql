{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['advisor_id', 'campaign_id', 'work_date'],
    tombstone_column='_delivery_id',
    meta={'reads_raw': true}
) }}
{#- Current production_hours: accepted rows, latest delivery wins per natural key; incremental on the
    raw deliveries not processed yet (macros/intermediate.sql). -#}
{{ current_landing_rows('production_hours') }}
