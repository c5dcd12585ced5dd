{#- One row per advisor and training programme. -#}

select
    advisor_id,
    programme,
    trained_on,
    cast({{ dbt.date_trunc('month', 'trained_on') }} as date) as training_month

from {{ ref('int_trainings') }}
