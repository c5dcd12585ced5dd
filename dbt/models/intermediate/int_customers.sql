{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['customer_id', 'campaign_id'],
    tombstone_column='_delivery_id',
    meta={'reads_raw': true}
) }}
{#- Current customers per campaign: accepted rows, latest delivery wins per natural key;
    incremental (macros/intermediate.sql). _prev_churned_on is the churn date that
    int_contact_flags last saw for the customer, so that a changed churn date lets it
    recompute only the contacts within the attrition window of the old and new dates. -#}
{{ current_landing_rows('customers', prev_columns=['churned_on'], prev_consumer='int_contact_flags') }}
