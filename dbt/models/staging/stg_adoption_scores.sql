{#- Typed and validated adoption_scores (rules: the landing contract, models/staging/_sources.yml). -#}
{{ stage_landing_table('adoption_scores') }}
