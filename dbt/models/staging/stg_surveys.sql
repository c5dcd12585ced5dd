{#- Typed and validated surveys (rules: the landing contract, models/staging/_sources.yml). -#}
{{ stage_landing_table('surveys') }}
