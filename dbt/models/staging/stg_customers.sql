{#- Typed and validated customers (rules: the landing contract, models/staging/_sources.yml). -#}
{{ stage_landing_table('customers') }}
