{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['question'],
    tombstone_column='_delivery_id',
    meta={'reads_raw': true}
) }}
{#- Current delivered survey questions: accepted rows, latest delivery wins per question;
    incremental (macros/intermediate.sql). int_survey_questions adds the shipped defaults. -#}
{{ current_landing_rows('survey_questions') }}
