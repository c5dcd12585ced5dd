{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['survey_id'],
    tombstone_column='contact_id'
) }}
{#- One row per current survey answer, credited to the surveyed contact's advisor, campaign
    and local activity date, with its question's scale.
    - top-2: score >= scale_max - 1 of its question.
    - csat: question 'csat'; cr: questions flagged is_cr_related; nps: question 'nps',
      promoters 9-10, detractors 0-6 (passives 7-8 count only in the denominator).
    Incremental run: recomputes the answers changed since the last run and those of contacts
    whose advisor, campaign or local date changed; when a question's definition changed,
    every answer (and the answers whose survey is no longer current are deleted). Writes the
    rows that changed. -#}

{%- if is_incremental() %}
{%- set state = incremental_state() -%}
{%- set since = state_batch_literal(state) -%}
{%- set consumer_since = state_batch_literal(incremental_state('int_affected_days')) -%}
{%- set questions_changed = true -%}
{%- if execute -%}
    {%- set questions_changed = state is none or run_query(
        "select count(*) from " ~ ref('int_survey_questions') ~ " where _batch_id > " ~ since).rows[0][0] > 0 -%}
{%- endif %}
{%- endif %}

with

{%- if is_incremental() and not questions_changed %}
{#- The surveys to recompute, as SQL readable when the model runs: the lookups below are
    bounded by their ids as literals (DuckDB skips row groups on literals, not on scalar
    subqueries: docs/performance.md). -#}
{%- set moved_contacts = '(select contact_id from ' ~ ref('int_contact_flags') ~ ' where _batch_id > ' ~ since ~ ' and _credit_batch_id > ' ~ since ~ ')' -%}
{%- set recomputed_surveys -%}
    select * from {{ ref('int_surveys') }}
    where _batch_id > {{ since }}

    union

    select surveys.*
    from {{ ref('int_surveys') }} as surveys
    where {{ literal_range_filter('surveys.contact_id', 'contact_id', moved_contacts) }}
        and surveys.contact_id in (select contact_id from {{ moved_contacts }} as moved)
{%- endset %}

surveys as (

    {{ recomputed_surveys }}

),

{%- else %}

surveys as (

    select * from {{ ref('int_surveys') }}

),

{%- endif %}

contacts as (

    select contact_id, advisor_id, campaign_id, activity_date
    from {{ ref('int_contact_flags') }}
    {%- if is_incremental() and not questions_changed %}
    where {{ literal_range_filter('contact_id', 'contact_id', '(' ~ recomputed_surveys ~ ')') }}
    {%- endif %}

),

questions as (

    select question, scale_min, scale_max, is_cr_related
    from {{ ref('int_survey_questions') }}

),

answers as (

    select
        surveys.survey_id,
        surveys.contact_id,
        contacts.advisor_id,
        contacts.campaign_id,
        contacts.activity_date,
        surveys.answered_at,
        surveys.question,
        surveys.score,
        questions.scale_min,
        questions.scale_max,
        questions.is_cr_related,
        surveys.score >= questions.scale_max - 1 as is_top2,
        surveys.question = 'csat' as is_csat,
        surveys.question = 'nps' as is_nps,
        surveys.question = 'nps' and surveys.score >= 9 as is_nps_promoter,
        surveys.question = 'nps' and surveys.score <= 6 as is_nps_detractor

    from surveys
    inner join contacts
        on surveys.contact_id = contacts.contact_id
    inner join questions
        on surveys.question = questions.question

)

{%- if is_incremental() %},

existing as (

    select this.*
    from {{ this }} as this
    {%- if not questions_changed %}
    where {{ literal_range_filter('this.survey_id', 'survey_id', '(' ~ recomputed_surveys ~ ')') }}
        and this.survey_id in (select survey_id from answers)
    {%- endif %}

)

select
    answers.*,
    {{ follow_up_bookkeeping_columns('answers', 'existing', consumer_since) }}
from answers
left join existing
    on answers.survey_id = existing.survey_id
where existing.survey_id is null
    or {{ any_column_differs(survey_answer_value_columns(), 'answers', 'existing') }}
{%- if questions_changed %}

union all

-- answers whose survey is no longer current (a question's scale changed): tombstones
select
    {%- for column in survey_answer_value_columns() %}
    {{ 'existing.survey_id' if column == 'survey_id' else 'null' }} as {{ column }},
    {%- endfor %}
    null as _batch_id, null as _credit_batch_id, null as _prev_campaign_id, null as _prev_activity_date
from existing
where existing.survey_id not in (select survey_id from answers)
{%- endif %}

{%- else %}

select
    answers.*,
    {{ follow_up_full_bookkeeping_columns() }}
from answers
-- clustered on the key (incremental lookups by key skip most of the table)
order by survey_id

{%- endif %}
