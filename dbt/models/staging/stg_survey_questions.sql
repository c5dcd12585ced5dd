{#- Typed and validated survey questions (they override the shipped defaults by question). -#}
{{ stage_landing_table('survey_questions', row_rules=[
    {'column': 'scale_max', 'condition': 'scale_max <= scale_min', 'reason': 'scale_max not above scale_min'}
]) }}
