{#- Readers of the landing contract (models/staging/_sources.yml, source 'raw'). The staging
    models cast and validate against it, so the contract is written down once. -#}

{#- The landing tables, in dependency order (referenced tables first). A static list: refs
    and sources must be known when dbt parses, before the graph exists. -#}
{% macro landing_tables() %}
    {{ return([
        'campaigns', 'advisors', 'survey_questions', 'production_hours', 'contacts', 'sales',
        'customers', 'surveys', 'trainings', 'adoption_scores', 'events'
    ]) }}
{% endmacro %}


{% macro _contract_node(table_name) %}
    {%- set unique_id = 'source.' ~ project_name ~ '.raw.' ~ table_name -%}
    {%- if unique_id not in graph.sources -%}
        {{ exceptions.raise_compiler_error("No landing-contract table '" ~ table_name ~ "' in source raw") }}
    {%- endif -%}
    {{ return(graph.sources[unique_id]) }}
{% endmacro %}


{#- Contract columns of a table, in contract order: [{name, data_type, meta}]. Empty while
    dbt parses (the graph is only available at execution). -#}
{% macro contract_columns(table_name) %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set node = _contract_node(table_name) -%}
    {%- set columns = [] -%}
    {%- for name, column in node.columns.items() -%}
        {%- set meta = column.meta or (column.config.meta if column.config else {}) or {} -%}
        {%- do columns.append({'name': name, 'data_type': (column.data_type or 'varchar') | lower, 'meta': meta}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}


{% macro contract_column_names(table_name) %}
    {{ return(contract_columns(table_name) | map(attribute='name') | list) }}
{% endmacro %}


{#- meta.natural_key of a table: the columns on which the latest delivery wins. -#}
{% macro natural_key(table_name) %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set node = _contract_node(table_name) -%}
    {%- set meta = node.meta or node.config.meta or {} -%}
    {%- if not meta.natural_key -%}
        {{ exceptions.raise_compiler_error("Landing table '" ~ table_name ~ "' has no meta.natural_key") }}
    {%- endif -%}
    {{ return(meta.natural_key) }}
{% endmacro %}
