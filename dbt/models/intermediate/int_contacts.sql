{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['contact_id'],
    tombstone_column='_delivery_id',
    meta={'reads_raw': true}
) }}
{#- Current contacts: accepted rows, latest delivery wins per natural key; incremental on the
    raw deliveries not processed yet (macros/intermediate.sql). -#}
{{ current_landing_rows('contacts') }}
