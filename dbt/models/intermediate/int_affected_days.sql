-- depends_on: {{ ref('int_contact_flags') }}
-- depends_on: {{ ref('int_sale_flags') }}
-- depends_on: {{ ref('int_survey_answers') }}
-- depends_on: {{ ref('int_production_hours') }}
-- depends_on: {{ ref('int_survey_questions') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    post_hook="{{ prune_affected_days() }}"
) }}
{#- The change log of the daily mart: one row per batch and (campaign, local day) whose
    components may have changed in that batch; activity_date NULL = every day of the
    campaign. Appended by every run, read by fct_advisor_campaign_daily and _monthly with
    their own watermark (entries of batches after the one they last completed), so that a
    mart that missed a run still rebuilds everything it missed.

    A day is affected when a row credited to it changed since this model last ran:
    - a contact, sale or survey answer recomputed (new, corrected, late, flag or maturity
      change): its day, and the day it was credited to before (_prev_*: moved rows);
    - production hours delivered for the day (work_date is the day itself);
    - a survey question's definition changed, or a follow-up model was fully rebuilt without
      this log: every campaign, whole (activity_date NULL). -#}

{%- set batch = current_batch_id() %}

{%- if is_incremental() %}
{%- set since = state_batch_literal(incremental_state()) -%}

with

follow_up_rows as (

    {%- for model in ['int_contact_flags', 'int_sale_flags', 'int_survey_answers'] %}
    select campaign_id, activity_date, _prev_campaign_id, _prev_activity_date
    from {{ ref(model) }}
    where _batch_id > {{ since }}
    {{ "union all" if not loop.last }}
    {%- endfor %}

),

whole as (

    -- every campaign when a question changed or a follow-up model lost its previous view
    select campaign_id, cast(null as date) as activity_date
    from {{ ref('int_campaigns') }}
    where exists (select 1 from {{ ref('int_survey_questions') }} where _batch_id > {{ since }})
        or exists (select 1 from follow_up_rows where _prev_activity_date = {{ unknown_previous_date() }})

),

days as (

    select campaign_id, activity_date from follow_up_rows

    union

    select _prev_campaign_id, _prev_activity_date from follow_up_rows
    where _prev_campaign_id is not null and _prev_activity_date <> {{ unknown_previous_date() }}

    union

    select campaign_id, work_date from {{ ref('int_production_hours') }}
    where _batch_id > {{ since }}

    union

    select campaign_id, activity_date from whole

)

select
    cast({{ batch }} as {{ dbt.type_bigint() }}) as batch_id,
    campaign_id,
    activity_date
from days

{%- else %}

-- a full rebuild: every campaign, whole (marts rebuilt in the same run ignore it, having
-- completed this batch themselves; a mart that was not rebuilt rebuilds everything)
select
    cast({{ batch }} as {{ dbt.type_bigint() }}) as batch_id,
    campaign_id,
    cast(null as date) as activity_date
from {{ ref('int_campaigns') }}

{%- endif %}
