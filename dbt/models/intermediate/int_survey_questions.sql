{#- Survey questions: the shipped defaults (seed survey_question_defaults: csat 1-5, nps 0-10)
    overridden question by question by the delivered survey_questions. -#}
with

delivered as (

    {{ current_landing_rows('survey_questions') }}

),

defaults as (

    select
        cast(question as {{ dbt.type_string() }}) as question,
        cast(scale_min as {{ dbt.type_int() }}) as scale_min,
        cast(scale_max as {{ dbt.type_int() }}) as scale_max,
        cast(is_cr_related as {{ dbt.type_boolean() }}) as is_cr_related

    from {{ ref('survey_question_defaults') }}

),

combined as (

    select question, scale_min, scale_max, is_cr_related, 'delivered' as question_source
    from delivered

    union all

    select question, scale_min, scale_max, is_cr_related, 'default' as question_source
    from defaults
    where question not in (select question from delivered)

)

select * from combined
