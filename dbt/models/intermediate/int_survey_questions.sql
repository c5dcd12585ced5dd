{#- Survey questions: the shipped defaults (seed survey_question_defaults: csat 1-5, nps 0-10)
    overridden question by question by the delivered survey_questions
    (int_survey_questions_delivered). _batch_id: batch in which the delivered definition last
    changed (0 for a default), _first_batch_id likewise: surveys of a question whose
    definition changed since a model last ran are rechecked (scale) by that model. -#}
with

delivered as (

    select * from {{ ref('int_survey_questions_delivered') }}

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

    select
        question, scale_min, scale_max, is_cr_related, 'delivered' as question_source,
        _batch_id, _first_batch_id
    from delivered

    union all

    select
        question, scale_min, scale_max, is_cr_related, 'default' as question_source,
        cast(0 as {{ dbt.type_bigint() }}) as _batch_id,
        cast(0 as {{ dbt.type_bigint() }}) as _first_batch_id
    from defaults
    where question not in (select question from delivered)

)

select * from combined
