{#- One row per current survey answer, credited to the surveyed contact's advisor, campaign
    and local activity date, with its question's scale.
    - top-2: score >= scale_max - 1 of its question.
    - csat: question 'csat'; cr: questions flagged is_cr_related; nps: question 'nps',
      promoters 9-10, detractors 0-6 (passives 7-8 count only in the denominator). -#}

with

surveys as (

    select * from {{ ref('int_surveys') }}

),

contacts as (

    select contact_id, advisor_id, campaign_id, activity_date
    from {{ ref('int_contact_flags') }}

),

questions as (

    select question, scale_min, scale_max, is_cr_related
    from {{ ref('int_survey_questions') }}

)

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
