{#- One row per advisor, with the first training date across programmes. -#}

with

advisors as (

    select * from {{ ref('int_advisors') }}

),

trainings as (

    select
        advisor_id,
        min(trained_on) as trained_on,
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
