{#- Typed and validated trainings (rules: the landing contract, models/staging/_sources.yml). -#}
{{ stage_landing_table('trainings') }}
