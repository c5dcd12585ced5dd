{#- Typed and validated events (campaign_id empty: an event for every campaign). -#}
{{ stage_landing_table('events', row_rules=[
    {'column': 'ends_on', 'condition': 'ends_on < starts_on', 'reason': 'ends_on before starts_on'}
]) }}
