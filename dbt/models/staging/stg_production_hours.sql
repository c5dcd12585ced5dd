{#- Typed and validated production_hours (rules: the landing contract, models/staging/_sources.yml). -#}
{{ stage_landing_table('production_hours') }}
