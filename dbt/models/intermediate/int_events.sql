{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['event_id'],
    tombstone_column='_delivery_id',
    meta={'reads_raw': true}
) }}
{#- Current events: accepted rows, latest delivery wins per natural key; incremental on the
    raw deliveries not processed yet (macros/intermediate.sql). -#}
{{ current_landing_rows('events') }}
