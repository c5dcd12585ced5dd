{#- Staging: one row per raw row, every contract column cast to its contract type, plus
    _delivery_id, _line, _is_valid and the FIRST failing validation rule (_invalid_column,
    _invalid_reason; both NULL for a valid row). A present value that does not parse is never
    turned into a silent NULL: the row is invalid and names the column.
    Columns flagged meta.pseudonymise (customer_id) leave staging as a keyed hash
    (macros/privacy.sql): the raw identifier is only used for the empty-value rule.
    Filter on _is_valid, not on _invalid_reason: DuckDB pushes a filter on the reason text down
    as the whole inlined rule expression, several times slower on tens of millions of rows. -#}

{#- Typed value of the text column raw_col, NULL when empty or unparseable. The format checks
    make the cast strict: '1.5' is not an integer, '2024-03-01 10:00' is not a date. -#}
{% macro typed_value(raw_col, data_type) %}
    {%- set t = data_type | lower | replace(' ', '') -%}
    {%- if t in ['varchar', 'text', 'string'] -%}
        {{ raw_col }}
    {%- elif t in ['integer', 'int', 'bigint', 'smallint'] -%}
        case when {{ regex_full_match(raw_col, '[+-]?[0-9]+') }} then {{ try_cast_text(raw_col, t) }} end
    {%- elif t.startswith('decimal') or t.startswith('numeric') -%}
        {%- set scale = (t.split(',')[1] | replace(')', '')) if ',' in t else '0' -%}
        case when {{ regex_full_match(raw_col, '[+-]?([0-9]+(\\.[0-9]{0,' ~ scale ~ '})?|\\.[0-9]{1,' ~ scale ~ '})') }} then {{ try_cast_text(raw_col, data_type) }} end
    {%- elif t in ['double', 'float', 'real'] -%}
        case when {{ regex_full_match(raw_col, '[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?') }} then {{ try_cast_text(raw_col, 'double') }} end
    {%- elif t == 'date' -%}
        case when {{ regex_full_match(raw_col, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }} then {{ try_cast_text(raw_col, 'date') }} end
    {%- elif t in ['timestamptz', 'timestampwithtimezone'] -%}
        {#- The offset is optional here so that a timestamp without one is reported as such. -#}
        case when {{ regex_full_match(raw_col, '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?') }} then {{ try_cast_text(raw_col, 'timestamptz') }} end
    {%- elif t == 'boolean' -%}
        case
            when lower({{ raw_col }}) in ('true', 't', '1', 'yes') then true
            when lower({{ raw_col }}) in ('false', 'f', '0', 'no') then false
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error("Unsupported contract type '" ~ data_type ~ "'") }}
    {%- endif -%}
{% endmacro %}


{% macro _sql_literal(value) %}
    {%- if value is string -%}
        '{{ value | replace("'", "''") }}'
    {%- elif value is sameas true or value is sameas false -%}
        {{ value | lower }}
    {%- else -%}
        {{ value }}
    {%- endif -%}
{% endmacro %}


{#- The validation rules implied by the contract for one column, in order. -#}
{% macro _column_rules(column) %}
    {%- set name = column.name -%}
    {%- set raw = name ~ '__raw' -%}
    {%- set meta = column.meta -%}
    {%- set t = column.data_type | replace(' ', '') -%}
    {%- set rules = [] -%}
    {%- if meta.nullable is sameas false -%}
        {%- do rules.append({'column': name, 'condition': raw ~ ' is null', 'reason': 'empty value in a non-nullable column'}) -%}
    {%- endif -%}
    {%- if t not in ['varchar', 'text', 'string'] -%}
        {%- do rules.append({'column': name, 'condition': raw ~ ' is not null and ' ~ name ~ ' is null', 'reason': 'unparseable ' ~ column.data_type ~ ' value'}) -%}
    {%- endif -%}
    {%- if t in ['timestamptz', 'timestampwithtimezone'] -%}
        {%- do rules.append({'column': name, 'condition': raw ~ ' is not null and not ' ~ regex_full_match(raw, '.*(Z|[+-][0-9]{2}(:?[0-9]{2})?)'), 'reason': 'timestamp without UTC offset'}) -%}
    {%- endif -%}
    {%- if meta.accepted_values -%}
        {%- set literals = [] -%}
        {%- for value in meta.accepted_values -%}{%- do literals.append(_sql_literal(value)) -%}{%- endfor -%}
        {%- do rules.append({'column': name, 'condition': name ~ ' is not null and ' ~ name ~ ' not in (' ~ literals | join(', ') ~ ')', 'reason': 'value not in accepted values'}) -%}
    {%- endif -%}
    {%- if meta.min is not none and meta.min is defined -%}
        {%- set reason = 'negative duration' if (name.endswith('_seconds') and meta.min == 0) else 'below minimum ' ~ meta.min -%}
        {%- do rules.append({'column': name, 'condition': name ~ ' < ' ~ meta.min, 'reason': reason}) -%}
    {%- endif -%}
    {%- if meta.max is not none and meta.max is defined -%}
        {%- do rules.append({'column': name, 'condition': name ~ ' > ' ~ meta.max, 'reason': 'above maximum ' ~ meta.max}) -%}
    {%- endif -%}
    {{ return(rules) }}
{% endmacro %}


{#- The staging model of landing table table_name. row_rules: extra rules across columns,
    [{column, condition (SQL on the typed columns), reason}], checked after the column rules. -#}
{% macro stage_landing_table(table_name, row_rules=[]) %}
    {%- set columns = contract_columns(table_name) -%}
    {%- set rules = [] -%}
    {%- for column in columns -%}
        {%- for rule in _column_rules(column) -%}{%- do rules.append(rule) -%}{%- endfor -%}
    {%- endfor -%}
    {%- for rule in row_rules -%}{%- do rules.append(rule) -%}{%- endfor -%}

with

source as (

    select * from {{ source('raw', table_name) }}

),

texts as (

    select
        {%- for column in columns %}
        {%- set text = "nullif(" ~ column.name ~ ", '')" %}
        {%- if column.meta.default is defined and column.meta.default is not none %}
        coalesce({{ text }}, {{ _sql_literal(column.meta.default) }}) as {{ column.name }}__raw,
        {%- else %}
        {{ text }} as {{ column.name }}__raw,
        {%- endif %}
        {%- endfor %}
        cast(_delivery_id as {{ dbt.type_int() }}) as _delivery_id,
        cast(_line as {{ dbt.type_bigint() }}) as _line

    from source

),

typed as (

    select
        texts.*
        {%- for column in columns %},
        {%- if column.meta.pseudonymise %}
        {{ pseudonymise(column.name ~ '__raw') }} as {{ column.name }}
        {%- else %}
        {{ typed_value(column.name ~ '__raw', column.data_type) }} as {{ column.name }}
        {%- endif %}
        {%- endfor %}

    from texts

),

checked as (

    select
        typed.*,
        {%- if rules %}
        case
            {%- for rule in rules %}
            when {{ rule.condition }} then {{ loop.index }}
            {%- endfor %}
        end as _invalid_rule
        {%- else %}
        cast(null as {{ dbt.type_int() }}) as _invalid_rule
        {%- endif %}

    from typed

),

validated as (

    select
        checked.*,
        {%- if rules %}
        case _invalid_rule
            {%- for rule in rules %}
            when {{ loop.index }} then '{{ rule.column }}'
            {%- endfor %}
        end as _invalid_column,
        case _invalid_rule
            {%- for rule in rules %}
            when {{ loop.index }} then '{{ rule.reason | replace("'", "''") }}'
            {%- endfor %}
        end as _invalid_reason,
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as _invalid_column,
        cast(null as {{ dbt.type_string() }}) as _invalid_reason,
        {%- endif %}
        _invalid_rule is null as _is_valid

    from checked

)

select
    {%- for column in columns %}
    {{ column.name }},
    {%- endfor %}
    _delivery_id,
    _line,
    _is_valid,
    _invalid_column,
    _invalid_reason

from validated

{%- endmacro %}
