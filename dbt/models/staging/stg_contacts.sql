{#- Typed and validated contacts (rules: the landing contract, models/staging/_sources.yml). -#}
{{ stage_landing_table('contacts') }}
