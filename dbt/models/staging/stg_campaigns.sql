{#- Typed and validated campaigns. An empty timezone takes the contract default
    (Europe/Paris); a zone the engine does not know is invalid. -#}
{{ stage_landing_table('campaigns', row_rules=[
    {'column': 'timezone',
     'condition': 'timezone not in (' ~ timezone_names_query() ~ ')',
     'reason': 'unknown time zone'},
    {'column': 'ended_on',
     'condition': 'ended_on < started_on',
     'reason': 'ended_on before started_on'}
]) }}
