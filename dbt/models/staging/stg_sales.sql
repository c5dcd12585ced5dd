{#- Typed and validated sales. A sale cannot be withdrawn or cancelled before it is sold. -#}
{{ stage_landing_table('sales', row_rules=[
    {'column': 'withdrawn_at', 'condition': 'withdrawn_at < sold_at', 'reason': 'withdrawn_at before sold_at'},
    {'column': 'cancelled_at', 'condition': 'cancelled_at < sold_at', 'reason': 'cancelled_at before sold_at'}
]) }}
