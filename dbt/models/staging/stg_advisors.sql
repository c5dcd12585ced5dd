{#- Typed and validated advisors. -#}
{{ stage_landing_table('advisors', row_rules=[
    {'column': 'left_on', 'condition': 'left_on < hired_on', 'reason': 'left_on before hired_on'}
]) }}
