{#- One row per advisor, with the date of its first training in the measured programme(s).
    Other programmes (e.g. new-hire onboarding) are listed but never define trained_on:
    an onboarding date is not the customer-relationship training the analyses measure. -#}

with

advisors as (

    select * from {{ ref('int_advisors') }}

),

trainings as (

    select
        advisor_id,
        min(case when {{ measured_programme_filter('programme') }} then trained_on end) as trained_on,
        count(*) as programme_count,
        {{ dbt.listagg('programme', "', '", 'order by programme') }} as programmes

    from {{ ref('int_trainings') }}
    group by advisor_id

)

select
    advisors.advisor_id,
    advisors.team_id,
    advisors.site,
    advisors.hired_on,
    advisors.left_on,
    trainings.trained_on,
    cast({{ dbt.date_trunc('month', 'trainings.trained_on') }} as date) as training_month,
    trainings.programmes,
    coalesce(trainings.programme_count, 0) as programme_count

from advisors
left join trainings
    on advisors.advisor_id = trainings.advisor_id
