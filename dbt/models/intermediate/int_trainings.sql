{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['advisor_id', 'programme'],
    tombstone_column='_delivery_id',
    meta={'reads_raw': true}
) }}
{#- Current trainings: accepted rows, latest delivery wins per natural key; incremental on the
    raw deliveries not processed yet (macros/intermediate.sql). -#}
{{ current_landing_rows('trainings') }}
