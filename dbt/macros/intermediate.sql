{#- Intermediate: from the valid staging rows of a landing table to its current rows.
    Each landing row is accepted or rejected as a whole, in this order:
      1. staging validation (stg_<table>._invalid_reason)               -> check_stage 'validation'
      2. the table's reference checks (unknown advisor, campaign, ...)  -> check_stage 'reference'
      3. two different rows with the same natural key in the same delivery: both rejected
         (identical duplicates collapse silently)                       -> check_stage 'duplicate_key'
    Among the accepted rows of a natural key the latest delivery wins (highest _delivery_id,
    then highest _line). A rejected row therefore never replaces an accepted one. -#}

{#- Reference checks per landing table: {joins: [{relation, alias, on}], rules: [{column,
    condition, reason}]}. Each join is a LEFT JOIN of the staged rows (alias r) to a relation
    unique on the join key (hash joins: this scales to tens of millions of rows); a rule's
    condition is TRUE when the row must be rejected. ref() is only called in the branch of the
    table concerned: a ref registers a dependency when the model is parsed. -#}
{% macro landing_reference_checks(table_name) %}
    {%- set joins = [] -%}
    {%- set rules = [] -%}
    {%- if table_name in ['production_hours', 'contacts', 'sales', 'adoption_scores', 'trainings'] -%}
        {%- do joins.append({
            'relation': '(select distinct advisor_id from ' ~ ref('int_advisors') ~ ')',
            'alias': 'known_advisors',
            'on': 'known_advisors.advisor_id = r.advisor_id'}) -%}
        {%- do rules.append({
            'column': 'advisor_id',
            'condition': 'r.advisor_id is not null and known_advisors.advisor_id is null',
            'reason': 'unknown advisor_id'}) -%}
    {%- endif -%}
    {%- if table_name in ['production_hours', 'contacts', 'sales', 'adoption_scores', 'events'] -%}
        {%- do joins.append({
            'relation': '(select distinct campaign_id from ' ~ ref('int_campaigns') ~ ')',
            'alias': 'known_campaigns',
            'on': 'known_campaigns.campaign_id = r.campaign_id'}) -%}
        {%- do rules.append({
            'column': 'campaign_id',
            'condition': 'r.campaign_id is not null and known_campaigns.campaign_id is null',
            'reason': 'unknown campaign_id'}) -%}
    {%- endif -%}
    {%- if table_name == 'surveys' -%}
        {%- do joins.append({
            'relation': '(select distinct contact_id from ' ~ ref('int_contacts') ~ ')',
            'alias': 'known_contacts',
            'on': 'known_contacts.contact_id = r.contact_id'}) -%}
        {%- do joins.append({
            'relation': ref('int_survey_questions'),
            'alias': 'known_questions',
            'on': 'known_questions.question = r.question'}) -%}
        {%- do rules.append({
            'column': 'contact_id',
            'condition': 'known_contacts.contact_id is null',
            'reason': 'unknown contact_id'}) -%}
        {%- do rules.append({
            'column': 'question',
            'condition': 'known_questions.question is null',
            'reason': 'unknown question'}) -%}
        {%- do rules.append({
            'column': 'score',
            'condition': 'r.score not between known_questions.scale_min and known_questions.scale_max',
            'reason': 'score outside the scale of its question'}) -%}
    {%- endif -%}
    {{ return({'joins': joins, 'rules': rules}) }}
{% endmacro %}


{#- All valid staging rows of a table with _reject_column / _reject_reason / _check_stage set
    for rows rejected by reference or duplicate-key checks (NULL when accepted). -#}
{% macro checked_landing_rows(table_name) %}
    {%- set columns = contract_column_names(table_name) -%}
    {%- set key = natural_key(table_name) -%}
    {%- set checks = landing_reference_checks(table_name) -%}
    {%- set qualified_columns = [] -%}
    {%- for column in columns -%}{%- do qualified_columns.append('r.' ~ column) -%}{%- endfor -%}

    with

    valid as (

        select * from {{ ref('stg_' ~ table_name) }}
        where _is_valid

    ),

    referenced as (

        select
            r.*,
            {%- if checks.rules %}
            case
                {%- for rule in checks.rules %}
                when {{ rule.condition }} then {{ loop.index }}
                {%- endfor %}
            end as _reference_rule,
            {%- else %}
            cast(null as {{ dbt.type_int() }}) as _reference_rule,
            {%- endif %}
            {{ content_hash(qualified_columns) }} as _content_hash

        from valid as r
        {%- for join in checks.joins %}
        left join {{ join.relation }} as {{ join.alias }}
            on {{ join.on }}
        {%- endfor %}

    ),

    keyed as (

        select
            referenced.*,
            case
                when _reference_rule is null
                    and min(_content_hash) over same_key_same_delivery
                        <> max(_content_hash) over same_key_same_delivery
                    then true
                else false
            end as _is_conflicting_duplicate

        from referenced
        window same_key_same_delivery as (
            partition by {{ key | join(', ') }}, _delivery_id, (_reference_rule is null)
        )

    )

    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        _delivery_id,
        _line,
        case
            {%- for rule in checks.rules %}
            when _reference_rule = {{ loop.index }} then '{{ rule.column }}'
            {%- endfor %}
            when _is_conflicting_duplicate then '{{ key | join(", ") }}'
        end as _reject_column,
        case
            {%- for rule in checks.rules %}
            when _reference_rule = {{ loop.index }} then '{{ rule.reason }}'
            {%- endfor %}
            when _is_conflicting_duplicate then 'duplicate key with different content'
        end as _reject_reason,
        case
            when _reference_rule is not null then 'reference'
            when _is_conflicting_duplicate then 'duplicate_key'
        end as _check_stage

    from keyed
{%- endmacro %}


{#- The current rows of a landing table: accepted rows, latest delivery wins per natural key.
    Output: the contract columns, _delivery_id, _line. -#}
{% macro current_landing_rows(table_name) %}
    {%- set columns = contract_column_names(table_name) -%}
    {%- set key = natural_key(table_name) -%}

with

checked as (

    {{ checked_landing_rows(table_name) }}

),

ranked as (

    select
        checked.*,
        row_number() over (
            partition by {{ key | join(', ') }}
            order by _delivery_id desc, _line desc
        ) as _version_rank

    from checked
    where _reject_reason is null

)

select
    {%- for column in columns %}
    {{ column }},
    {%- endfor %}
    _delivery_id,
    _line

from ranked
where _version_rank = 1
{%- endmacro %}


{#- The rejected rows of a landing table, at every stage: table_name, delivery_id, line,
    column_name, reason, check_stage. -#}
{% macro rejected_landing_rows(table_name) %}

    select
        '{{ table_name }}' as table_name,
        _delivery_id as delivery_id,
        _line as line,
        _invalid_column as column_name,
        _invalid_reason as reason,
        'validation' as check_stage
    from {{ ref('stg_' ~ table_name) }}
    where not _is_valid

    union all

    select
        '{{ table_name }}' as table_name,
        _delivery_id as delivery_id,
        _line as line,
        _reject_column as column_name,
        _reject_reason as reason,
        _check_stage as check_stage
    from (
        {{ checked_landing_rows(table_name) }}
    ) as checked
    where _reject_reason is not null

{%- endmacro %}
