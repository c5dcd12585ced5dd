{#- Local time conversion is the one adapter-specific piece of the date logic.
    to_local_timestamp: an instant (timestamp with time zone) -> the wall-clock timestamp
    (without time zone) in the IANA zone tz. from_local_timestamp: the reverse. -#}
{% macro to_local_timestamp(ts, tz) -%}
    {{ return(adapter.dispatch('to_local_timestamp')(ts, tz)) }}
{%- endmacro %}

{% macro duckdb__to_local_timestamp(ts, tz) -%}
    timezone({{ tz }}, {{ ts }})
{%- endmacro %}

{% macro postgres__to_local_timestamp(ts, tz) -%}
    (({{ ts }}) at time zone ({{ tz }}))
{%- endmacro %}

{% macro default__to_local_timestamp(ts, tz) -%}
    convert_timezone('UTC', {{ tz }}, {{ ts }})
{%- endmacro %}


{% macro from_local_timestamp(local_ts, tz) -%}
    {{ return(adapter.dispatch('from_local_timestamp')(local_ts, tz)) }}
{%- endmacro %}

{% macro duckdb__from_local_timestamp(local_ts, tz) -%}
    timezone({{ tz }}, cast({{ local_ts }} as timestamp))
{%- endmacro %}

{% macro postgres__from_local_timestamp(local_ts, tz) -%}
    (cast({{ local_ts }} as timestamp) at time zone ({{ tz }}))
{%- endmacro %}

{% macro default__from_local_timestamp(local_ts, tz) -%}
    convert_timezone({{ tz }}, 'UTC', {{ local_ts }})
{%- endmacro %}


{#- The local calendar date of an instant in zone tz. -#}
{% macro to_local_date(ts, tz) -%}
    cast({{ to_local_timestamp(ts, tz) }} as date)
{%- endmacro %}


{#- A query returning the IANA zone names the engine knows (column: name). -#}
{% macro timezone_names_query() -%}
    {{ return(adapter.dispatch('timezone_names_query')()) }}
{%- endmacro %}

{% macro duckdb__timezone_names_query() -%}
    select name from pg_timezone_names()
{%- endmacro %}

{% macro default__timezone_names_query() -%}
    select name from pg_timezone_names
{%- endmacro %}
