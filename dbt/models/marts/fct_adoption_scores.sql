{#- One row per advisor, campaign and evaluation of the adoption of the relationship method. -#}

select
    advisor_id,
    campaign_id,
    evaluated_on,
    cast({{ dbt.date_trunc('month', 'evaluated_on') }} as date) as month,
    score

from {{ ref('int_adoption_scores') }}
