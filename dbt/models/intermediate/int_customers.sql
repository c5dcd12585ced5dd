{#- Current customers: accepted rows, latest delivery wins per natural key (macros/intermediate.sql). -#}
{{ current_landing_rows('customers') }}
